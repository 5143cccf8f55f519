"""Kinds, outcomes and the workspace each kind is built in (see the package docstring)."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Letters only Vietnamese text has: a message without any is not Vietnamese.
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
AREAS = (
    "files",
    "containers",
    "headers",
    "csv",
    "encodings",
    "values",
    "hostile",
    "paths",
    "warehouses",
    "caps",
)
NOBODY = 65534

# A small, valid case list: the header of the sample export and three cases.
CASE_HEADER = ["Mã hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Trạng thái", "Ngày nhận"]
CASE_ROWS = [
    ["HS-001", "1.001193", "Đăng ký khai sinh", "Đang xử lý", "02/06/2026 08:15"],
    ["HS-002", "2.000815", "Chứng thực bản sao", "Đang xử lý", "02/06/2026 09:00"],
    ["HS-003", "1.001193", "Đăng ký khai sinh", "Đang xử lý", "03/06/2026 10:30"],
]


# The title line of an export covering the June 2026 report (the default profile's month runs
# 15/05–14/06, a calendar profile's 01/06–30/06): the days its rows cover (tthc.ingest.asof),
# without which 'tthc stats' has no figure for the month (absence is not zero).
JUNE_TITLE = ["Từ ngày 01/05/2026 đến ngày 30/06/2026"]


# --- outcomes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a kind must produce. ``check`` raises AssertionError with what went wrong."""

    def check(self, proc: subprocess.CompletedProcess, w: Workspace) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Refused(Outcome):
    """Refused: exit code ``exit``, exactly one Vietnamese ``Lỗi: …`` line matching ``pattern``."""

    pattern: str
    exit: int = 2

    def check(self, proc, w) -> None:
        lines = proc.stderr.splitlines()
        assert proc.returncode == self.exit, (proc.returncode, proc.stderr)
        assert len(lines) == 1, f"expected one line, got {lines!r}"
        assert lines[0].startswith("Lỗi: "), lines[0]
        assert re.search(self.pattern, lines[0]), (self.pattern, lines[0])


@dataclass(frozen=True)
class Read(Outcome):
    """Read: exit 0, nothing on stderr, and for each file ``rows_read`` = inserted + updated +
    unchanged + rejected, with ``rows`` data lines and ``rejected`` rows whose reasons in the
    rejects CSV match ``reasons`` (one pattern per rejected row, in order)."""

    rows: int | None = None
    rejected: int = 0
    reasons: tuple[str, ...] = ()
    files: int = 1
    decided: tuple[str, ...] = ()  # ledger decisions ("what") the first file must record
    expect: tuple[tuple[str, object], ...] = ()  # JSON fields of the first file, e.g. header_row

    def check(self, proc, w) -> None:
        results = accounted(proc.stdout)
        # A file read whose every row was rejected stored nothing: the ingest says so on
        # stderr, one line per such file, and exits 2 (README, 'tthc ingest').
        empty = [r for r in results if r.get("rows_read") and r["rows_read"] == r["rejected"]]
        lines = proc.stderr.splitlines()
        if empty:
            assert proc.returncode == 2, (proc.returncode, proc.stderr)
            assert len(lines) == len(empty), lines
            assert all(ln.startswith("Lỗi: ") and "đều bị loại" in ln for ln in lines), lines
            # --json says the same of each such file: not ok, with the line it printed.
            assert [f"Lỗi: {r['error']}" for r in empty if not r["ok"]] == lines, empty
        else:
            assert proc.returncode == 0 and proc.stderr == "", (proc.returncode, proc.stderr)
        read = [r for r in results if "rows_read" in r]  # every file read, none refused
        assert len(results) == len(read) == self.files, results
        assert all(r["ok"] for r in read if r not in empty), results
        if self.rows is not None:
            assert sum(r["rows_read"] for r in results) == self.rows, results
        assert sum(r["rejected"] for r in results) == self.rejected, results
        if self.reasons:
            got = [row["Lý do"] for r in results if r["rejects_csv"] for row in rejects(r)]
            assert len(got) == len(self.reasons), got
            for pattern, reason in zip(self.reasons, got, strict=True):
                assert re.search(pattern, reason), (pattern, reason)
        whats = {d["what"] for d in results[0]["decisions"]}
        assert set(self.decided) <= whats, (self.decided, results[0]["decisions"])
        for name, value in self.expect:
            assert results[0][name] == value, (name, results[0][name], value)


