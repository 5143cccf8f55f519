"""A date column written both ways (13/06 and 06/14) cannot be read: the refusal says how many
cells of each, where the first of each is, and whether a typo or the whole export is at fault."""

from __future__ import annotations

from pathlib import Path

from tthc.ingest.pipeline import FailedFile, ingest_paths

HEAD = "Mã hồ sơ,Mã TTHC,Trạng thái,Ngày nhận\n"


def refused(tmp_path: Path, dates: list[str]) -> str:
    body = "".join(f"H-{i},1.001193,Đang xử lý,{d}\n" for i, d in enumerate(dates))
    path = tmp_path / "ho-so.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    [r] = ingest_paths(tmp_path / "w.duckdb", "xa-a", [path])
    assert isinstance(r, FailedFile), r
    return r.error


def test_one_cell_the_other_way_is_named_as_a_likely_typo_with_its_row(tmp_path: Path) -> None:
    dates = [f"{d}/05/2026 08:00" for d in range(13, 29)]  # day first: 13..28 > 12
    dates[9] = "12/13/2025 08:03"  # month first: a slip of the keyboard
    assert refused(tmp_path, dates) == (
        'Tệp ho-so.csv: cột "Ngày nhận" có ngày viết theo cả hai kiểu, 15 ô ngày/tháng '
        '("13/05/2026 08:00", dòng 2) và 1 ô tháng/ngày ("12/13/2025 08:03", dòng 11), nên không '
        "xác định được các ngày còn lại: 1 ô viết kiểu tháng/ngày có lẽ là ô gõ sai; hãy sửa ô đó "
        "trong tệp rồi nạp lại (nếu không phải, hãy xuất lại với một định dạng dd/mm/yyyy)."
    )


def test_many_cells_each_way_ask_for_a_new_export(tmp_path: Path) -> None:
    dates = [f"{d}/05/2026 08:00" for d in range(13, 19)] + [
        f"05/{d}/2026 08:00" for d in range(20, 26)
    ]
    error = refused(tmp_path, dates)
    assert "6 ô ngày/tháng" in error and "6 ô tháng/ngày" in error
    assert error.endswith("; hãy xuất lại với một định dạng dd/mm/yyyy.")
