"""`tthc ingest`: one-stop exports (xlsx/xls/csv) into the DuckDB warehouse.

Output: one Vietnamese summary block per file; with ``--json``, always a JSON document on
stdout: one object for a single file, or an array (one object per file, in ingest order) for
several, failures included (``"ok": false`` and the ``error``); a problem before any file is
read (unknown unit, warehouse held or damaged) is ``{"ok": false, "error": …}``. A file that
cannot be used as a whole is reported on stderr (one line) and leaves nothing in the warehouse;
the other files still go in. The exit code is 2 when any file was refused or had every row
rejected, else 0.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "ingest",
        help="nạp tệp xuất (hồ sơ, danh mục TTHC, PAKN) vào kho dữ liệu",
        description=(
            "Nạp tệp xuất từ phần mềm một cửa (.xlsx, .xls, .ods, .csv; cả bảng HTML và Excel "
            "2003 XML lưu dưới tên .xls) vào kho dữ liệu DuckDB. Nhiều tệp: danh mục được nạp "
            "trước, rồi hồ sơ, rồi PAKN; mỗi tệp là một giao dịch, tệp lỗi không để lại gì và "
            "không làm dừng các tệp khác (mã thoát 2 nếu có tệp không nạp được hoặc tệp mà mọi "
            "dòng đều bị loại). Dòng bị loại được ghi vào <thư mục kho>/rejects/<tên kho>/<lần "
            "nạp>-<tên tệp>.csv; mọi quyết định khi đọc tệp (bảng mã, thứ tự ngày/tháng, mã bị "
            "Excel làm hỏng …) được ghi vào sổ nạp và in ra. Không có --unit: tệp cấp tỉnh được chia theo cột "
            "đơn vị, mỗi đơn vị một lần nạp; tệp không có cột đơn vị bị từ chối (mã thoát 2). Có "
            "--unit mà tệp có dòng của đơn vị khác: tệp bị từ chối."
        ),
    )
    p.add_argument("--db", help="tệp kho dữ liệu (mặc định: $TTHC_DB hoặc data/tthc.duckdb)")
    p.add_argument(
        "--unit",
        help="mã đơn vị, ví dụ an-truong; bỏ trống khi tệp là tệp cấp tỉnh của nhiều đơn vị có "
        "cột đơn vị (Đơn vị tiếp nhận, Mã đơn vị …): các dòng được chia theo đơn vị trong "
        "params/units/, dòng không rõ đơn vị bị loại kèm lý do",
    )
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
    p.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="GIÂY",
        help="khi kho đang được chương trình khác mở (báo cáo, notebook), chờ tối đa bấy nhiêu "
        "giây (mặc định 60)",
    )
    p.add_argument("files", nargs="+", metavar="TỆP", help="tệp xuất hoặc thư mục chứa tệp xuất")
    return p


def run(args: argparse.Namespace) -> int:
    import json

    from tthc.errors import TthcError

    try:
        return _run(args)
    except TthcError as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": str(exc)}, ensure_ascii=False, indent=2))
        raise


def _run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from tthc.ingest.pipeline import FailedFile, IngestResult, SplitResult, ingest_paths
    from tthc.ingest.summary import format_result
    from tthc.paths import default_db
    from tthc.schema import Kind
    from tthc.warehouse import LockHolder

    def waiting(holder: LockHolder, wait: float) -> None:
        print(f"Kho dữ liệu {holder.describe()}: chờ tối đa {wait:g} giây…", file=sys.stderr)

    db = Path(args.db) if args.db else default_db()
    kind = Kind(args.kind) if args.kind else None
    results = ingest_paths(db, args.unit, args.files, kind, wait=args.wait, on_wait=waiting)
    failed = [r for r in results if isinstance(r, FailedFile)]
    all_rejected = [
        error
        for r in results
        if isinstance(r, IngestResult | SplitResult) and (error := r.all_rejected()) is not None
    ]
    if args.json:
        payload = [r.to_json() for r in results]
        out = payload[0] if len(payload) == 1 else payload
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    elif not (len(results) == 1 and failed):
        print(f"Kho dữ liệu: {db}")
        for r in results:
            print()
            print(format_result(r))
    for f in failed:
        print(f"Lỗi: {f.error}", file=sys.stderr)
    for error in all_rejected:
        print(f"Lỗi: {error}", file=sys.stderr)
    if len(results) > 1 and failed:
        ok = len(results) - len(failed)
        print(
            f"Lỗi: {len(failed)}/{len(results)} tệp không nạp được ({ok} tệp đã nạp).",
            file=sys.stderr,
        )
    return 2 if failed or all_rejected else 0
