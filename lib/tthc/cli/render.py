"""`tthc render`: HTML, PDF and DOCX again from an executed report notebook, without
recomputing."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "render",
        help="xuất lại HTML/PDF/DOCX từ notebook đã chạy (không tính lại số liệu)",
        description=(
            "Xuất lại HTML, PDF và DOCX từ một notebook báo cáo đã chạy, ví dụ sau khi sửa mẫu "
            "trình bày. Số liệu giữ nguyên như trong notebook."
        ),
    )
    p.add_argument(
        "notebook", help="notebook đã chạy, ví dụ outputs/an-truong/2026-06/report.ipynb"
    )
    p.add_argument(
        "--formats", default="html,pdf,docx", help="html, pdf, docx; mặc định html,pdf,docx"
    )
    p.add_argument("--out", help="thư mục ghi kết quả (mặc định: thư mục của notebook)")
    return p


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tthc.report.rerender import rerender

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    written = rerender(
        Path(args.notebook), formats=formats, out=Path(args.out) if args.out else None
    )
    for path in written.values():
        print(path)
    # The files by name (report.html, kiem-tra.pdf …), not the internal keys.
    names = ", ".join(Path(p).name for p in written.values())
    print(f"Đã xuất lại {names} từ {args.notebook}.", file=sys.stderr)
    return 0
