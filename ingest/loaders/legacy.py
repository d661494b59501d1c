"""Legacy office files (.doc, .wps, .et, and .xls that xlrd cannot read), converted by LibreOffice.

Word 97 (.doc) and Kingsoft WPS (.wps writer, .et spreadsheet) files are converted headless into
.docx/.xlsx in a temporary folder and read by those loaders, so a converted report reads exactly
as the same report saved as .docx would. .xls stays with xlrd, which reads BIFF directly and keeps
number formats; LibreOffice is the fallback for what xlrd rejects (BIFF5 and older, .et saved as
.xls). Each conversion gets its own LibreOffice profile folder, so two conversions never wait on
one profile's lock.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import xlrd

from ingest.errors import CorruptDocumentError, UnsupportedFormatError
from ingest.loaders.base import LoadedDocument
from ingest.loaders.docx import load_docx
from ingest.loaders.xlsx import load_xls, load_xlsx

# A report converts in a few seconds; a file that hangs LibreOffice must not hang the ingest.
_CONVERT_TIMEOUT_S = 180
_INSTALL_HINT = "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui (scripts/install)"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file every one of them is
_RTF_MAGIC = b"{\\rtf"  # Word saves RTF under .doc too
_ZIP_MAGIC = b"PK\x03\x04"  # a .docx/.xlsx saved with the old extension


def load_doc(path: Path) -> LoadedDocument:
    """A Word 97–2003 document (.doc)."""
    return _load_converted(path, "docx", load_docx)


def load_wps(path: Path) -> LoadedDocument:
    """A Kingsoft WPS Writer document (.wps)."""
    return _load_converted(path, "docx", load_docx)


def load_et(path: Path) -> LoadedDocument:
    """A Kingsoft WPS Spreadsheets workbook (.et)."""
    return _load_converted(path, "xlsx", load_xlsx)


def load_legacy_xls(path: Path) -> LoadedDocument:
    """An .xls workbook: xlrd first; LibreOffice for the workbooks xlrd cannot read."""
    try:
        return load_xls(path)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError):
        return _load_converted(path, "xlsx", load_xlsx)


def find_soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _load_converted(
    path: Path, target: str, loader: Callable[[Path], LoadedDocument]
) -> LoadedDocument:
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP_MAGIC):
        return dataclasses.replace(loader(path), format=suffix.lstrip("."))
    # LibreOffice imports any bytes it does not recognise as plain text: check the signature.
    if not head.startswith(_OLE_MAGIC) and not (target == "docx" and head.startswith(_RTF_MAGIC)):
        raise CorruptDocumentError(path, f"not a {suffix} file (no Office 97–2003 signature)")
    soffice = find_soffice()
    if soffice is None:
        raise UnsupportedFormatError(path, f"reading {suffix} needs LibreOffice: {_INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="reportqa-convert-") as folder:
        work = Path(folder)
        source = work / f"source{suffix}"  # a plain name: LibreOffice names its output after it
        shutil.copyfile(path, source)
        converted = _convert(path, soffice, source, target, work)
        document = loader(converted)
    return dataclasses.replace(document, path=path, format=suffix.lstrip("."))


def _convert(path: Path, soffice: str, source: Path, target: str, work: Path) -> Path:
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(work / "out"),
        str(source),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=_CONVERT_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise CorruptDocumentError(
            path, f"LibreOffice did not convert it within {_CONVERT_TIMEOUT_S} s"
        ) from exc
    converted = work / "out" / f"{source.stem}.{target}"
    if not converted.is_file():
        said = (done.stderr or done.stdout).strip().splitlines()
        detail = said[-1] if said else f"exit status {done.returncode}"
        raise CorruptDocumentError(path, f"LibreOffice could not convert it ({detail})")
    return converted
