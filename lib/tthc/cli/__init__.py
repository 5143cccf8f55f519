"""``tthc`` command line. Each subcommand lives in ``tthc/cli/<name>.py`` with
``register(subparsers)`` and ``run(args) -> int``; those modules import only argparse at import
time so that ``tthc --help`` and every command start fast, and heavy imports happen in ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from tthc import __version__
from tthc.cli import vietnamese
from tthc.errors import TthcError

COMMANDS = ("ingest", "sample", "stats", "report", "render", "index", "doctor")


def build_parser() -> argparse.ArgumentParser:
    """The ``tthc`` parser, its usage, help and errors in Vietnamese (:mod:`tthc.cli.vietnamese`)."""
    vietnamese.activate()
    parser = vietnamese.ArgumentParser(
        prog="tthc",
        description="Báo cáo tình hình, kết quả giải quyết thủ tục hành chính hằng tháng.",
    )
    parser.add_argument(
        "--version", action="version", version=f"tthc {__version__}", help="in phiên bản rồi thoát"
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    for name in COMMANDS:
        module = importlib.import_module(f"tthc.cli.{name}")
        sp = module.register(sub)
        sp.set_defaults(_run=module.run, _parser=sp)
    return parser


def _absolute_env_paths() -> None:
    """``$TTHC_PARAMS``, ``$TTHC_DB`` and ``$TTHC_OUTPUTS`` as absolute paths from the directory
    the command was started in: report kernels and workers run elsewhere (the notebooks' folder)
    and inherit the environment, where a relative ``TTHC_PARAMS=sc/params`` found nothing."""
    import os

    for name in ("TTHC_PARAMS", "TTHC_DB", "TTHC_OUTPUTS"):
        value = os.environ.get(name)
        if value and not os.path.isabs(value):
            os.environ[name] = os.path.abspath(value)


def main(argv: list[str] | None = None) -> int:
    _absolute_env_paths()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # What parse_args would refuse, but from the command's parser: its error points at
        # 'tthc stats --help', where the options of 'tthc stats' are.
        (getattr(args, "_parser", None) or parser).error(
            vietnamese.MESSAGES["unrecognized arguments: %s"] % " ".join(extra)
        )
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    from tthc.logfile import logging_to_file

    try:
        with logging_to_file():
            return int(args._run(args) or 0)
    except TthcError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The program reading the output went away ('tthc ingest --json | head'): what was
        # done is done; stop quietly with the exit status a shell gives for SIGPIPE, and keep
        # the interpreter's final flush from failing on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt as exc:  # Ctrl-C, or tthc.report.stop.Stopped (SIGINT, SIGTERM)
        print(getattr(exc, "message", None) or "Đã dừng theo yêu cầu.", file=sys.stderr)
        return int(getattr(exc, "exit_code", 130))
    except Exception as exc:
        from tthc.warehouse_errors import is_duckdb_error, warehouse_error

        if not is_duckdb_error(exc):
            raise
        error = warehouse_error(exc)
        print(f"Lỗi: {error}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
