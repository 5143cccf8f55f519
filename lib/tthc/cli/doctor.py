"""`tthc doctor`: check kernel, fonts, PDF engine, warehouse and params; one line each."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "doctor",
        help="kiểm tra máy đã sẵn sàng lập báo cáo (kernel, phông chữ, PDF, kho dữ liệu, tham số)",
        description=(
            "Kiểm tra từng điều kiện để lập báo cáo, mỗi mục một dòng: kernel Jupyter của môi "
            "trường này, phông chữ của văn bản, công cụ tạo PDF và DOCX, kho dữ liệu (mở được, "
            "đúng phiên bản lược đồ, số hồ sơ theo đơn vị), tham số đơn vị và thành phố, sổ tay "
            "báo cáo. Mã thoát 0 khi mọi thứ sẵn sàng, 1 khi có mục cần sửa."
        ),
    )
    p.add_argument("--db", help="kho dữ liệu DuckDB (mặc định $TTHC_DB hoặc data/tthc.duckdb)")
    return p


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tthc.paths import default_db
    from tthc.report.doctor import run_checks

    checks = run_checks(Path(args.db) if args.db else default_db())
    for check in checks:
        print(check.line(), flush=True)
    bad = [c for c in checks if not c.ok]
    if bad:
        print(f"{len(bad)} mục cần sửa.")
        return 1
    print("Mọi thứ sẵn sàng.")
    return 0
