"""The Vietnamese summary block `tthc ingest` prints for each file."""

from __future__ import annotations

from tthc.ingest.detect import KIND_LABELS
from tthc.ingest.pipeline import FailedFile, IngestResult, SplitResult

_NOTES = {
    "status_inferred": "hồ sơ không có trạng thái: suy ra từ ngày kết thúc (có = đã giải quyết, "
    "không = đang giải quyết)",
    "unmatched_procedures": "hồ sơ chưa khớp được thủ tục trong danh mục (mã TTHC để trống)",
    "matched_by_name": "hồ sơ khớp thủ tục theo tên",
    "ambiguous_names": "hồ sơ có tên thủ tục trùng nhiều thủ tục trong danh mục (không khớp)",
    "field_from_catalogue": "hồ sơ lấy lĩnh vực từ danh mục",
    "due_durations_ignored": "ô hạn xử lý ghi thời lượng (ví dụ '5 ngày làm việc'), không phải ngày: "
    "bỏ qua",
    "unknown_yes_no": "ô có/không không nhận ra: để trống",
    "unknown_online_flag": "ô trực tuyến không nhận ra: kênh để trống",
    "end_dates_of_unfinished_dropped": "hồ sơ chưa kết thúc nhưng có ngày kết thúc: bỏ ngày đó",
}

_AS_OF = {
    "title": "theo dòng tiêu đề của tệp",
    "title_range": "theo ngày cuối của khoảng thời gian ghi ở tiêu đề",
    "data": "theo mốc thời gian muộn nhất trong tệp",
    "ingest_time": "tệp không ghi ngày xuất: lấy thời điểm nạp",
    "previous_ingest": "theo lần nạp trước",
}


def _n(x: int) -> str:
    return f"{x:,}".replace(",", ".")


def format_split(r: SplitResult) -> str:
    """A province-level file: the totals, one line per unit, the unknown units."""
    c = r.counts
    how = "tự nhận dạng theo tiêu đề cột" if r.kind_detected else "theo --kind"
    sheet = f" (trang '{r.sheet}')" if r.sheet else ""
    lines = [
        f"Tệp: {r.file}{sheet}",
        f"  Loại: {KIND_LABELS[r.kind]} ({how}), tệp cấp tỉnh chia theo cột đơn vị "
        f'"{r.unit_column}": {len(r.parts)} đơn vị',
    ]
    if r.already_ingested:
        lines.append(
            f"  Tệp đã được nạp trước đó (lần nạp tệp #{r.split_id}): không thay đổi gì "
            "(thêm mới 0, cập nhật 0)."
        )
        return "\n".join(lines)
    as_of = r.as_of.strftime("%d/%m/%Y %H:%M") if r.as_of else "không rõ"
    lines.append(
        f"  Lần nạp tệp #{r.split_id}; số liệu tính đến {as_of} ({_AS_OF[r.as_of_source]})"
    )
    lines.append(f"  Dòng tiêu đề cột: dòng {r.header_row}")
    lines.append(
        f"  Đọc {_n(c.rows_read)} dòng: thêm mới {_n(c.inserted)}, cập nhật {_n(c.updated)}, "
        f"không đổi {_n(c.unchanged)}, bị loại {_n(c.rejected)} (trong đó không rõ đơn vị "
        f"{_n(r.unknown_rows)})"
    )
    for p in r.parts:
        pc = p.counts
        lines.append(
            f"    {p.unit} (lần nạp #{p.ingest_id}): {_n(pc.rows_read)} dòng, thêm mới "
            f"{_n(pc.inserted)}, cập nhật {_n(pc.updated)}, không đổi {_n(pc.unchanged)}, "
            f"bị loại {_n(pc.rejected)}"
        )
    if r.empty_units:
        lines.append(
            f"  Đơn vị không có dòng nào (ghi nhận danh sách rỗng): {', '.join(r.empty_units)}"
        )
    for u in r.unknown[:10]:
        lines.append(f"  Không rõ đơn vị: {u['rows']} dòng: {u['reason']}")
    if len(r.unknown) > 10:
        lines.append(f"  … và {len(r.unknown) - 10} giá trị đơn vị không nhận ra khác")
    if r.unknown:
        # Most often not a missing name but the wrong params folder (a terminal without the
        # city's `export TTHC_PARAMS=…`): say which one was read.
        from tthc.paths import params_dir
        from tthc.units import list_units

        lines.append(
            f"  Tham số đơn vị đọc từ {params_dir()} ({len(list_units())} đơn vị): nếu các đơn vị "
            "trên có tệp tham số ở thư mục khác, hãy đặt TTHC_PARAMS tới thư mục đó rồi nạp lại."
        )
    for d in r.decisions:
        lines.append(f"  Ghi nhận: {d['detail']}")
    if r.dropped_personal:
        lines.append(f"  Cột dữ liệu cá nhân không lưu: {', '.join(r.dropped_personal)}")
    if r.ignored_columns:
        shown = "; ".join(f"{i['header']} ({i['reason']})" for i in r.ignored_columns)
        lines.append(f"  Cột bỏ qua: {shown}")
    notes: dict[str, int] = {}
    for p in r.parts:
        for key, n in p.notes.items():
            notes[key] = notes.get(key, 0) + n
    for key, n in notes.items():
        lines.append(f"  Lưu ý: {n} {_NOTES.get(key, key)}")
    if r.rejects_csv:
        lines.append(f"  Dòng bị loại: {r.rejects_csv}")
    return "\n".join(lines)


