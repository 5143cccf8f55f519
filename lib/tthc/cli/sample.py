"""`tthc sample`: write the deterministic An Trường sample exports into a folder."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_SEED = 20260614  # same as tthc.sample.DEFAULT_SEED; kept here so --help imports nothing


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "sample",
        help="tạo bộ tệp xuất mẫu của xã An Trường (hồ sơ, danh mục TTHC, PAKN)",
        description=(
            "Ghi ba tệp Excel mẫu của xã An Trường (danh mục 375 TTHC, hồ sơ từ 01/01/2026 "
            "đến 14/06/2026, PAKN) vào thư mục chỉ định. Cùng một seed cho cùng nội dung từng byte; "
            "mọi seed đều cho đúng số liệu báo cáo tháng 6/2026 của mẫu."
        ),
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="THƯ_MỤC", help="thư mục ghi tệp"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"hạt giống ngẫu nhiên (mặc định {DEFAULT_SEED})",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from tthc.errors import TthcError
    from tthc.sample import write_sample

    if args.seed < 0:
        raise TthcError(f"--seed phải là số nguyên không âm (nhận được {args.seed}).")
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise TthcError(f"'{out}' đã tồn tại và không phải là thư mục.")
    try:
        written = write_sample(out, args.seed)
    except PermissionError as exc:
        raise TthcError(f"Không có quyền ghi vào thư mục '{out}'.") from exc
    except OSError as exc:
        raise TthcError(
            f"Không tạo hoặc ghi được tệp trong thư mục '{out}' (lỗi hệ thống {exc.errno})."
        ) from exc
    print(f"Đã tạo dữ liệu mẫu xã An Trường (seed {args.seed}) trong {out}:")
    for name, rows in written.items():
        print(f"  {name}: {rows:,} dòng".replace(",", "."))
    return 0
