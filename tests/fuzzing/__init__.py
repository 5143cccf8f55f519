"""Fuzzing the ingest (issue 13, item 6): hypothesis generates exports (CSV text in several
encodings and layouts, raw bytes, xlsx written by xlsxwriter and then mutated member by member)
and feeds them to the public entry point :func:`tthc.ingest.pipeline.ingest_paths`, in a worker
process so that a signal (an abort in a Rust reader) is seen and reported instead of killing
pytest, and to the ``tthc`` command line.

Invariants, for every input: no traceback, no signal; either a :class:`tthc.errors.TthcError`
(one Vietnamese line) or a result whose rows are all accounted for (rows_read = inserted +
updated + unchanged + rejected).

``tests/test_fuzz.py`` is the bounded run of the test suite (derandomized: the same inputs on
every run). ``make fuzz`` runs the same tests for ``FUZZ_MINUTES`` with fresh seeds
(``scripts/fuzz.py``); what it finds goes to ``notes/fuzz-findings-13w.md`` and becomes a test.
"""
