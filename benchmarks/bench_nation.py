"""Benchmark (issue 11 (d)): a synthetic nation — 3,321 units × 12 months in one warehouse —
and `tthc stats` for one unit and for one city of 114 units on it.

The warehouse is generated directly in DuckDB (ingesting 3,321 units' exports would take hours
here): the same tables and ledger rows as ingest writes (tthc.schema), in a few SQL statements.
The generator, documented so the figures can be judged:

- units ``u0001`` … ``u3321`` in 34 provinces (``p01`` … ``p34``); province ``p01`` is the city
  ``hai-phong`` (its first 114 units ``u0001`` … ``u0114``, with a params folder written beside
  the warehouse: its city file and the 114 unit files, profile ``default``);
- each unit receives 60 + (hash of its slug mod 380) cases a month (mean ≈ 250, 10 million in
  all) from 15/07/2025 to 14/07/2026, seven in ten online, two in ten in person, one in ten by
  post; due 1–10 days after reception; 96 in 100 resolved before their due date, 2 in 100 late,
  1 in 100 withdrawn, the rest still open (those received in the last ten days mostly);
  digitisation and reuse flags true for 19 in 20;
- one case list per unit "Từ ngày 15/07/2025 đến ngày 14/07/2026" exported 15/07/2026 08:00,
  one PAKN list (a few a month) and one catalogue snapshot of 100 procedures (02/01/2025).

Timed in this process, warehouse read-only, median of --runs runs after a warm-up, wall and CPU
seconds: `tthc stats --unit u0057 --month 2026-06 --json` and `tthc stats --city hai-phong
--month 2026-06 --json`. The city's baseline is the single unit's time × 114 (the city done one
unit at a time), as in bench_city_stats.py; the unit's is `SELECT count(*) FROM cases WHERE
unit = ?` (what any query must at least do), as in bench_stats.py.

    .venv/bin/python benchmarks/bench_nation.py [--runs 3] [--dir /tmp/tthc-bench-nation]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from pathlib import Path

from bench_city_stats import cpu, timed

UNITS = 3321
PROVINCES = 34
CITY_UNITS = 114


def build(folder: Path, units: int = UNITS) -> tuple[Path, Path]:
    """The nation's warehouse and the params of its city ``hai-phong`` (built once)."""
    from tthc import warehouse

    db = folder / "nation.duckdb"
    params = folder / "params"
    _write_params(params)
    if db.exists():
        return db, params
    t = time.perf_counter()
    con = warehouse.connect(db)
    con.execute(
        f"""CREATE TEMP TABLE u AS
            SELECT 'u' || lpad((i + 1)::VARCHAR, 4, '0') AS unit, i,
                   60 + hash('u' || lpad((i + 1)::VARCHAR, 4, '0')) % 380 AS monthly
            FROM range({units}) r(i)"""
    )
    con.execute(
        """INSERT INTO ingests (unit, kind, file_name, file_sha256, as_of, covers_from, covers_to,
               as_of_source, ingested_at, rows_read, inserted, updated, unchanged, rejected)
           SELECT unit, k, unit || '-' || k || '.xlsx', 'bench',
                  CASE WHEN k = 'catalogue' THEN TIMESTAMP '2025-01-02'
                       ELSE TIMESTAMP '2026-07-15 08:00' END,
                  CASE WHEN k <> 'catalogue' THEN DATE '2025-07-15' END,
                  CASE WHEN k <> 'catalogue' THEN DATE '2026-07-14' END,
                  'title', TIMESTAMP '2026-07-15 09:00', 0, 0, 0, 0, 0
           FROM u, (VALUES ('cases'), ('catalogue'), ('pakn')) t(k)"""
    )
    con.execute(
        """INSERT INTO procedures
           SELECT i.unit, i.ingest_id, '1.' || lpad(p::VARCHAR, 6, '0'), 'Thủ tục ' || p,
                  'thu tuc ' || p, 'Lĩnh vực ' || (p % 12),
                  CASE WHEN p % 7 = 0 THEN 'none' WHEN p % 3 = 0 THEN 'partial' ELSE 'full' END
           FROM ingests i, range(100) r(p) WHERE i.kind = 'catalogue'"""
    )
    # 365 days from 15/07/2025; a unit's daily volume is its monthly volume / 30.4.
    con.execute(
        """
        INSERT INTO cases
        WITH g AS (
            SELECT u.unit, u.i AS ui, unnest(range((u.monthly * 12)::BIGINT)) AS n FROM u
        ),
        h AS (
            SELECT unit, ui, n, hash(ui * 100003 + n) AS h,
                   TIMESTAMP '2025-07-15 07:30'
                   + to_seconds((hash(ui * 7919 + n) % (365 * 86400))::BIGINT) AS rec
            FROM g
        ),
        c AS (
            SELECT *, rec + to_hours((24 * (1 + h % 10))::BIGINT) AS due,
                   CASE WHEN h % 100 < 96 THEN 'resolved' WHEN h % 100 < 98 THEN 'late'
                        WHEN h % 100 < 99 THEN 'withdrawn' ELSE 'pending' END AS fate
            FROM h
        ),
        e AS (
            SELECT *,
                CASE fate WHEN 'resolved' THEN rec + to_seconds((epoch(due - rec) * ((h // 100) % 90 + 5) / 100)::BIGINT)
                          WHEN 'late' THEN due + to_hours((2 + (h // 100) % 96)::BIGINT)
                          WHEN 'withdrawn' THEN rec + to_hours((1 + (h // 100) % 48)::BIGINT)
                END AS ended
            FROM c
        ),
        f AS (  -- nothing ends after the export: what would have, is still open in it
            SELECT *, ended IS NOT NULL AND ended < TIMESTAMP '2026-07-15 08:00' AS done FROM e
        )
        SELECT f.unit, 'HS-' || f.unit || '-' || f.n, '1.' || lpad((f.h % 100)::VARCHAR, 6, '0'),
               'Thủ tục ' || (f.h % 100), 'Lĩnh vực ' || ((f.h % 100) % 12),
               CASE (f.h // 7) % 10 WHEN 0 THEN 'postal' WHEN 1 THEN 'in_person'
                    WHEN 2 THEN 'in_person' ELSE 'online' END,
               'code',
               CASE WHEN NOT done THEN 4 WHEN fate = 'withdrawn' THEN 7 ELSE 10 END, NULL,
               CASE WHEN NOT done THEN 'pending' WHEN fate = 'withdrawn' THEN 'withdrawn'
                    ELSE 'resolved' END,
               f.rec, f.due, f.due, CASE WHEN done THEN f.ended END, NULL,
               f.h % 20 <> 0, f.h % 20 <> 1, f.h % 20 <> 2, NULL, NULL,
               i.ingest_id, TIMESTAMP '2026-07-15 08:00', i.ingest_id
        FROM f JOIN ingests i ON i.unit = f.unit AND i.kind = 'cases'
        """
    )
    con.execute(
        """INSERT INTO pakn
           SELECT i.unit, 'PA-' || i.unit || '-' || n, '1022', 'Đã xử lý',
                  TIMESTAMP '2025-07-15' + to_hours((hash(i.ingest_id * 31 + n) % (365 * 24))::BIGINT),
                  TIMESTAMP '2025-07-15' + to_hours((hash(i.ingest_id * 31 + n) % (365 * 24) + 360)::BIGINT),
                  TIMESTAMP '2025-07-15' + to_hours((hash(i.ingest_id * 31 + n) % (365 * 24) + 100)::BIGINT),
                  i.ingest_id, TIMESTAMP '2026-07-15 08:00', i.ingest_id
           FROM ingests i, range(24) r(n) WHERE i.kind = 'pakn'"""
    )
    con.execute("CHECKPOINT")
    n = con.execute("SELECT count(*) FROM cases").fetchall()[0][0]
    con.close()
    size = db.stat().st_size / 2**30
    print(f"# built the nation: {n:,} cases in {time.perf_counter() - t:.0f} s ({size:.1f} GiB)")
    return db, params


