"""Vietnamese wherever a user reads the command line: argparse's usage, help and errors, and the
warehouse's (DuckDB's) errors in plain words with DuckDB's own text in the log (issue 10, 8)."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from tthc.cli import COMMANDS, build_parser, main
from tthc.cli.vietnamese import MESSAGES, PLURALS

# argparse's English that must never reach the terminal.
ENGLISH = re.compile(
    r"\b(usage|options|positional arguments|show this help|the following arguments|"
    r"required|invalid choice|expected|error|argument|not allowed|unrecognized)\b"
)


def _english(text: str) -> re.Match[str] | None:
    """argparse's English in ``text``; option names ('--continue-on-error') are commands, not
    prose, and stay as they are."""
    return ENGLISH.search(re.sub(r"--[a-z][a-z-]*", "", text))


def _argparse_messages() -> tuple[set[str], set[tuple[str, str]]]:
    """Every message the running Python's argparse marks for translation."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    singles, plurals = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_" and args:
                singles.add(args[0])
            elif node.func.id == "ngettext" and len(args) >= 2:
                plurals.add((args[0], args[1]))
    # _(kwargs.pop('title', 'subcommands')): the default title, not a literal argument
    singles.add("subcommands")
    return singles, plurals


def test_every_argparse_message_has_a_translation() -> None:
    singles, plurals = _argparse_messages()
    assert len(singles) > 30  # the extraction found argparse's messages
    assert singles - set(MESSAGES) == set()
    assert plurals - set(PLURALS) == set()
    # Every translation keeps the placeholders argparse fills in.
    for msgid, text in MESSAGES.items():
        assert sorted(re.findall(r"%\(\w+\)[sr]|%[sr]", msgid)) == sorted(
            re.findall(r"%\(\w+\)[sr]|%[sr]", text)
        ), msgid


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_vietnamese(command: str | None, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"] if command is None else [command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: tthc")
    assert "tùy chọn:" in out and "in hướng dẫn này rồi thoát" in out
    assert not _english(out), _english(out)
    if command is not None:  # each command says what it does beyond its one-line summary
        after_usage = out.split("\n\n")[1]
        assert not after_usage.startswith(("tùy chọn:", "các tham số")), out[:300]
        assert len(after_usage) >= 40, after_usage
    # No option shows its English destination name as the value placeholder.
    assert not re.search(r"--[a-z-]+ (DB|UNIT|MONTHS?|QUARTER|DATE_FROM|DATE_TO|OUT|FORMATS|"
                         r"WORKERS|SEED)\b", out)  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report"], "tthc report: lỗi: cần một trong các tham số --unit --city"),
        (["stats", "--month", "2026-06"], "tthc stats: lỗi: cần một trong các tham số --unit --city"),
        (["stats", "--unit", "a", "--city", "b"],
         "tthc stats: lỗi: tham số --city: không dùng cùng với --unit"),
        (["reprt"], "tthc: lỗi: tham số LỆNH: giá trị 'reprt' không hợp lệ (chọn một trong: "
                    "'ingest', 'sample', 'stats', 'report', 'render', 'index', 'doctor')"),
        (["report", "--unit", "a", "--workers", "0"],
         "tthc report: lỗi: tham số --workers: giá trị '0' không hợp lệ (cần số nguyên dương)"),
        (["stats", "--unit", "a", "--month", "2026-06", "--quarter", "2026-Q2"],
         "tthc stats: lỗi: tham số --quarter: không dùng cùng với --month"),
        (["stats", "--month", "2026-06"],
         "tthc stats: lỗi: cần một trong các tham số --unit --city"),
        (["report", "--unit"], "tthc report: lỗi: tham số --unit: cần một giá trị"),
        (["doctor", "--bogus"], "tthc doctor: lỗi: tham số không nhận ra: --bogus"),
        (["--bogus"], "tthc: lỗi: tham số không nhận ra: --bogus"),
    ],
)  # fmt: skip
def test_argument_errors_are_vietnamese(argv: list[str], message: str, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    prog = message.split(": lỗi: ")[0]
    assert err == f"{message} (xem '{prog} --help')\n"  # one line, no usage block
    assert not _english(err)


def test_the_parser_is_built_vietnamese_every_time() -> None:
    help_text = build_parser().format_help()
    assert "tham số vị trí:" in help_text and "in phiên bản rồi thoát" in help_text


def test_a_file_that_is_no_warehouse_is_named_in_plain_words(tmp_path: Path, capsys) -> None:
    not_a_db = tmp_path / "bao-cao.xlsx"
    not_a_db.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    rc = main(["stats", "--db", str(not_a_db), "--unit", "an-truong", "--month", "2026-06"])
    err = capsys.readouterr().err
    assert rc == 2
    # Identified before any writable open (issue 13): not a tthc warehouse, nothing written.
    assert err == (
        f"Lỗi: {not_a_db} không phải kho dữ liệu tthc (không phải tệp DuckDB, hoặc phần đầu tệp "
        "đã hỏng): tthc không ghi gì vào tệp này; chọn tệp khác bằng --db.\n"
    )
    # DuckDB's English stays out of the terminal.
    assert "IO Error" not in err and "DuckDB database file" not in err


def test_a_duckdb_error_escaping_a_command_is_one_vietnamese_line(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    from tthc.cli import stats

    def broken(args):
        raise duckdb.CatalogException("Catalog Error: Table with name cases does not exist!")

    monkeypatch.setattr(stats, "run", broken)
    rc = main(["stats", "--unit", "an-truong", "--month", "2026-06"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("Lỗi: Không dùng được kho dữ liệu: kho dữ liệu thiếu bảng hoặc cột")
    assert "Catalog Error" not in err and err.count("\n") == 1
    assert "Catalog Error: Table with name cases does not exist!" in Path(_log_path()).read_text()


def _log_path() -> str:
    from tthc.logfile import log_path

    return str(log_path())


def _log_shown() -> str:
    from tthc.logfile import display_path

    return display_path()
