"""Staging: the registered source rows parsed into warehouse columns, each with a reject reason.

The source is a DuckDB view ``_src`` with ``_rid`` (the row's number in the file, unique across
sheets), ``_sheet`` and ``_row`` (its sheet and 1-based row there), ``_unit`` (the unit the row
belongs to: the one unit of the file, or from a province-level file's unit column, NULL when
unknown), ``_error`` (a reason when a cell of a required column holds an Excel error, or the row's
unit is unknown, else NULL), one clean text column ``c_<field>`` per mapped canonical field
(``p_<n>`` for kept personal columns), and what :mod:`tthc.ingest.source` read once per distinct
value: whether a label cell has a key ``k_<field>`` (true, or NULL when blank), the key's meanings
``v_<name>`` and the national procedure code ``n_procedure_code``. Staging creates ``_stg`` (an
Arrow table registered on the connection): one row per non-blank source row, parsed, with its
``_unit`` and ``_reject`` (a Vietnamese reason, or NULL for a good row). A case list is matched to
the catalogue of each row's own unit. Dates are read as the file's
:class:`~tthc.ingest.dates.DateDecision` says and checked against the file's own window
(:mod:`tthc.ingest.plausibility`). The raw cells of rejected rows are taken from ``_src`` only for
those rows (:func:`raw_json_sql`). Rows whose mapped cells are all blank are not rows (spacing).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from tthc.ingest.catalogue import latest_snapshots_sql, sql_name_key
from tthc.ingest.dates import DateDecision, common_form_sql, is_placeholder, timestamp_sql
from tthc.ingest.headers import ColumnMap
from tthc.ingest.plausibility import FileWindow, case_rules, pakn_rules, reject_sql
from tthc.ingest.registered import register_query
from tthc.ingest.values import LOOKED_UP, lit, sql_is_duration, sql_text
from tthc.schema import Kind

ENDED = ("resolved", "withdrawn", "stopped", "returned")

CASE_STATE = (
    "procedure_code",
    "procedure_name",
    "field",
    "channel",
    "channel_scheme",
    "status_code",
    "status_label",
    "outcome",
    "received_at",
    "due_at",
    "original_due_at",
    "ended_at",
    "returned_at",
    "has_components",
    "has_result_file",
    "reused_data",
    "fee_bearing",
    "paid_online",
)
PAKN_STATE = ("source", "status_label", "received_at", "due_at", "handled_at")
CATALOGUE_STATE = ("procedure_name", "name_key", "field", "level")

# Fields looked up in a label table; the source carries for each a ``k_<field>`` column (true
# where the cell has a key, NULL where it is blank) and the key's meanings (``v_<name>``).
KEY_FIELDS = frozenset(
    {"status", "channel", "online_flag", "level", *("has_components", "has_result_file")}
    | {"reused_data", "fee_bearing", "paid_online"}
)

KEYS = {Kind.CASES: "case_code", Kind.PAKN: "pakn_code", Kind.CATALOGUE: "procedure_code"}
STATE = {Kind.CASES: CASE_STATE, Kind.PAKN: PAKN_STATE, Kind.CATALOGUE: CATALOGUE_STATE}

_SQL_TYPES = {pa.int16(): "SMALLINT", pa.string(): "VARCHAR", pa.bool_(): "BOOLEAN"}

_FLAGS = ("has_components", "has_result_file", "reused_data", "fee_bearing", "paid_online")


@dataclass
class _Cols:
    cmap: ColumnMap
    dates: DateDecision

    def has(self, name: str) -> bool:
        return name in self.cmap.fields

    def c(self, name: str) -> str:
        return f'_src."c_{name}"' if self.has(name) else "NULL::VARCHAR"

    def k(self, name: str) -> str:
        """Whether a label field's cell has a key (:func:`~tthc.ingest.values.has_key`: true,
        NULL when blank; see :data:`KEY_FIELDS`)."""
        return f'_src."k_{name}"' if self.has(name) else "NULL::BOOLEAN"

    def due_is_duration(self) -> str:
        """Whether the due cell is a duration, not a date (``false`` when the file's date
        decision proved that no due cell can be one)."""
        return sql_is_duration(self.c("due_at")) if self.dates.due_durations else "false"

    def national_code(self) -> str:
        """The procedure code as the national Mã TTHC (``n_procedure_code``, see
        :func:`tthc.ingest.codes.national_procedure_codes`)."""
        return '_src."n_procedure_code"' if self.has("procedure_code") else "NULL::VARCHAR"

    def v(self, name: str) -> str:
        """A looked-up meaning of a label field's cells (:data:`~tthc.ingest.values.LOOKED_UP`):
        NULL where the key is blank or unknown, or the field is not in the file."""
        field, kind = LOOKED_UP[name]
        return f'_src."v_{name}"' if self.has(field) else f"NULL::{_SQL_TYPES[kind]}"

    def label(self, name: str) -> str:
        return self.cmap.label(name) if self.has(name) else name

    def not_blank(self) -> str:
        # A row with nothing but its unit (a province export's group row "UBND xã …") is no row.
        # The c_ columns are clean text (tthc.text.clean: trimmed), so blank is ''; a trim()
        # here made this filter 8 times slower.
        parts = [f"coalesce({self.c(f)}, '') <> ''" for f in self.cmap.fields if f != "unit"]
        return " OR ".join(parts) or "false"

    def raw_json(self) -> str:
        # The key code as the file writes it (r_, see tthc.ingest.source), not its canonical form.
        key = KEYS.get(self.cmap.kind) if self.cmap.kind is not Kind.CATALOGUE else None
        pairs = [
            f"{lit(self.label(f))}, {f'_src.r_{f}' if f == key else self.c(f)}"
            for f in self.cmap.fields
        ]
        return f"json_object({', '.join(pairs)})"

    def bad_dates(self, names: tuple[str, ...], skip: dict[str, str] | None = None) -> str:
        """CASE naming the first unparseable date among ``names`` (over raw parsed columns)."""
        branches = []
        for name in names:
            if not self.has(name):
                continue
            label = lit(f'Ngày không hợp lệ ở cột "{self.label(name)}": "')
            extra = f" AND NOT ({skip[name]})" if skip and name in skip else ""
            branches.append(
                f"WHEN {name}_text IS NOT NULL AND {name} IS NULL{extra} "
                f"AND NOT {is_placeholder(name + '_text')} "
                f"THEN {label} || {name}_text || '\"'"
            )
        return f"CASE {' '.join(branches)} END" if branches else "NULL::VARCHAR"


def raw_json_sql(cmap: ColumnMap) -> str:
    """JSON of a source row's mapped, non-personal cells by header, over ``_src`` (for rejects)."""
    return _Cols(cmap, DateDecision()).raw_json()