def _write_params(params: Path) -> None:
    """The city hai-phong and its 114 units (the rest of the nation needs no params file)."""
    (params / "units").mkdir(parents=True, exist_ok=True)
    (params / "cities").mkdir(exist_ok=True)
    repo = Path(__file__).resolve().parent.parent / "params"
    for sub in ("profiles", "aliases"):
        (params / sub).mkdir(exist_ok=True)
        for f in (repo / sub).glob("*.yaml"):
            (params / sub / f.name).write_bytes(f.read_bytes())
    (params / "cities" / "hai-phong.yaml").write_text(
        'city: hai-phong\nname: Hải Phòng\nkind: thành phố\ncode: "31"\n', encoding="utf-8"
    )
    for i in range(1, CITY_UNITS + 1):
        (params / "units" / f"u{i:04d}.yaml").write_text(
            f'unit: u{i:04d}\nname: Đơn vị {i}\ncity: hai-phong\ncode: "{31000 + i}"\n',
            encoding="utf-8",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/tthc-bench-nation")
    parser.add_argument("--units", type=int, default=UNITS, help="fewer for a quick try")
    args, _ = parser.parse_known_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"# load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; runs: {args.runs}")
    db, params = build(folder, args.units)
    os.environ["TTHC_PARAMS"] = str(params)
    from tthc import warehouse
    from tthc.cli import main as tthc

    def cli(*argv: str) -> None:
        with (
            open(os.devnull, "w") as sink,
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            assert tthc(["stats", "--db", str(db), *argv, "--month", "2026-06", "--json"]) == 0

    con = warehouse.connect(db, read_only=True)
    cases = con.execute("SELECT count(*) FROM cases").fetchall()[0][0]
    unit = "u0057"
    base = timed(
        lambda: con.execute("SELECT count(*) FROM cases WHERE unit = ?", [unit]).fetchall(),
        args.runs,
    )
    city_cases = con.execute(
        "SELECT count(*) FROM cases WHERE unit <= ?", [f"u{CITY_UNITS:04d}"]
    ).fetchall()[0][0]
    con.close()
    c0 = cpu()
    single = timed(lambda: cli("--unit", unit), args.runs)
    city = timed(lambda: cli("--city", "hai-phong"), args.runs)
    print(
        f"nation {args.units} units, {cases:,} cases | stats --unit {single[0]:.2f} s (cpu {single[1]:.2f}),"
        f" {single[0] / base[0]:.0f}× count(*) {base[0]:.3f} s"
        f" | stats --city ({CITY_UNITS} units, {city_cases:,} cases) {city[0]:.2f} s"
        f" (cpu {city[1]:.2f}), ratio {city[0] / (single[0] * CITY_UNITS):.3f} against"
        f" {CITY_UNITS} × stats --unit = {single[0] * CITY_UNITS:.0f} s"
        f" | total cpu {cpu() - c0:.0f} s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
