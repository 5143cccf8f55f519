"""`tthc stats`: every figure of one unit-period (or of a city and each of its units), as a
readable table, JSON or CSV.

The warehouse is opened read-only, so this never blocks (or is blocked by) another reader.
JSON schema: docs/stats-json.md (a city: its section "A city").
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "stats",
        help="tính số liệu báo cáo của một đơn vị (hoặc một thành phố) trong một kỳ",
        description=(
            "Tính mọi số liệu của báo cáo (bảng tình hình giải quyết TTHC, tỷ lệ, PAKN, kiểm tra "
            "cân đối) cho một đơn vị và một kỳ, tại thời điểm cuối kỳ; với --city: cho từng đơn vị "
            "của thành phố và cho cả thành phố (cộng số lượng, tính lại tỷ lệ)."
        ),
    )
    p.add_argument(
        "--db",
        metavar="TỆP",
        help="tệp kho dữ liệu DuckDB (mặc định: $TTHC_DB hoặc data/tthc.duckdb)",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", metavar="ĐƠN_VỊ", help="mã đơn vị, ví dụ an-truong")
    who.add_argument(
        "--city",
        metavar="THÀNH_PHỐ",
        help="thành phố/tỉnh trong params/cities/, ví dụ hai-phong: số liệu của mọi đơn vị có "
        "city: <thành phố> và của cả thành phố",
    )
    period = p.add_mutually_exclusive_group()
    period.add_argument(
        "--month",
        metavar="YYYY-MM",
        help="tháng báo cáo YYYY-MM (kỳ theo quy tắc của bộ quy ước báo cáo); không chọn kỳ: "
        "kỳ tháng gần nhất đã khóa số liệu mà dữ liệu đã nạp bao phủ trọn vẹn",
    )
    period.add_argument("--quarter", metavar="YYYY-Qn", help="quý YYYY-Qn")
    period.add_argument(
        "--from", dest="date_from", metavar="YYYY-MM-DD", help="từ ngày YYYY-MM-DD (cần --to)"
    )
    p.add_argument(
        "--to", dest="date_to", metavar="YYYY-MM-DD", help="đến ngày YYYY-MM-DD (cùng --from)"
    )
    p.add_argument(
        "--profile",
        metavar="TÊN|TỆP",
        help="tên bộ quy ước báo cáo trong params/profiles/ hoặc đường dẫn tệp YAML",
    )
    p.add_argument(
        "--allow-partial",
        action="store_true",
        default=None,
        help="tính cả số liệu chỉ có một phần kỳ (ghi rõ các ngày có dữ liệu) thay cho N/A",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument(
        "--json", action="store_true", help="in một đối tượng JSON (docs/stats-json.md)"
    )
    fmt.add_argument(
        "--csv",
        action="store_true",
        help="in bảng theo lĩnh vực dạng CSV (với --city: bảng theo đơn vị)",
    )
    return p


def run(args: argparse.Namespace) -> int:
    from tthc import warehouse
    from tthc.errors import ParamsError
    from tthc.known import require_unit
    from tthc.paths import default_db
    from tthc.stats.coverage import default_month, default_month_line
    from tthc.stats.figures import compute_figures
    from tthc.stats.periods import parse_period
    from tthc.stats.profile import load_profile, profile_for_unit
    from tthc.units import load_unit

    if args.date_to and not args.date_from:
        raise ParamsError("--to cần đi cùng --from.")
    if args.city:
        return run_city(args)
    load_unit(args.unit)  # validates the slug and the unit file before opening anything
    profile = load_profile(args.profile) if args.profile else profile_for_unit(args.unit)
    given = args.month or args.quarter or args.date_from
    period = None
    if given:
        period = parse_period(
            month=args.month,
            quarter=args.quarter,
            date_from=args.date_from,
            date_to=args.date_to if args.date_from else None,
            rule=profile.period_rule,
        )
    db = args.db or default_db()
    con = warehouse.connect(db, read_only=True)
    try:
        with warehouse.reading(db):
            require_unit(args.unit, con)
            if period is None:  # the last closed month the data cover; said first, on stderr
                period = default_month(con, args.unit, profile.period_rule)
                print(default_month_line(args.unit, period), file=sys.stderr, flush=True)
            figures = compute_figures(
                con, args.unit, period, profile, allow_partial=args.allow_partial
            )
    finally:
        con.close()
    if args.json:
        text = json.dumps(figures.to_json(), ensure_ascii=False, indent=2, default=str) + "\n"
    elif args.csv:
        from tthc.cellsafe import frame_to_csv

        text = frame_to_csv(figures.by_field.drop(columns=["is_total"]))
    else:
        text = render_text(figures)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `tthc stats ... | head` is fine
        sys.stderr.close()
    return 0


def run_city(args: argparse.Namespace) -> int:
    """``tthc stats --city``: every member unit's figures and the city's."""
    from tthc import warehouse
    from tthc.known import params_hint
    from tthc.paths import default_db
    from tthc.stats.city import city_default_month, compute_city, load_city_profiles
    from tthc.stats.periods import parse_period

    loaded = load_city_profiles(args.city, args.profile)
    city, units, city_profile = loaded.city, loaded.units, loaded.profile
    period = None
    if args.month or args.quarter or args.date_from:
        period = parse_period(
            month=args.month,
            quarter=args.quarter,
            date_from=args.date_from,
            date_to=args.date_to if args.date_from else None,
            rule=city_profile.period_rule,
        )
    con = warehouse.connect(args.db or default_db(), read_only=True)
    try:
        hint = params_hint(con, city.display_name)
        if hint:
            print(hint, file=sys.stderr, flush=True)
        if period is None:
            period, line = city_default_month(con, city, units, city_profile.period_rule)
            print(line, file=sys.stderr, flush=True)
        result = compute_city(
            con,
            city.city,
            units,
            period,
            profiles=loaded.profiles,
            city_profile=city_profile,
            allow_partial=args.allow_partial,
            procedures=False,
            names=loaded.names,
        )
    finally:
        con.close()
    if args.json:
        # Compact: a hundred units' figures weigh megabytes, and json's indenting encoder is
        # pure Python (seconds); `python -m json.tool` indents it for reading.
        text = (
            json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":"), default=str)
            + "\n"
        )
    elif args.csv:
        text = (
            result.units_table.drop(columns=["is_total"])
            .rename(columns={"field": "unit"})
            .to_csv(index=False)
        )
    else:
        text = render_city_text(result, city.display_name)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()
    return 0


_LATE_SHOWN = 20  # late cases listed in the text summary; the report and --json list them all


def render_city_text(result: Any, city_name: str) -> str:
    """The readable summary of ``tthc stats --city``: the city's figures as for a unit, then
    one line per unit (main counts and rates) and the units the exports do not cover."""
    from tthc.stats.numbers import NA

    f = result.figures
    # 'thành phố Hải Phòng' -> 'Thành phố Hải Phòng (hai-phong) —' (a province says 'Tỉnh …').
    title = city_name[:1].upper() + city_name[1:]
    head = render_text(f).replace(f"Đơn vị: {f.unit} —", f"{title} ({f.unit}) —", 1)
    pr = result.profile
    headers = ["Đơn vị", "(1)", "(5)", "(8)", "(9)", "(11)", "Đúng hạn", "Trực tuyến", "Số liệu"]
    state = {"complete": "đủ", "incomplete": "CHƯA ĐỦ", "partial": "một phần"}
    rows = []

    for unit, uf in result.units.items():
        # Each unit as the city counts it and in the city's number format (one table, one
        # way of writing numbers: An Trường's '99.96%' beside the others' '92,83%' misled).
        c = result.contribution(unit)
        rows.append(
            [
                unit,
                *(
                    c.fmt(k, pr)
                    for k in (
                        "cases_total",
                        "cases_resolved",
                        "cases_resolved_late",
                        "cases_in_progress",
                        "cases_in_progress_overdue",
                    )
                ),
                c.fmt("rate_on_time", pr),
                c.fmt("rate_online", pr),
                state.get(uf.completeness, uf.completeness),
            ]
        )
    lines = [head, f"TỪNG ĐƠN VỊ ({len(result.units)} đơn vị; {pr.name})", _table(headers, rows)]
    missing = result.units_missing
    if missing:
        lines.append("")
        lines.append(f"ĐƠN VỊ CHƯA ĐỦ DỮ LIỆU ({len(missing)}), không tính là 0:")
        for unit, uf in missing.items():
            lines.append(f"  {unit}: {uf.completeness_note or NA}")
    return "\n".join(lines) + "\n"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    body = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    return "\n".join([line, "-" * len(line), *body])


def render_text(figures: Any) -> str:
    """The readable Vietnamese summary printed by ``tthc stats`` without a format option."""
    from tthc.stats.figures import NATIONAL_COLUMNS
    from tthc.stats.numbers import format_count
    from tthc.stats.periods import vn_date

    f = figures
    v = f.values
    pr = f.profile
    lines = [
        f"Đơn vị: {f.unit} — {f.period.title_phrase} ({f.period.range_phrase})",
        f"Bộ quy ước báo cáo: {pr.name}; lũy kế từ {vn_date(f.ytd_start)}; so sánh hạn theo "
        f"{'ngày' if pr.comparison == 'date' else 'thời điểm'}; {pr.rule_label}.",
    ]
    if f.completeness != "complete":
        lines.append(f"SỐ LIỆU CHƯA ĐẦY ĐỦ: {f.completeness_note}")
    lines += ["", "TÌNH HÌNH GIẢI QUYẾT HỒ SƠ"]
    items = [
        ("Tổng số hồ sơ phải giải quyết", "cases_total"),
        ("  Mới tiếp nhận trong kỳ", "cases_new"),
        ("    trực tuyến", "cases_new_online"),
        ("    trực tiếp", "cases_new_in_person"),
        ("    dịch vụ bưu chính", "cases_new_postal"),
        ("  Từ kỳ trước chuyển qua", "cases_carried_over"),
        ("Đã giải quyết", "cases_resolved"),
        ("  trước hạn", "cases_resolved_early"),
        (f"  {pr.on_time_label.lower()}", "cases_resolved_on_time"),
        ("  quá hạn", "cases_resolved_late"),
        ("Đang giải quyết", "cases_in_progress"),
        ("  trong hạn", "cases_in_progress_within"),
        ("  quá hạn", "cases_in_progress_overdue"),
        ("Rút, dừng, trả lại (nhóm thứ ba)", "cases_withdrawn"),
        ("PAKN tiếp nhận", "pakn_received"),
        ("  kỳ trước chuyển qua", "pakn_carried_over"),
        ("  xử lý đúng hạn", "pakn_on_time"),
        ("  xử lý quá hạn", "pakn_late"),
        ("  đang xử lý", "pakn_in_progress"),
    ]
    width = max(len(label) for label, _ in items) + 2
    for label, key in items:
        reason = f"  ({f.na[key]})" if key in f.na and v.get(key) is None else ""
        reason = reason or (f"  ({f.partial[key].note})" if key in f.partial else "")
        lines.append(f"{label.ljust(width)}{f.fmt(key):>10}{reason}")
    lines += ["", "TỶ LỆ"]
    for key, info in f.rates.items():
        window = "kỳ báo cáo" if info.window == "period" else "lũy kế"
        if info.value is None:
            part = f"N/A ({info.na_reason})"
        else:
            part = f"{f.fmt('rate_' + key)} = {format_count(info.numerator, pr)}/{format_count(info.denominator, pr)}"
            part += f" ({f.partial['rate_' + key].note})" if "rate_" + key in f.partial else ""
        lines.append(f"{info.title}: {part} [{info.base_phrase}, {window}]")
    lines += ["", "BẢNG THEO LĨNH VỰC"]
    headers = ["Lĩnh vực", *[num or "Rút/dừng" for _, num, _ in NATIONAL_COLUMNS]]
    rows = []
    for rec in f.by_field.to_dict("records"):
        row = [str(rec["field"])]
        for key, _, _ in NATIONAL_COLUMNS:
            val = rec.get(key)
            row.append(format_count(None if val is None or val is _na() else int(val), pr))
        rows.append(row)
    lines.append(_table(headers, rows))
    failed = [c for c in f.checks if not c.ok]
    lines += ["", f"KIỂM TRA CÂN ĐỐI: {len(f.checks) - len(failed)}/{len(f.checks)} đạt"]
    for c in failed:
        lines.append(f"  SAI {c.name}: chênh lệch {c.gap} ({c.detail})")
    if "late_cases" in f.na:
        lines += ["", f"HỒ SƠ QUÁ HẠN: N/A ({f.na['late_cases']})"]
    elif f.late_cases is not None and len(f.late_cases):
        shown = min(len(f.late_cases), _LATE_SHOWN)
        more = (
            f" (in {shown} hồ sơ đầu; --json có đủ danh sách)" if shown < len(f.late_cases) else ""
        )
        lines += ["", f"HỒ SƠ QUÁ HẠN: {len(f.late_cases)}{more}"]
        for rec in f.late_cases.head(_LATE_SHOWN).to_dict("records"):
            lines.append(
                f"  {rec['case_code']}  {rec['procedure_name'] or rec['procedure_code']}  "
                f"{rec['status']}, {rec['days_late']} ngày"
            )
    for note in f.notes:
        lines.append(f"Lưu ý: {note}")
    return "\n".join(lines) + "\n"


def _na() -> Any:
    import pandas as pd

    return pd.NA
