"""``tthc`` command line. Each subcommand lives in ``tthc/cli/<name>.py`` with
``register(subparsers)`` and ``run(args) -> int``; those modules import only argparse at import
time so that ``tthc --help`` and every command start fast, and heavy imports happen in ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tthc import __version__
from tthc.errors import TthcError

COMMANDS = ("ingest", "sample", "stats", "report", "render", "doctor")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tthc",
        description="Báo cáo tình hình, kết quả giải quyết thủ tục hành chính hằng tháng.",
    )
    parser.add_argument("--version", action="version", version=f"tthc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    for name in COMMANDS:
        module = importlib.import_module(f"tthc.cli.{name}")
        sp = module.register(sub)
        sp.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except TthcError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
