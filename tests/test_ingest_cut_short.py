"""A case list cut short (issue 9: read right or refused): a copy or download that stopped
mid-row, or at a line break, leaves a list whose title still vouches for days it does not hold.
Both are refused whole; lists that only look alike (no final line break, a quiet fortnight, a
small unit) are read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tthc.ingest.pipeline import FailedFile, IngestResult, ingest_paths
from tthc.ingest.plausibility import GAP_DAYS

HEAD = (
    "DANH SÁCH HỒ SƠ TIẾP NHẬN\n"
    "Từ ngày 01/01/2026 đến ngày 14/06/2026\n"
    "Ngày xuất: 15/06/2026 08:00\n"
    "\n"
    "Mã hồ sơ,Mã TTHC,Trạng thái,Ngày nhận,Ghi chú\n"
)


def case_rows(first: dt.date, days: int, per_day: int = 1) -> str:
    out = []
    for d in range(days):
        day = first + dt.timedelta(days=d)
        for k in range(per_day):
            out.append(f"H-{day:%Y%m%d}-{k},1.001193,Đang xử lý,{day:%d/%m/%Y} 08:00,ok\n")
    return "".join(out)


def ingest(tmp_path: Path, text: str) -> tuple[IngestResult | FailedFile, Path]:
    path = tmp_path / "ho-so.csv"
    path.write_text(text, encoding="utf-8")
    db = tmp_path / "kho" / "w.duckdb"
    [result] = ingest_paths(db, "xa-a", [path])
    return result, db


def test_a_list_cut_in_the_middle_of_its_last_row_is_refused(tmp_path: Path) -> None:
    whole = HEAD + case_rows(dt.date(2026, 1, 1), 165)
    result, db = ingest(tmp_path, whole[: whole.rindex("\n", 0, -1) + 20])  # 19 chars of a row
    assert isinstance(result, FailedFile)
    assert result.error.startswith(
        "Tệp ho-so.csv bị cắt cụt: dòng cuối (dòng 170) dừng giữa chừng (dòng có 2 ô, dòng tiêu "
        "đề có 5 ô) và tệp không kết thúc bằng dấu xuống dòng"
    )
    assert not db.exists()  # nothing stored, no warehouse left behind


def test_a_list_cut_at_a_line_break_is_refused_by_its_own_pace(tmp_path: Path) -> None:
    """Receptions every day from 01/01 to 22/02, then none up to the title's 14/06."""
    result, _ = ingest(tmp_path, HEAD + case_rows(dt.date(2026, 1, 1), 53, per_day=3))
    assert isinstance(result, FailedFile)
    assert result.error == (
        "Tệp ho-so.csv ghi danh sách hồ sơ tiếp nhận đến ngày 14/06/2026 nhưng hồ sơ tiếp nhận "
        "sau cùng là ngày 22/02/2026: 112 ngày cuối không có hồ sơ nào, trong khi theo nhịp của "
        "chính tệp (khoảng 3,0 hồ sơ mỗi ngày) phải có khoảng 336 hồ sơ. Tệp có thể đã bị cắt "
        "bớt khi chép, tải về hoặc lọc: hãy xuất lại đủ danh sách rồi nạp lại."
    )


def test_a_quiet_fortnight_at_the_end_is_read(tmp_path: Path) -> None:
    """Up to GAP_DAYS - 1 days without receptions (Tết, a closed office) is not a cut."""
    days = (dt.date(2026, 6, 14) - dt.date(2026, 1, 1)).days + 1 - (GAP_DAYS - 1)
    result, _ = ingest(tmp_path, HEAD + case_rows(dt.date(2026, 1, 1), days, per_day=5))
    assert isinstance(result, IngestResult) and result.counts.inserted == 5 * days


def test_a_small_unit_s_silence_is_read(tmp_path: Path) -> None:
    """A case every 12 days, none in the last 20: its pace puts 2 in them, not 20."""
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=12 * i) for i in range(13)]  # to 25/05
    rows = "".join(f"H-{d:%m%d},1.001193,Đang xử lý,{d:%d/%m/%Y} 08:00,ok\n" for d in days)
    result, _ = ingest(tmp_path, HEAD + rows)
    assert isinstance(result, IngestResult) and result.counts.inserted == 13


def test_a_small_unit_stopping_in_january_is_refused(tmp_path: Path) -> None:
    """Eight cases in January and none to mid-June: 41 expected in the silence."""
    days = (2, 5, 9, 12, 16, 20, 23, 27)
    rows = "".join(f"H-{d}-0,1.001193,Đang xử lý,{d:02d}/01/2026 08:00,ok\n" for d in days)
    result, _ = ingest(tmp_path, HEAD + rows)
    assert isinstance(result, FailedFile) and "phải có khoảng 41 hồ sơ" in result.error


def test_a_whole_list_without_a_final_line_break_is_read(tmp_path: Path) -> None:
    text = HEAD + case_rows(dt.date(2026, 1, 1), 165)
    result, _ = ingest(tmp_path, text.rstrip("\n"))
    assert isinstance(result, IngestResult) and result.counts.inserted == 165


def test_a_short_footer_line_without_a_final_line_break_is_not_a_cut(tmp_path: Path) -> None:
    text = HEAD + case_rows(dt.date(2026, 1, 1), 165) + "Người lập biểu"
    result, _ = ingest(tmp_path, text)
    assert isinstance(result, IngestResult) and result.counts.inserted == 165
    assert result.counts.rejected == 0
