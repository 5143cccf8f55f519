"""`tthc report`: execute the report notebook for units and periods, render HTML, PDF and DOCX.

Many reports run from this one process (a pool of warm kernels), never one CLI process each.
"""

from __future__ import annotations

import argparse
import sys

from tthc.cli.vietnamese import non_negative_int, positive_int

# Exit code when every report was made but some are not complete (status 'incomplete'): the
# exports do not cover what their figures need. A failed report exits 1.
EXIT_INCOMPLETE = 3


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report",
        help="lập báo cáo (notebook, HTML, PDF, DOCX, manifest) cho đơn vị và kỳ, hoặc cho mọi đơn vị của thành phố và báo cáo tổng hợp (--city)",
        description=(
            "Chạy notebooks/monthly_report.ipynb bằng papermill cho từng đơn vị và kỳ, xuất HTML, "
            "PDF/A và DOCX vào DIR/<đơn vị>/<kỳ>/ cùng manifest.json. Mặc định: kỳ tháng gần nhất "
            "đã khóa số liệu (Nghị định 09/2019/NĐ-CP) mà dữ liệu đã nạp bao phủ trọn vẹn. Báo "
            "cáo có số liệu N/A vì thiếu dữ liệu vẫn được lập, đánh dấu CHƯA ĐẦY ĐỦ, và lệnh kết "
            f"thúc với mã {EXIT_INCOMPLETE}."
        ),
    )
    p.add_argument("--db", help="kho dữ liệu DuckDB (mặc định $TTHC_DB hoặc data/tthc.duckdb)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", help="đơn vị, ví dụ an-truong; 'all' = mọi đơn vị")
    who.add_argument(
        "--city",
        help="thành phố/tỉnh, ví dụ hai-phong: báo cáo của mọi đơn vị thuộc thành phố và báo cáo "
        "tổng hợp của thành phố (DIR/<thành phố>/<kỳ>/)",
    )
    period = p.add_mutually_exclusive_group()
    period.add_argument("--month", help="tháng báo cáo YYYY-MM, ví dụ 2026-06")
    period.add_argument("--months", help="nhiều tháng YYYY-MM:YYYY-MM, ví dụ 2026-01:2026-06")
    period.add_argument("--quarter", help="quý YYYY-Qn, ví dụ 2026-Q2")
    period.add_argument("--from", dest="date_from", help="từ ngày YYYY-MM-DD (cùng --to)")
    p.add_argument("--to", dest="date_to", help="đến ngày YYYY-MM-DD (cùng --from)")
    p.add_argument("--out", help="thư mục kết quả (mặc định outputs/)")
    p.add_argument(
        "--formats",
        help="định dạng xuất trong ipynb,html,pdf,docx; mặc định: ipynb và các định dạng khóa "
        "'formats' của đơn vị chọn (html,pdf,docx)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="lập lại cả báo cáo đã có đầy đủ (mặc định: bỏ qua, ghi 'đã có')",
    )
    p.add_argument(
        "--workers", type=positive_int, default=1, help="số kernel chạy song song (mặc định 1)"
    )
    p.add_argument(
        "--executor",
        choices=("process", "dask"),
        default="process",
        help="chạy trên nhóm tiến trình của máy này (process, mặc định) hay trên cụm Dask (dask)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ĐỊA_CHỈ",
        help="với --executor dask: bộ lập lịch Dask có sẵn, ví dụ tcp://10.0.0.5:8786 (mặc định: "
        "cụm tạm trên máy này với --workers tiến trình)",
    )
    p.add_argument(
        "--max-failures",
        type=non_negative_int,
        metavar="N",
        help="dừng cả loạt khi số báo cáo lỗi vượt quá N (mặc định: dừng ở lỗi đầu tiên, trừ khi "
        "có --continue-on-error)",
    )
    p.add_argument(
        "--allow-partial",
        action="store_true",
        default=None,
        help="in cả số liệu chỉ có một phần kỳ (ghi rõ các ngày có dữ liệu) thay cho N/A; "
        "báo cáo vẫn đánh dấu CHƯA ĐẦY ĐỦ",
    )
    p.add_argument(
        "--continue-on-error",
        action="store_true",
        help="báo cáo lỗi không dừng cả loạt; cuối cùng in bảng tổng hợp",
    )
    p.add_argument("--notebook", help=argparse.SUPPRESS)  # another report notebook (tests, drafts)
    p.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    return p


def run(args: argparse.Namespace) -> int:

    from tthc.errors import ParamsError
    from tthc.report.jobs import build_jobs, month_range
    from tthc.stats.periods import parse_period
    from tthc.stats.profile import profile_for_unit
    from tthc.units import list_units

    if args.scheduler and args.executor != "dask":
        raise ParamsError("--scheduler chỉ dùng cùng --executor dask.")
    if (args.date_from is None) != (args.date_to is None):
        raise ParamsError("Cần cả --from và --to (YYYY-MM-DD).")
    if args.city:
        return _run(args, _city_jobs(args))
    units = list_units() if args.unit == "all" else [u.strip() for u in args.unit.split(",")]
    if not units:
        raise ParamsError("Không có đơn vị nào trong params/units/: không có báo cáo để lập.")
    formats = (
        None if args.formats is None else [f.strip() for f in args.formats.split(",") if f.strip()]
    )
    common = dict(
        out_dir=args.out,
        formats=formats,
        db=args.db,
        force=args.force,
        notebook=args.notebook,
        allow_partial=args.allow_partial,
    )

    jobs = []
    if args.months:
        jobs = build_jobs(units, month_range(args.months), **common)
    elif args.month or args.quarter or args.date_from:
        period = parse_period(
            month=args.month, quarter=args.quarter, date_from=args.date_from, date_to=args.date_to
        )
        jobs = build_jobs(units, [period.key], **common)
    else:  # the last closed month the unit's data cover, under each unit's own period rule
        from tthc import warehouse
        from tthc.paths import default_db
        from tthc.stats.coverage import default_month, default_month_line

        con = warehouse.connect(args.db or default_db(), read_only=True)
        try:
            periods = {u: default_month(con, u, profile_for_unit(u).period_rule) for u in units}
        finally:
            con.close()
        for unit, period in periods.items():
            _err(default_month_line(unit, period))
            jobs += build_jobs([unit], [period.key], **common)
    return _run(args, jobs)