def stage(
    con: duckdb.DuckDBPyConnection,
    cmap: ColumnMap,
    personal: list[int],
    dates: DateDecision,
    window: FileWindow,
) -> None:
    """Create ``_stg`` for the sheet's kind (each row's unit is ``_src._unit``)."""
    k = _Cols(cmap, dates)
    if cmap.kind is Kind.CASES:
        _stage_cases(con, k, personal, window)
    elif cmap.kind is Kind.PAKN:
        _stage_pakn(con, k, window)
    else:
        _stage_catalogue(con, k)


def _dates(k: _Cols, names: tuple[str, ...]) -> str:
    """Each date column parsed (placeholders are NULL) beside its text (for reject reasons),
    over :func:`_with_common_forms`."""
    out = []
    for n in names:
        text = sql_text(k.c(n))
        parsed = (
            timestamp_sql(k.c(n), k.dates, common=f'_src."d_{n}"')
            if k.has(n)
            else "NULL::TIMESTAMP"
        )
        out.append(f"{parsed} AS {n}, {text} AS {n}_text")
    return ",\n".join(out)


def _with_common_forms(k: _Cols, names: tuple[str, ...]) -> str:
    """``_src`` with each date column's common-form parse (``d_<field>``) computed once."""
    parses = [f'{common_form_sql(k.c(n), k.dates)} AS "d_{n}"' for n in names if k.has(n)]
    if not parses:
        return "_src"
    return f"(SELECT *, {', '.join(parses)} FROM _src) AS _src"


