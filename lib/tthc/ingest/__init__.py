"""Reading one-stop exports (case lists, procedure catalogues, PAKN lists) into the warehouse.

Modules, one concern each:

- ``readers``: xlsx/xls via python-calamine, CSV via pyarrow (UTF-8 with/without BOM, UTF-16,
  Windows-1258); cells arrive as text.
- ``aliases``: the alias table (``params/aliases/default.yaml`` + the unit's ``aliases``).
- ``headers``: the header row under title rows, two-row/merged headers, column mapping.
- ``detect``: which kind of export a file is; required columns.
- ``values``: text normalisation (NFC) in Arrow; dates, statuses, channels, yes/no in SQL.
- ``catalogue``: procedure name keys and the catalogue snapshot used for matching.
- ``personal``: which personal-data columns are dropped or (if allowed) kept.
- ``stage``: parsing into warehouse columns with a reject reason per row.
- ``store``: rejects, in-file duplicates, upsert / snapshot, conflicts, ledger.
- ``asof``: the export's own date from its title rows.
- ``pipeline``: one file = one transaction; several files in catalogue, cases, PAKN order.
- ``summary``: the Vietnamese summary block.

Entry points: :func:`tthc.ingest.pipeline.ingest_paths` (what ``tthc ingest`` calls) and
:func:`tthc.ingest.pipeline.ingest_file` (one file on an open connection).
"""
