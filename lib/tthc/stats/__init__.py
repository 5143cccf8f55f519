"""Statistics engine: every figure of the monthly TTHC report, as of a period's end.

- :mod:`tthc.stats.periods`: reporting periods (Nghị định 09/2019 Điều 12 and other rules) and
  their Vietnamese phrases;
- :mod:`tthc.stats.profile`: reporting profiles (``params/profiles/*.yaml``), the conventions
  that differ between provinces;
- :mod:`tthc.stats.numbers`: rates from integer counts (exact half-up or the legacy float rule)
  and number formatting;
- :mod:`tthc.stats.casetable`: the national case table as one DuckDB aggregation;
- :mod:`tthc.stats.figures`: :func:`~tthc.stats.figures.compute_figures` -> ``Figures``;
- :mod:`tthc.stats.checks`: the identities of the case table, with gaps;
- :mod:`tthc.stats.series`: monthly series and processing times for charts;
- :mod:`tthc.stats.coverage`: which days the ingested lists cover and what that makes known;
- :mod:`tthc.stats.completeness`: what each figure needs; N/A (or partial) where not covered.

The JSON printed by ``tthc stats --json`` is documented in ``docs/stats-json.md``.
"""
