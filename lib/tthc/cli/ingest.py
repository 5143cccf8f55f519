"""`tthc ingest`: one-stop exports (xlsx/xls/csv) into the DuckDB warehouse.

Output: one Vietnamese summary block per file; with ``--json``, one JSON object for a single
file, or a JSON array (one object per file, in ingest order) for several. A file that cannot be
used as a whole is reported on stderr (one line) and leaves nothing in the warehouse; the other
files still go in, and the exit code is 2 when any file failed.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "ingest",
        help="nạp tệp xuất (hồ sơ, danh mục TTHC, PAKN) vào kho dữ liệu",
        description=(
            "Nạp tệp xuất từ phần mềm một cửa (.xlsx, .xls, .csv) vào kho dữ liệu DuckDB. "
            "Nhiều tệp: danh mục được nạp trước, rồi hồ sơ, rồi PAKN; mỗi tệp là một giao dịch, "
            "tệp lỗi không để lại gì và không làm dừng các tệp khác (mã thoát 2 nếu có tệp lỗi). "
            "Dòng bị loại được ghi vào <thư mục kho>/rejects/<lần nạp>-<tên tệp>.csv."
        ),
    )
    p.add_argument("--db", help="tệp kho dữ liệu (mặc định: $TTHC_DB hoặc data/tthc.duckdb)")
    p.add_argument("--unit", required=True, help="mã đơn vị, ví dụ an-truong")
    p.add_argument(
        "--kind",
        choices=["cases", "catalogue", "pakn"],
        help="loại tệp; bỏ trống để tự nhận dạng theo tiêu đề cột",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="in kết quả dạng JSON: một đối tượng cho một tệp, một mảng cho nhiều tệp",
    )
    p.add_argument("files", nargs="+", metavar="TỆP", help="tệp xuất hoặc thư mục chứa tệp xuất")
    return p


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from tthc.errors import InputFileError
    from tthc.ingest.pipeline import FailedFile, ingest_paths
    from tthc.ingest.summary import format_result
    from tthc.paths import default_db
    from tthc.schema import Kind

    db = Path(args.db) if args.db else default_db()
    kind = Kind(args.kind) if args.kind else None
    results = ingest_paths(db, args.unit, args.files, kind)
    failed = [r for r in results if isinstance(r, FailedFile)]
    if len(results) == 1 and failed:
        raise InputFileError(failed[0].error)
    if args.json:
        payload = [r.to_json() for r in results]
        out = payload[0] if len(payload) == 1 else payload
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        print(f"Kho dữ liệu: {db}")
        for r in results:
            print()
            print(format_result(r))
    for f in failed:
        print(f"Lỗi: {f.error}", file=sys.stderr)
    if failed:
        ok = len(results) - len(failed)
        print(
            f"Lỗi: {len(failed)}/{len(results)} tệp không nạp được ({ok} tệp đã nạp).",
            file=sys.stderr,
        )
        return 2
    return 0