@dataclass(frozen=True)
class Partial(Outcome):
    """A folder: ``ok`` files read (accounted), ``failed`` refused with ``pattern``; exit 2."""

    ok: int
    failed: int
    pattern: str

    def check(self, proc, w) -> None:
        assert proc.returncode == 2, (proc.returncode, proc.stderr)
        results = accounted(proc.stdout)
        bad = [r for r in results if "rows_read" not in r]  # refused: nothing of it read
        assert (len(results) - len(bad), len(bad)) == (self.ok, self.failed), results
        assert all(re.search(self.pattern, r["error"]) for r in bad), bad
        assert all(line.startswith("Lỗi: ") for line in proc.stderr.splitlines()), proc.stderr


@dataclass(frozen=True)
class Prints(Outcome):
    """Another command: exit ``exit`` and stdout matching ``pattern``."""

    pattern: str
    exit: int = 0

    def check(self, proc, w) -> None:
        assert proc.returncode == self.exit, (proc.returncode, proc.stderr)
        assert re.search(self.pattern, proc.stdout), (self.pattern, proc.stdout[-2000:])


@dataclass(frozen=True)
class AnyOf(Outcome):
    """One of several outcomes (where the fix may reasonably go either way)."""

    outcomes: tuple[Outcome, ...]

    def check(self, proc, w) -> None:
        failures = []
        for outcome in self.outcomes:
            try:
                outcome.check(proc, w)
                return
            except AssertionError as exc:
                failures.append(str(exc))
        raise AssertionError(" / ".join(failures))


def either(*outcomes: Outcome) -> AnyOf:
    return AnyOf(outcomes)


def refused(pattern: str, exit: int = 2) -> Refused:
    return Refused(pattern, exit)


def read(
    rows: int | None = None,
    rejected: int = 0,
    reasons: tuple[str, ...] = (),
    files: int = 1,
    decided: tuple[str, ...] = (),
    **expect: object,
) -> Read:
    """Read; ``decided`` names ledger decisions the file must record, ``expect`` fields of its
    JSON result (``header_row=5``, ``inserted=0``, ``dropped_personal=[...]``)."""
    return Read(rows, rejected, tuple(reasons), files, tuple(decided), tuple(expect.items()))


def partial(ok: int, failed: int, pattern: str) -> Partial:
    return Partial(ok, failed, pattern)


def prints(pattern: str, exit: int = 0) -> Prints:
    return Prints(pattern, exit)


def accounted(stdout: str) -> list[dict]:
    """The ``--json`` results, each checked: every row read is accounted for exactly once."""
    data = json.loads(stdout)
    results = data if isinstance(data, list) else [data]
    for r in results:
        if "rows_read" in r:  # read (ok, or every row rejected); a refused file has none
            total = r["inserted"] + r["updated"] + r["unchanged"] + r["rejected"]
            assert r["rows_read"] == total, f"rows unaccounted for: {r}"
    return results


