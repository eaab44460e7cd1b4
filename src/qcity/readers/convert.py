"""Legacy formats (.doc, .wps, .rtf, .odt) through LibreOffice, converted to .docx in a private folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import ConverterMissing, CorruptDocument

TIMEOUT_SECONDS = 120


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def convert_with_soffice(data: bytes, suffix: str, target: str = "docx") -> bytes:
    """Convert document bytes with LibreOffice; returns the converted bytes."""
    soffice = find_soffice()
    if soffice is None:
        raise ConverterMissing()
    with tempfile.TemporaryDirectory(prefix="qcity-convert-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [
            soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--convert-to", target, "--outdir", tmp, str(src),
        ]  # fmt: skip
        try:
            subprocess.run(
                cmd,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired as exc:
            raise CorruptDocument("LibreOffice 转换超时 (conversion timed out)") from exc
        out = Path(tmp) / f"input.{target.split(':')[0]}"
        if not out.exists() or out.stat().st_size == 0:
            raise CorruptDocument(f"LibreOffice 无法转换此 {suffix} 文件 (conversion failed)")
        return out.read_bytes()
