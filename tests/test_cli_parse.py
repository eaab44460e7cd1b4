"""`qcity parse` end to end, through the installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLANS = Path(__file__).parent / "fixtures" / "plans"
QCITY = shutil.which("qcity") or str(Path(sys.executable).with_name("qcity"))


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([QCITY, "parse", *args], input=stdin, capture_output=True, timeout=300)


def test_json_follows_the_gold_schema() -> None:
    result = run(str(PLANS / "yichang-2023.txt"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"title", "issuer", "region", "level", "date", "horizon", "targets", "tasks"} <= set(data)
    assert len(data["tasks"]) == 20 and data["tasks"][0]["units"] == ["市科技局", "市经信局"]


def test_several_files_into_a_folder(tmp_path: Path) -> None:
    files = [str(PLANS / f"{s}.txt") for s in ("yichang-2023", "huoshan-2021")]
    assert run(*files, "--out", str(tmp_path)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huoshan-2021.json", "yichang-2023.json"]


def test_standard_input() -> None:
    result = run("-", stdin=(PLANS / "tongjiang-2016.txt").read_bytes())
    assert result.returncode == 0 and len(json.loads(result.stdout)["tasks"]) == 18


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p / "missing.txt", "no such file"),
        (lambda p: _write(p / "empty.txt", b""), "empty"),
        (lambda p: _write(p / "junk.bin", bytes(range(256)) * 40), "binary"),
        (lambda p: _write(p / "bad.docx", b"PK\x03\x04junk"), "corrupt"),
        (lambda p: _write(p / "bad.pdf", b"%PDF-1.7\n1 0 obj junk"), "PDF"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(tmp_path: Path, make, reason: str) -> None:
    result = run(str(make(tmp_path)))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert reason in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_no_tasks_is_a_warning_not_an_error(tmp_path: Path) -> None:
    result = run(str(_write(tmp_path / "note.txt", "关于召开会议的通知\n请准时参加。".encode())))
    assert result.returncode == 0 and "warning" in result.stderr.decode()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(
    ("fmt", "convert"),
    [("xlsx", "csv:Text - txt - csv (StarCalc):44,34,76"), ("docx", "txt:Text (encoded):UTF8")],
)
def test_exports_open_in_libreoffice(tmp_path: Path, fmt: str, convert: str) -> None:
    out = tmp_path / f"zhanjiang.{fmt}"
    assert run(str(PLANS / "zhanjiang-2018.txt"), "--format", fmt, "--out", str(out)).returncode == 0
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", convert,
         "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = (tmp_path / f"zhanjiang.{convert.split(':')[0]}").read_text(encoding="utf-8", errors="replace")
    for word in ("序号", "主要内容", "牵头单位", "参与单位", "提高农产品优质供给水平", "市农业农村局"):
        assert word in text


def test_markdown_export() -> None:
    result = run(str(PLANS / "huoshan-2021.txt"), "--format", "md")
    assert result.returncode == 0
    assert "| 序号 | 任务 | 主要内容 | 牵头单位 | 参与单位 | 完成时限 |" in result.stdout.decode()
