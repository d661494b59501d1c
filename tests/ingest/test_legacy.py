"""Legacy office files through LibreOffice: .doc/.wps made from the DOCX fixture, .et from .xls."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ingest.config import IngestSettings
from ingest.errors import CorruptDocumentError, UnsupportedFormatError
from ingest.loaders import LoadedDocument, TableBlock, load_document
from ingest.loaders.legacy import find_soffice
from ingest.models import Chunk, Report
from ingest.pipeline import build_report
from tests import fixtures_files as files

pytestmark = pytest.mark.skipif(find_soffice() is None, reason="scripts/install installs it")


def _convert(source: Path, target: str, folder: Path) -> Path:
    """What an office does: save the file in the old format (LibreOffice, as a user would)."""
    soffice = find_soffice()
    assert soffice is not None
    profile = (folder / "profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    command += ["--outdir", str(folder), str(source)]
    subprocess.run(command, check=True, capture_output=True)
    return folder / f"{source.stem}.{target.split(':')[0]}"


def _build(path: Path) -> tuple[Report, list[Chunk]]:
    return build_report(path, path.read_bytes(), IngestSettings())


def _shape(chunks: list[Chunk]) -> list[tuple[object, ...]]:
    return [(c.kind, c.text, c.start, c.end, c.section_path, c.page, c.header) for c in chunks]


@pytest.fixture(scope="module")
def docx_and_doc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("legacy")
    docx = files.make_docx(folder)
    return docx, _convert(docx, "doc", folder / "doc")


def test_a_doc_ingests_with_the_same_chunks_as_its_docx(docx_and_doc: tuple[Path, Path]) -> None:
    docx, doc = docx_and_doc
    assert doc.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # a real Word 97 file
    original, original_chunks = _build(docx)
    converted, converted_chunks = _build(doc)
    assert converted.format == "doc"
    assert converted.title == original.title
    assert converted.text == original.text
    assert _shape(converted_chunks) == _shape(original_chunks)
    assert [t.rows for t in converted.tables] == [t.rows for t in original.tables]


def test_a_wps_file_reads_as_the_word_file_it_is(
    docx_and_doc: tuple[Path, Path], tmp_path: Path
) -> None:
    docx, doc = docx_and_doc
    wps = tmp_path / "report.wps"
    shutil.copyfile(doc, wps)  # Kingsoft Writer's .wps is a Word 97 compound file
    assert _shape(_build(wps)[1]) == _shape(_build(docx)[1])


def test_an_et_workbook_reads_as_its_xls(tmp_path: Path) -> None:
    xls = files.make_xls(tmp_path)
    et = tmp_path / "report.et"
    shutil.copyfile(xls, et)  # Kingsoft Spreadsheets' .et is a BIFF compound file
    from_et, from_xls = load_document(et), load_document(xls)
    assert from_et.format == "et"
    assert _table_rows(from_et) == _table_rows(from_xls)


def _table_rows(document: LoadedDocument) -> list[list[list[str]]]:
    return [b.rows for page in document.pages for b in page.blocks if isinstance(b, TableBlock)]


def test_bytes_that_are_no_word_file_are_refused_before_conversion(tmp_path: Path) -> None:
    fake = tmp_path / "notes.doc"
    fake.write_text("一、部门基本情况", encoding="utf-8")  # LibreOffice would import it as text
    with pytest.raises(CorruptDocumentError, match="no Office 97–2003 signature"):
        load_document(fake)


def test_without_libreoffice_the_error_says_what_to_install(
    docx_and_doc: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without soffice on its PATH
    with pytest.raises(UnsupportedFormatError, match="needs LibreOffice") as raised:
        load_document(docx_and_doc[1])
    assert "libreoffice-writer-nogui" in str(raised.value)