def _city_jobs(args: argparse.Namespace) -> list:
    """Every unit's jobs and the city's, for the periods asked (default: the last month every
    unit with case lists covers, :func:`tthc.stats.city.city_default_month`)."""
    from tthc.report.jobs import build_city_jobs, month_range
    from tthc.stats.city import load_city_profiles
    from tthc.stats.periods import parse_period

    loaded = load_city_profiles(args.city)
    if args.months:
        periods = month_range(args.months)
    elif args.month or args.quarter or args.date_from:
        periods = [
            parse_period(
                month=args.month,
                quarter=args.quarter,
                date_from=args.date_from,
                date_to=args.date_to,
                rule=loaded.profile.period_rule,
            ).key
        ]
    else:
        from tthc import warehouse
        from tthc.paths import default_db
        from tthc.stats.city import city_default_month

        con = warehouse.connect(args.db or default_db(), read_only=True)
        try:
            period, line = city_default_month(
                con, loaded.city, loaded.units, loaded.profile.period_rule
            )
        finally:
            con.close()
        _err(line)
        periods = [period.key]
    formats = (
        None if args.formats is None else [f.strip() for f in args.formats.split(",") if f.strip()]
    )
    return build_city_jobs(
        args.city,
        periods,
        out_dir=args.out,
        formats=formats,
        db=args.db,
        force=args.force,
        allow_partial=args.allow_partial,
    )


def _run(args: argparse.Namespace, jobs: list) -> int:
    from pathlib import Path

    from tthc.report.runner import run_jobs

    def show(res) -> None:
        for w in res.warnings:
            _err(f"Cảnh báo [{res.unit} {res.period}]: {w}")
        if res.ok:
            _err(f"Đã lập báo cáo {res.unit} {res.period}: {res.folder}/ ({_secs(res.seconds)})")
        elif res.status == "skipped":
            _err(
                f"Đã có báo cáo {res.unit} {res.period} ({res.message}): {res.folder}/ — không "
                "lập lại; thêm --force để lập lại."
            )
        elif res.status == "partial":
            _err(f"Đã lập báo cáo một phần {res.unit} {res.period}: {res.folder}/ — {res.message}")
        elif res.status == "incomplete":
            _err(
                f"Báo cáo CHƯA ĐẦY ĐỦ [{res.unit} {res.period}]: {res.folder}/ — {res.message}; "
                f"thêm --allow-partial để in số liệu một phần kỳ (mã thoát {EXIT_INCOMPLETE})."
            )
        else:
            _err(f"Lỗi [{res.unit} {res.period}]: {res.message}")
            if res.detail:
                for line in res.detail.splitlines():
                    _err(f"    {line}")
            if res.failed_notebook:
                _err(f"    Notebook lỗi được giữ tại {res.failed_notebook}")

    results = run_jobs(
        jobs,
        workers=args.workers,
        continue_on_error=args.continue_on_error,
        progress=not args.no_progress,
        on_result=show,
        backend=args.executor,
        scheduler=args.scheduler,
        max_failures=args.max_failures,
    )
    # A report already complete is not a failure: running a batch again is safe.
    failed = [r for r in results if r.failed]
    incomplete = [r for r in results if r.status == "incomplete"]
    if len(results) > 1 or args.continue_on_error or args.max_failures is not None:
        print(summary_table(results))
    if failed:
        _err(f"{len(failed)}/{len(results)} báo cáo không lập được.")
        return 1
    if len(results) == 1:
        print(Path(results[0].folder))
    if incomplete:
        if len(results) > 1:
            _err(
                f"{len(incomplete)}/{len(results)} báo cáo chưa đầy đủ (số liệu N/A vì thiếu dữ liệu)."
            )
        return EXIT_INCOMPLETE
    return 0


def summary_table(results) -> str:
    rows = [("Đơn vị", "Kỳ", "Kết quả", "Thời gian", "Ghi chú")]
    label = {
        "ok": "xong",
        "incomplete": "CHƯA ĐỦ",
        "partial": "một phần",
        "failed": "LỖI",
        "skipped": "đã có",
        "cancelled": "không chạy",
    }
    for r in results:
        note = r.message if not r.ok else (f"{len(r.warnings)} cảnh báo" if r.warnings else "")
        if r.status in ("incomplete", "partial"):
            note = r.message.split(" (", 1)[0]
        rows.append((r.unit, r.period, label.get(r.status, r.status), _secs(r.seconds), note))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 7)
    return "\n".join(lines)


def _secs(s: float) -> str:
    return f"{s:.1f} s".replace(".", ",")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