def end_of_day(expr: str) -> str:
    """A deadline given as a bare date (00:00:00) means "by the end of that day".

    Stored at 00:00 it would make every case finished on its due date late under timestamp
    comparison; 23:59:59 keeps date comparison unchanged and timestamp comparison honest.
    """
    return (
        f"CASE WHEN ({expr}) = date_trunc('day', {expr}) "
        f"THEN ({expr}) + INTERVAL 86399 SECOND ELSE ({expr}) END"
    )


def _stage_cases(
    con: duckdb.DuckDBPyConnection, k: _Cols, personal: list[int], window: FileWindow
) -> None:
    dates = ("received_at", "due_at", "extended_due_at", "ended_at", "returned_at")
    flag_keys = ",\n".join(f"{k.k(f)} AS {f}_key, {k.v(f)} AS {f}_v" for f in _FLAGS)
    personal_json = (
        "json_object("
        + ", ".join(f"{lit(k.cmap.labels[p])}, {sql_text(f'_src.p_{p}')}" for p in personal)
        + ")"
        if personal
        else "NULL::JSON"
    )
    # The parsed cells, as a CTE of the staging statement: a view of them cost a second
    # binding of every expression (18 ms of a 200,000-row ingest).
    parsed = f"""
        SELECT _rid, _row, _error, _unit,
            {sql_text(k.c("case_code"))} AS case_code,
            {sql_text(k.national_code())} AS procedure_code,
            {sql_text(k.c("procedure_name"))} AS procedure_name,
            {sql_text(k.c("field"))} AS field,
            {sql_text(k.c("status"))} AS status_text,
            {k.v("status_code")} AS status_code_v,
            {k.v("status_outcome")} AS status_outcome_v,
            {k.v("status_label")} AS status_label_v,
            {sql_text(k.c("channel"))} AS channel_text,
            {k.k("channel")} AS channel_key,
            {k.v("channel")} AS channel_v,
            {k.k("online_flag")} AS online_key,
            {k.v("online_flag")} AS online_v,
            {sql_text(k.c("result_file_path"))} AS result_path,
            {k.due_is_duration()} AS due_is_duration,
            {_dates(k, dates)},
            {flag_keys},
            {personal_json} AS _personal
        FROM {_with_common_forms(k, dates)} WHERE {k.not_blank()}
    """
    # Yes/no columns: blank means no when the column exists; an unknown word is NULL (warned).
    flag_exprs = []
    flag_unknown = []
    for f in _FLAGS:
        if f == "has_result_file" and not k.has(f) and k.has("result_file_path"):
            flag_exprs.append("(p.result_path IS NOT NULL) AS has_result_file")
        elif k.has(f):
            flag_exprs.append(f"CASE WHEN p.{f}_key IS NULL THEN false ELSE p.{f}_v END AS {f}")
            flag_unknown.append(f"(p.{f}_key IS NOT NULL AND p.{f}_v IS NULL)::INT")
        else:
            flag_exprs.append(f"NULL::BOOLEAN AS {f}")
    if k.has("channel"):
        channel = "p.channel_v"
        scheme = "CASE WHEN p.channel_v IS NOT NULL THEN 'code' END"
        channel_unknown = "p.channel_key IS NOT NULL AND p.channel_v IS NULL"
        online_unknown = "false"
    elif k.has("online_flag"):
        channel = (
            "CASE WHEN p.online_key IS NULL THEN 'in_person' WHEN p.online_v THEN 'online' "
            "WHEN NOT p.online_v THEN 'in_person' END"
        )
        scheme = f"CASE WHEN ({channel}) IS NOT NULL THEN 'online_flag' END"
        channel_unknown = "false"
        online_unknown = "p.online_key IS NOT NULL AND p.online_v IS NULL"
    else:
        channel, scheme, channel_unknown, online_unknown = "NULL", "NULL", "false", "false"
    has_status = k.has("status")
    outcome = (
        "CASE WHEN p.status_text IS NULL THEN "
        "(CASE WHEN p.ended_at IS NOT NULL THEN 'resolved' ELSE 'pending' END) "
        "ELSE p.status_outcome_v END"
    )
    due = "CASE WHEN p.due_is_duration THEN NULL ELSE p.due_at END"
    bad_date = k.bad_dates(dates, {"due_at": "due_is_duration"})
    reject = (
        "CASE WHEN _error IS NOT NULL THEN _error\n"
        "WHEN case_code IS NULL THEN 'Thiếu mã hồ sơ'\n"
        "WHEN _bad_date IS NOT NULL THEN _bad_date\n"
        "WHEN status_unknown THEN 'Trạng thái không nhận ra: \"' || status_text || '\"'\n"
        + "WHEN channel_unknown THEN 'Kênh thực hiện không nhận ra: \"' || channel_text || '\"'\n"
        + "WHEN outcome <> 'not_received' AND received_at IS NULL "
        "THEN 'Thiếu ngày tiếp nhận của hồ sơ đã tiếp nhận'\n"
        f"WHEN outcome IN {ENDED} AND ended_at IS NULL THEN 'Trạng thái \"' || "
        "coalesce(status_label, '') || '\" là đã kết thúc nhưng thiếu ngày kết thúc xử lý'\n"
        f"ELSE {reject_sql(case_rules(window))}\n"
        "END"
    )
    register_query(
        con,
        "_stg",
        f"""
        WITH p AS ({parsed}
        ), j AS (
            SELECT p.*,
                {channel} AS channel,
                {scheme} AS channel_scheme,
                ({channel_unknown}) AS channel_unknown,
                ({online_unknown}) AS online_unknown,
                CASE WHEN p.status_text IS NULL THEN NULL ELSE p.status_code_v END AS status_code,
                coalesce(p.status_label_v, p.status_text) AS status_label,
                {outcome} AS outcome,
                (p.status_text IS NOT NULL AND p.status_outcome_v IS NULL) AS status_unknown,
                {"(p.status_text IS NULL)" if has_status else "true"} AS _status_inferred,
                {due} AS due_eff,
                {bad_date} AS _bad_date,
                (p.due_is_duration) AS _due_duration,
                {", ".join(flag_exprs)},
                ({" + ".join(flag_unknown) or "0"}) AS _flag_unknown
            FROM p
        ), e AS (
            SELECT * EXCLUDE (ended_at, due_at),
                CASE WHEN outcome IN ('pending', 'not_received') THEN NULL ELSE ended_at END
                    AS ended_at,
                (ended_at IS NOT NULL AND outcome IN ('pending', 'not_received')) AS _ended_dropped,
                {end_of_day("coalesce(extended_due_at, due_eff)")} AS due_at,
                {end_of_day("due_eff")} AS original_due_at
            FROM j
        ), r AS (
            SELECT *, {reject} AS _reject FROM e
        ), cat AS (
            SELECT unit, procedure_code, procedure_name, name_key, field FROM procedures
            WHERE unit IN (SELECT DISTINCT _unit FROM _src)
                AND ingest_id IN ({latest_snapshots_sql()})
        ), names AS (
            SELECT unit, name_key, min(procedure_code) AS code,
                count(DISTINCT procedure_code) AS n
            FROM cat GROUP BY unit, name_key
        ), m AS (
            SELECT r.*,
                coalesce(r.procedure_code, CASE WHEN nm.n = 1 THEN nm.code END) AS code_final,
                (r.procedure_code IS NULL AND nm.n = 1) AS _by_name,
                (r.procedure_code IS NULL AND nm.n > 1) AS _ambiguous_name
            FROM r LEFT JOIN names nm
                ON nm.unit = r._unit AND nm.name_key = CASE WHEN r.procedure_code IS NULL
                    THEN {sql_name_key("r.procedure_name")} END
        )
        SELECT m._rid, m._row, m._unit, m.case_code,
            m.code_final AS procedure_code,
            coalesce(m.procedure_name, cc.procedure_name) AS procedure_name,
            coalesce(m.field, cc.field) AS field,
            m.channel, m.channel_scheme, m.status_code::SMALLINT AS status_code, m.status_label,
            m.outcome, m.received_at, m.due_at, m.original_due_at, m.ended_at, m.returned_at,
            m.has_components, m.has_result_file, m.reused_data, m.fee_bearing, m.paid_online,
            m._reject, m._personal, m._status_inferred, m._due_duration, m._flag_unknown,
            m.online_unknown AS _online_unknown, m._ended_dropped, m._by_name, m._ambiguous_name,
            (m.field IS NULL AND cc.field IS NOT NULL) AS _field_from_cat
        FROM m LEFT JOIN cat cc ON cc.unit = m._unit AND cc.procedure_code = m.code_final
        """,
    )