def rejects(result: dict) -> list[dict[str, str]]:
    raw = Path(result["rejects_csv"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the rejects CSV starts with a BOM (Excel)"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


# --- what a kind runs -----------------------------------------------------------------------


@dataclass
class Run:
    """One ``tthc`` command, and how: as an unprivileged user, with a folder mounted read-only,
    with a helper process holding the warehouse open meanwhile."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    as_nobody: bool = False
    read_only: Path | None = None
    holder: str | None = None  # Python code run alongside; it prints "ready" when it holds


@dataclass
class Workspace:
    """A fresh folder (readable by an unprivileged user) where one kind builds its inputs."""

    root: Path
    checks: list[Callable[[], None]] = field(default_factory=list)

    @property
    def db(self) -> Path:
        return self.root / "data" / "w.duckdb"

    def path(self, name: str | bytes) -> Path:
        if isinstance(name, bytes):
            return Path(os.fsdecode(os.fsencode(self.root) + b"/" + name))
        return self.root / name

    def write(self, name: str | bytes, data: bytes | str, encoding: str = "utf-8") -> Path:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        return path

    def csv(
        self,
        name: str | bytes = "ho-so.csv",
        rows: list[list[str]] | None = None,
        header: list[str] | None = None,
        encoding: str = "utf-8",
        title: list[str] = (),
    ) -> Path:
        """A case list CSV: the small valid one, or ``rows`` under ``header``; ``title`` lines
        above the header (e.g. :data:`JUNE_TITLE`, which makes the file cover June 2026)."""
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(
            [*([t] for t in title), header or CASE_HEADER, *(CASE_ROWS if rows is None else rows)]
        )
        return self.write(name, buf.getvalue(), encoding)

    def xlsx(
        self, name: str = "ho-so.xlsx", rows: list[list[str]] | None = None, header=None
    ) -> Path:
        import xlsxwriter

        path = self.path(name)
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("Danh sách")
        for r, row in enumerate([header or CASE_HEADER, *(CASE_ROWS if rows is None else rows)]):
            for c, value in enumerate(row):
                ws.write_string(r, c, value)
        wb.close()
        return path

    def warehouse(self, db: Path | None = None, *files: Path) -> Path:
        """A real tthc warehouse at ``db`` holding ``files`` (default: the small case list)."""
        from tthc.ingest.pipeline import IngestResult, ingest_paths

        db = db or self.db
        seed = self.csv("seed.csv", title=JUNE_TITLE)  # covers June: 'stats' has figures
        results = ingest_paths(db, "xa-a", list(files) or [seed])
        assert all(isinstance(r, IngestResult) for r in results), results
        return db

    def ingest(self, *files: Path | str, db: Path | None = None, unit: str = "xa-a") -> Run:
        return Run(
            ["ingest", "--json", "--db", str(db or self.db), "--unit", unit, *map(str, files)]
        )

    def stats(self, db: Path | None = None, unit: str = "xa-a", fmt: str = "--json") -> Run:
        argv = ["stats", "--db", str(db or self.db), "--unit", unit, "--month", "2026-06", fmt]
        return Run(argv)

    # checks made after the run

    def untouched(self, *paths: Path) -> None:
        """Each path is byte for byte (or, for a folder, name for name) as it is now."""
        for path in paths:
            before = fingerprint(path)
            self.checks.append(lambda p=path, b=before: _same(p, b))

    def absent(self, *paths: Path) -> None:
        """Each path does not exist after the run: nothing was written there."""
        for path in paths:
            self.checks.append(lambda p=path: _gone(p))

    def check(self, fn: Callable[[], None]) -> None:
        self.checks.append(fn)

    def stored(self, sql: str, expected: list[tuple]) -> None:
        """After the run, ``sql`` over the warehouse (opened read-only) gives ``expected``: what
        the file's text and dates became, not only how many rows went in."""

        def query() -> None:
            import duckdb

            con = duckdb.connect(str(self.db), read_only=True)
            try:
                got = con.execute(sql).fetchall()
            finally:
                con.close()
            assert got == expected, (sql, got, expected)

        self.checks.append(query)


def fingerprint(path: Path) -> str | list[str] | None:
    if path.is_symlink() and not path.exists():
        return f"link:{os.readlink(path)}"
    if path.is_dir():
        return sorted(os.listdir(path))
    if path.exists():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    return None


def _same(path: Path, before) -> None:
    assert fingerprint(path) == before, f"{path} changed"


def _gone(path: Path) -> None:
    assert not path.exists(), f"{path} was written"


# --- registry --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    area: str
    outcome: Outcome
    doc: str
    build: Callable[[Workspace], Run]
    finding: str | None = None  # a known bug (notes/fuzz-findings-13w.md): strict xfail


KINDS: list[Kind] = []


def kind(
    name: str, area: str, outcome: Outcome, doc: str, finding: str | None = None
) -> Callable[[Callable[[Workspace], Run]], Callable[[Workspace], Run]]:
    """Register the decorated builder as a kind."""
    assert area in AREAS, area

    def register(build: Callable[[Workspace], Run]) -> Callable[[Workspace], Run]:
        KINDS.append(Kind(name, area, outcome, doc, build, finding))
        return build

    return register


def file_kind(
    name: str,
    area: str,
    data: bytes | str | Callable[[Workspace], bytes],
    outcome: Outcome,
    doc: str,
    file: str = "tep.csv",
    finding: str | None = None,
) -> None:
    """One file (its bytes, or a function of the workspace giving them) given to ``tthc ingest``."""

    def build(w: Workspace) -> Run:
        content = data(w) if callable(data) else data
        return w.ingest(w.write(file, content))

    kind(name, area, outcome, doc, finding)(build)


# --- running -----------------------------------------------------------------------------------


class Unsupported(Exception):
    """This machine cannot set up what the kind needs (user namespaces for a read-only mount)."""


def user_namespaces() -> bool:
    """Whether ``unshare`` may mount here (off in some containers)."""
    probe = ["unshare", "--user", "--map-root-user", "--mount", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
    except OSError:
        return False


def execute(run: Run, w: Workspace, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``tthc`` in a subprocess as the kind asks; the helper process, if any, meanwhile.

    Raises :class:`Unsupported` when the kind needs a read-only mount and the machine allows
    no user namespaces.
    """
    if run.read_only is not None and not user_namespaces():
        raise Unsupported("unshare --user --mount is not allowed on this machine")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    env |= {
        "TTHC_OUTPUTS": str(w.root / "outputs"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(w.root / "home"),
        **run.env,
    }
    cmd = [sys.executable, "-m", "tthc", *run.argv]
    if run.as_nobody and os.geteuid() == 0:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--", *cmd]
    if run.read_only is not None:
        folder = str(run.read_only)
        script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
        cmd = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, folder, *cmd]
    holder = None
    if run.holder:
        holder = subprocess.Popen(
            [sys.executable, "-c", run.holder],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout.readline().strip() == "ready"
    try:
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            timeout=timeout,
            preexec_fn=_limit_memory,
        )
    finally:
        if holder is not None:
            holder.communicate("")


MEMORY_LIMIT = 8 << 30  # address space of one run: a runaway allocation fails, the machine stays


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def check_never(proc: subprocess.CompletedProcess) -> None:
    """What no kind may ever produce: a signal, a traceback, a non-Vietnamese error line."""
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode}: {proc.stderr[-2000:]}"
    for stream in (proc.stdout, proc.stderr):
        assert "Traceback" not in stream and "panicked" not in stream, stream[-3000:]
    for line in proc.stderr.splitlines():
        assert VIETNAMESE.search(line), f"not a Vietnamese line: {line!r}"


def fresh_root(base: Path) -> Path:
    """A workspace folder an unprivileged user can reach (pytest's own is private to root)."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="tthc-corpus-", dir=base))
    root.chmod(0o755)
    (root / "home").mkdir()
    return root


def remove(root: Path) -> None:
    for path in (root, *root.rglob("*")):  # chmod 000 files and read-only folders in the way
        if not path.is_symlink():
            with contextlib.suppress(OSError):
                path.chmod(0o777 if path.is_dir() else 0o666)
    shutil.rmtree(root, ignore_errors=True)
