"""`tthc sample`: write the deterministic An Trường sample exports into a folder; with
``--city hai-phong``, a whole synthetic city (An Trường and N−1 communes) as province-level
exports, with its params folder (:mod:`tthc.sample.city`)."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_SEED = 20260614  # same as tthc.sample.DEFAULT_SEED; kept here so --help imports nothing
DEFAULT_UNITS = 114  # same as tthc.sample.city.DEFAULT_UNITS
SAMPLE_CITY = "hai-phong"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser(
        "sample",
        help="tạo bộ tệp xuất mẫu của xã An Trường, hoặc của cả thành phố mẫu với --city (hồ sơ, danh mục TTHC, PAKN)",
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
        "--city",
        metavar="THÀNH_PHỐ",
        help="tạo cả thành phố mẫu (chỉ có hai-phong): xã An Trường và các xã, phường tổng hợp, "
        "dưới dạng tệp xuất cấp tỉnh có cột đơn vị, kèm thư mục params/ (dùng bằng "
        "TTHC_PARAMS=<THƯ_MỤC>/params)",
    )
    parser.add_argument(
        "--units",
        type=int,
        metavar="N",
        help=f"số đơn vị của thành phố mẫu, kể cả An Trường (mặc định {DEFAULT_UNITS}); chỉ "
        "dùng với --city",
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
    if args.units is not None and args.city is None:
        raise TthcError("--units chỉ dùng cùng --city (ví dụ --city hai-phong --units 114).")
    if args.city is not None and args.city != SAMPLE_CITY:
        raise TthcError(f"Chỉ có thành phố mẫu '{SAMPLE_CITY}' (nhận --city {args.city}).")
    if args.city is not None:
        return _run_city(out, args.units if args.units is not None else DEFAULT_UNITS, args.seed)
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


def _run_city(out: Path, units: int, seed: int) -> int:
    from tthc.errors import TthcError
    from tthc.sample.city import write_city

    if units < 1:
        raise TthcError(f"--units phải từ 1 trở lên (nhận {units}).")
    try:
        written = write_city(out, units, seed)
    except PermissionError as exc:
        raise TthcError(f"Không có quyền ghi vào thư mục '{out}'.") from exc
    except OSError as exc:
        raise TthcError(
            f"Không tạo hoặc ghi được tệp trong thư mục '{out}' (lỗi hệ thống {exc.errno})."
        ) from exc
    n = written.pop("params/units")
    print(f"Đã tạo dữ liệu mẫu thành phố Hải Phòng, {n} đơn vị (seed {seed}) trong {out}:")
    for name, rows in written.items():
        print(f"  {name}: {rows:,} dòng".replace(",", "."))
    print(f"  params/: {n} đơn vị, thành phố hai-phong; dùng TTHC_PARAMS={out / 'params'}")
    return 0