def _stage_pakn(con: duckdb.DuckDBPyConnection, k: _Cols, window: FileWindow) -> None:
    dates = ("received_at", "due_at", "handled_at")
    # Without a code column the key is a stable hash of the row's non-personal content, with the
    # occurrence number among the unit's identical rows so that two identical complaints stay
    # two. The unit column is left out of the content and the numbering is per unit: the same
    # complaint keeps its key in the unit's own export and in a province-level one, where
    # another unit's identical complaint must not move it to "#2".
    content = " || '|' || ".join(
        f"coalesce({sql_text(k.c(f))}, '')" for f in k.cmap.fields if f != "unit"
    )
    if k.has("pakn_code"):
        code = sql_text(k.c("pakn_code"))
    else:
        code = (
            f"'h-' || substr(md5({content} || '#' || row_number() OVER "
            f"(PARTITION BY _unit, {content} ORDER BY _rid)::VARCHAR), 1, 16)"
        )
    reject = (
        "CASE WHEN _error IS NOT NULL THEN _error\n"
        "WHEN pakn_code IS NULL THEN 'Thiếu mã PAKN'\n"
        f"WHEN ({k.bad_dates(dates, {'due_at': 'due_is_duration'})}) IS NOT NULL "
        f"THEN {k.bad_dates(dates, {'due_at': 'due_is_duration'})}\n"
        "WHEN received_at IS NULL THEN 'Thiếu ngày tiếp nhận'\n"
        f"ELSE {reject_sql(pakn_rules(window))}\n"
        "END"
    )
    register_query(
        con,
        "_stg",
        f"""
        WITH p AS (
            SELECT _rid, _row, _error, _unit, {code} AS pakn_code,
                {sql_text(k.c("source"))} AS source,
                {sql_text(k.c("status"))} AS status_label,
                {k.due_is_duration()} AS due_is_duration,
                {_dates(k, dates)},
            FROM {_with_common_forms(k, dates)} WHERE {k.not_blank()}
        ), r AS (SELECT *, {reject} AS _reject FROM p)
        SELECT _rid, _row, _unit, pakn_code, source, status_label, received_at,
            CASE WHEN due_is_duration THEN NULL ELSE {end_of_day("due_at")} END AS due_at, handled_at,
            due_is_duration AS _due_duration, _reject
        FROM r
        """,
    )


