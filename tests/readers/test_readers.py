"""Readers: every input format, and a one-line PlanReadError for everything unreadable."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qcity.readers import (
    ConverterMissing,
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    NoTextLayer,
    PlanReadError,
    read_document,
)
from support import soffice_available

TEXT = "某某市质量强市实施方案\n一、主要目标\n到2025年,产品质量合格率达到95%以上。\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_text_encodings_are_detected(encoding: str) -> None:
    doc = read_document(TEXT.encode(encoding), filename="plan.txt")
    assert doc.blocks[0].text == "某某市质量强市实施方案"


def test_big5_traditional_text() -> None:
    text = "某某市質量強市實施方案\n二、主要目標\n到2025年,產品質量合格率達到95%以上。\n"
    doc = read_document(text.encode("big5"), filename="plan.txt")
    assert doc.blocks[0].text == "某某市質量強市實施方案"


def test_pipe_table_in_text_becomes_a_table() -> None:
    text = "附件\n工作任务 |\n主要内容 |\n责任部门 |\n1.提升质量 |\n做好工作 |\n牵头部门:市市场监管局 |\n"
    doc = read_document(text.encode(), filename="plan.txt")
    table = next(b for b in doc.blocks if b.kind == "table")
    assert table.rows == [
        ["工作任务", "主要内容", "责任部门"],
        ["1.提升质量", "做好工作", "牵头部门:市市场监管局"],
    ]
    assert table.text[table.cell_offset(1, 2) :].startswith("牵头部门")
    starts = table.row_starts()
    assert starts == [0, table.text.index("1.提升质量")]
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            offset = table.cell_offset(r, c, starts)
            assert offset == table.cell_offset(r, c) and table.text[offset : offset + len(cell)] == cell


def test_docx_numbering_and_merged_cells(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("提升质量。", style="List Number")
    doc.add_paragraph("加强监管。", style="List Number")
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "任务分解表"
    table.cell(1, 0).text = "工作任务"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "合并"
    path = tmp_path / "plan.docx"
    doc.save(str(path))
    read = read_document(path)
    assert read.blocks[0].text.startswith("1") and read.blocks[0].text.endswith("提升质量。")
    assert read.blocks[1].text.startswith("2")
    rows = read.blocks[2].rows
    assert rows is not None and rows[0] == ["任务分解表"] * 3 and rows[2][:2] == ["合并", "合并"]


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"", "plan.txt", EmptyDocument),
        (b"   \n\n", "plan.txt", EmptyDocument),
        (bytes(range(256)) * 20, "plan.bin", CorruptDocument),
        (b"PK\x03\x04 not really a zip", "plan.docx", CorruptDocument),
        (b"not a pdf at all", "plan.pdf", CorruptDocument),
        (b"%PDF-1.4\n garbage", "plan.pdf", PlanReadError),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00",
            "plan.docx",
            EncryptedDocument,
        ),
    ],
)
def test_unreadable_input_raises_a_one_line_plan_read_error(data: bytes, name: str, error: type) -> None:
    with pytest.raises(error) as caught:
        read_document(data, filename=name)
    assert "\n" not in str(caught.value) and str(caught.value)


def test_missing_file() -> None:
    with pytest.raises(PlanReadError, match="no such file"):
        read_document("/nonexistent/plan.docx")


def test_zip_that_is_a_docx_missing_parts() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<broken")
    with pytest.raises(CorruptDocument):
        read_document(buffer.getvalue(), filename="plan.docx")


def test_doc_without_libreoffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import qcity.readers.convert as convert

    monkeypatch.setattr(convert, "find_soffice", lambda: None)
    with pytest.raises(ConverterMissing, match="LibreOffice"):
        read_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, filename="plan.doc")


@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_doc_and_pdf_through_libreoffice(tmp_path: Path, plan_variants) -> None:
    from variants import soffice_convert

    soffice_convert([plan_variants["docx"]["yichang-2023"]], "doc", tmp_path)
    doc = read_document(tmp_path / "yichang-2023.doc")
    assert doc.format == "doc" and any("增强创新能力" in b.text for b in doc.blocks)
    pdf = read_document(plan_variants["pdf"]["yichang-2023"])
    assert any(b.text.startswith("1.增强创新能力") for b in pdf.blocks)


@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_image_only_and_encrypted_pdf(tmp_path: Path) -> None:
    from docx import Document
    from variants import soffice_convert

    empty = tmp_path / "empty.docx"
    Document().save(str(empty))
    soffice_convert([empty], "pdf", tmp_path)
    with pytest.raises(NoTextLayer):
        read_document(tmp_path / "empty.pdf")
    text = tmp_path / "secret.txt"
    text.write_text("机密文件 内容", encoding="utf-8")
    options = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"pw"}}'
    soffice_convert([text], f"pdf:writer_pdf_Export:{options}", tmp_path)
    with pytest.raises(EncryptedDocument):
        read_document(tmp_path / "secret.pdf")


def test_nul_characters_are_dropped_from_blocks_and_cells() -> None:
    from qcity.readers.model import build_document

    doc = build_document(
        ["目标\x00一", [["序号", "任务\x00"], ["1", "a"]], "\x00"], source_name="x", fmt="pdf"
    )
    assert [b.text for b in doc.blocks] == ["目标一", "序号\t任务\n1\ta"]
