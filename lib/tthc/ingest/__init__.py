"""Reading one-stop exports (case lists, procedure catalogues, PAKN lists) into the warehouse.

Modules, one concern each:

- ``containers``: what a file really is, from its bytes (xlsx, xls, ods, CSV, HTML, SpreadsheetML).
- ``readers``: the right reader for it, and the sheets' heads decoded and cleaned.
- ``excel`` / ``csvfile`` / ``markup``: the readers (fastexcel and python-calamine with what they do
  not report read from the file; CSV lines as CSV defines them; lxml for markup).
- ``sheets``: the shape readers hand over (heads as text, bodies as Arrow columns).
- ``limits``: caps on what a file may make the reader allocate.
- ``legacy``: TCVN3/VNI text told from Unicode and converted.
- ``aliases``: the alias table (``params/aliases/default.yaml`` + the unit's ``aliases``).
- ``headers``: the header row under title rows, two-row/merged headers, column mapping.
- ``detect``: which kind of export a file is; required columns.
- ``source``: the sheets to read, non-data rows set aside, same-name columns checked, Excel
  errors, legacy columns, clean text, canonical codes: the ``_src`` table staging reads.
- ``footer``: rows that are not cases: the header repeated on each page, group titles and
  subtotals, totals rows and signature blocks under the table.
- ``codes``: case codes and procedure codes made canonical; Excel-damaged codes refused.
- ``dates``: date forms, day/month order decided per file, epochs, placeholders (SQL).
- ``plausibility``: which parsed dates can be true, against the file's own window.
- ``values``: label tables (statuses, channels, yes/no, levels) and SQL helpers.
- ``catalogue``: procedure name keys and the catalogue snapshot used for matching.
- ``personal``: which personal-data columns are dropped or (if allowed) kept.
- ``stage``: parsing into warehouse columns with a reject reason per row.
- ``split``: the unit column of a province-level export matched to the units of params.
- ``store``: rejects, in-file duplicates, upsert / snapshot, conflicts, ledger; every unit of a
  file in one pass (each staged row carries its unit).
- ``asof``: the export's own dates from its title rows (export time, range).
- ``pipeline``: one file = one transaction; several files in catalogue, cases, PAKN order.
- ``summary``: the Vietnamese summary block.

Entry points: :func:`tthc.ingest.pipeline.ingest_paths` (what ``tthc ingest`` calls) and
:func:`tthc.ingest.pipeline.ingest_file` (one file on an open connection).
"""
