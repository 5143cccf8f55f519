"""A file read once, hashed, opened and detected (tthc.ingest.prefetch): the first file of a run
while the warehouse opens, the others at their turn. The ledger's hash is of what was ingested,
or the file is not taken."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tthc.errors import InputFileError
from tthc.ingest.aliases import load_aliases
from tthc.ingest.detect import detect
from tthc.ingest.pipeline import FailedFile, IngestResult, ingest_paths
from tthc.ingest.prefetch import prefetch, read_once
from tthc.ingest.readers import open_export
from tthc.schema import Kind
from tthc.units import load_unit

FIX = Path(__file__).parent / "fixtures" / "ingest"
GOOD = FIX / "cases_sample_utf8.csv"


def test_prefetch_gives_what_the_files_turn_reads() -> None:
    aliases = load_aliases(load_unit("an-truong"))
    pre = prefetch(GOOD, aliases, None)
    assert pre is not None and pre.error is None
    assert pre.sha == hashlib.sha256(GOOD.read_bytes()).hexdigest()
    opened, det = pre.take()
    ref = open_export(GOOD)
    ref_det = detect(ref.sheets, aliases, GOOD, None)
    assert opened.container == ref.container == "csv"
    assert opened.decisions == ref.decisions
    [sheet], [ref_sheet] = opened.sheets, ref.sheets
    assert sheet.head == ref_sheet.head
    assert (det.kind, det.cmap.fields, det.cmap.header_index) == (
        ref_det.kind,
        ref_det.cmap.fields,
        ref_det.cmap.header_index,
    )
    cols = sorted(det.cmap.fields.values())
    body, ref_body = (s.load_body(det.cmap.header_index, cols) for s in (sheet, ref_sheet))
    assert list(body.row_numbers) == list(ref_body.row_numbers)
    assert {c: a.to_pylist() for c, a in body.columns.items()} == {
        c: a.to_pylist() for c, a in ref_body.columns.items()
    }


def test_a_file_written_while_it_is_read_is_not_prefetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.csv"
    shutil.copyfile(GOOD, path)
    read = Path.read_bytes

    def read_then_another_program_appends(self: Path) -> bytes:
        data = read(self)
        with self.open("ab") as fh:
            fh.write(b"HS-LATE,1.001193,x\n")
        return data

    monkeypatch.setattr(Path, "read_bytes", read_then_another_program_appends)
    # The bytes read are no longer the file: they are dropped, and the file's turn reads it.
    assert prefetch(path, load_aliases(load_unit("an-truong")), None) is None
    # A file that changes at every read (a copy still being written) is refused at its turn.
    [failed] = ingest_paths(tmp_path / "w.duckdb", "an-truong", [path])
    assert isinstance(failed, FailedFile)
    assert failed.error == (
        "Tệp growing.csv thay đổi trong lúc đọc (3 lần đọc): có chương trình khác đang ghi tệp; "
        "hãy đợi ghi xong rồi nạp lại."
    )
    assert not (tmp_path / "w.duckdb").exists()


def test_a_workbook_replaced_between_its_read_and_its_open_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook's reader opens the file again after its bytes were hashed: a file replaced in
    between (another version of the export copied over it) would be stored under the hash of
    the version read first. The read is taken again, and hash and rows are of one version."""
    import tthc.ingest.prefetch as pf

    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_bytes(GOOD.read_bytes())
    lines = GOOD.read_bytes().splitlines(keepends=True)
    second.write_bytes(b"".join(lines[:-1]))  # the same export, one case fewer
    path = tmp_path / "export.csv"
    shutil.copyfile(first, path)
    real_open, swaps = pf.open_export, []

    def open_after_a_copy_lands(p: Path, data: bytes | None = None):
        if not swaps:  # once: another version replaces the file after its bytes were read
            swaps.append(p)
            tmp = tmp_path / "incoming.csv"
            shutil.copyfile(second, tmp)
            tmp.replace(p)
        return real_open(p, None)  # as a workbook reader does: from the file, not the bytes

    monkeypatch.setattr(pf, "open_export", open_after_a_copy_lands)
    pre = read_once(path, load_aliases(load_unit("an-truong")), None)
    assert swaps and pre.sha == hashlib.sha256(second.read_bytes()).hexdigest()
    opened, det = pre.take()
    rows = opened.sheets[0].load_body(det.cmap.header_index, sorted(det.cmap.fields.values()))
    ref = open_export(second)
    ref_rows = ref.sheets[0].load_body(det.cmap.header_index, sorted(det.cmap.fields.values()))
    assert list(rows.row_numbers) == list(ref_rows.row_numbers)


def test_an_error_of_opening_waits_for_the_files_turn(tmp_path: Path) -> None:
    pdf = tmp_path / "report.csv"
    pdf.write_bytes(b"%PDF-1.7\n" + b"\0" * 64)
    pre = prefetch(pdf, load_aliases(load_unit("an-truong")), Kind.CASES)
    assert pre is not None and pre.sha == hashlib.sha256(pdf.read_bytes()).hexdigest()
    with pytest.raises(InputFileError) as prefetched:
        pre.take()
    with pytest.raises(InputFileError) as direct:
        open_export(pdf)
    assert str(prefetched.value) == str(direct.value)
    [failed] = ingest_paths(tmp_path / "w.duckdb", "an-truong", [pdf])
    assert isinstance(failed, FailedFile) and failed.error == str(direct.value)


def test_the_ledger_hash_is_of_the_bytes_ingested(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    shutil.copyfile(GOOD, path)
    db = tmp_path / "w.duckdb"
    [first] = ingest_paths(db, "an-truong", [path])
    assert isinstance(first, IngestResult) and not first.already_ingested
    assert first.file_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # Given again, the prefetched hash finds the ledger's entry: nothing is stored twice.
    [again] = ingest_paths(db, "an-truong", [path])
    assert isinstance(again, IngestResult) and again.already_ingested
    assert again.ingest_id == first.ingest_id
