"""`tthc index`: rewrite ``index.html`` of an outputs folder from the manifests on disk."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "index",
        help="lập lại mục lục index.html của thư mục kết quả",
        description=(
            "Đọc manifest.json của mọi báo cáo trong thư mục kết quả và ghi index.html: danh "
            "sách báo cáo theo thành phố, trạng thái, số liệu chính, liên kết tới HTML, PDF và "
            "tệp kiểm tra. 'tthc report' tự ghi lại mục lục sau mỗi lần chạy."
        ),
    )
    p.add_argument("--out", help="thư mục kết quả (mặc định outputs/)")
    return p


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tthc.errors import ReportError
    from tthc.paths import outputs_dir
    from tthc.report.index import scan, status_summary, write_index

    out = Path(args.out) if args.out else outputs_dir()
    if not out.is_dir():
        raise ReportError(f"Không có thư mục kết quả {out}.")
    entries = scan(out)
    try:
        path = write_index(out, entries)
    except OSError as exc:
        raise ReportError(f"Không ghi được {out / 'index.html'}: {exc.strerror or exc}.") from exc
    detail = status_summary(entries)
    print(path)
    print(
        f"Mục lục có {len(entries)} báo cáo" + (f" ({detail})." if detail else "."),
        file=sys.stderr,
    )
    return 0