def format_result(r: IngestResult | SplitResult | FailedFile) -> str:
    if isinstance(r, FailedFile):
        return f"Tệp: {r.file}\n  KHÔNG NẠP ĐƯỢC: {r.error}"
    if isinstance(r, SplitResult):
        return format_split(r)
    c = r.counts
    how = "tự nhận dạng theo tiêu đề cột" if r.kind_detected else "theo --kind"
    sheet = f" (trang '{r.sheet}')" if r.sheet else ""
    lines = [f"Tệp: {r.file}{sheet}", f"  Loại: {KIND_LABELS[r.kind]} ({how})"]
    if r.already_ingested:
        lines.append(
            f"  Tệp đã được nạp trước đó (lần nạp #{r.ingest_id}): không thay đổi gì "
            f"(thêm mới 0, cập nhật 0)."
        )
        return "\n".join(lines)
    as_of = r.as_of.strftime("%d/%m/%Y %H:%M") if r.as_of else "không rõ"
    lines.append(f"  Lần nạp #{r.ingest_id}; số liệu tính đến {as_of} ({_AS_OF[r.as_of_source]})")
    lines.append(f"  Dòng tiêu đề cột: dòng {r.header_row}")
    lines.append(
        f"  Đọc {c.rows_read} dòng: thêm mới {c.inserted}, cập nhật {c.updated}, "
        f"không đổi {c.unchanged}, bị loại {c.rejected}"
        + (
            f" (trong số không đổi: {c.conflicts} xung đột với bản xuất mới hơn)"
            if c.conflicts
            else ""
        )
    )
    skipped = [sh for sh in r.sheets if sh["status"] == "skipped"]
    if len(r.sheets) > 1 or skipped:
        read = [sh for sh in r.sheets if sh["status"] == "read"]
        lines.append(
            "  Trang đã đọc: "
            + "; ".join(f"'{sh['sheet']}' ({sh['rows']} dòng)" for sh in read)
            + (
                "; trang bỏ qua: "
                + "; ".join(
                    f"'{sh['sheet']}' ({sh['reason']}"
                    + (f", {sh['rows']} dòng" if sh.get("rows") is not None else "")
                    + ")"
                    for sh in skipped
                )
                if skipped
                else ""
            )
        )
    for d in r.decisions:
        lines.append(f"  Ghi nhận: {d['detail']}")
    if r.dropped_personal:
        lines.append(f"  Cột dữ liệu cá nhân không lưu: {', '.join(r.dropped_personal)}")
    if r.ignored_columns:
        shown = "; ".join(f"{i['header']} ({i['reason']})" for i in r.ignored_columns)
        lines.append(f"  Cột bỏ qua: {shown}")
    for key, n in r.notes.items():
        lines.append(f"  Lưu ý: {n} {_NOTES.get(key, key)}")
    if r.rejects_csv:
        lines.append(f"  Dòng bị loại: {r.rejects_csv}")
    return "\n".join(lines)