def _stage_catalogue(con: duckdb.DuckDBPyConnection, k: _Cols) -> None:
    reject = (
        "CASE WHEN _error IS NOT NULL THEN _error\n"
        "WHEN procedure_code IS NULL THEN 'Thiếu mã TTHC'\n"
        "WHEN procedure_name IS NULL THEN 'Thiếu tên thủ tục hành chính'\n"
        "WHEN level IS NULL THEN 'Mức độ DVCTT không nhận ra: \"' || level_text || '\"'\n"
        "END"
    )
    register_query(
        con,
        "_stg",
        f"""
        WITH p AS (
            SELECT _rid, _row, _error, _unit,
                {sql_text(k.national_code())} AS procedure_code,
                {sql_text(k.c("procedure_name"))} AS procedure_name,
                {sql_text(k.c("field"))} AS field,
                {sql_text(k.c("level"))} AS level_text,
                {k.k("level")} AS level_key,
                {k.v("level")} AS level_v,
                FROM _src WHERE {k.not_blank()}
        ), l AS (
            SELECT p.*,
                CASE WHEN p.level_key IS NULL THEN 'none' ELSE p.level_v END AS level,
                {sql_name_key("p.procedure_name")} AS name_key
            FROM p
        )
        SELECT _rid, _row, _unit, procedure_code, procedure_name, name_key, field, level,
            {reject} AS _reject
        FROM l
        """,
    )
