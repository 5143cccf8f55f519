"""Property-based tests: random case histories against the invariants of the case table.

- every identity holds for every profile (per field and total, total = sum of fields);
- events after a period's end (new cases, cases ending later) never change that period;
- figures of two units computed separately sum to the figures of their union (no double count).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

import duckdb
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stats_factory import FULL_AS_OF, FULL_FROM, Factory

from tthc.schema import DDL
from tthc.stats.completeness import figure_needs
from tthc.stats.figures import BY_FIELD_COLUMNS, compute_figures
from tthc.stats.periods import month_period
from tthc.stats.profile import Profile

BASE = datetime(2026, 3, 1)
PROFILES = [
    Profile(name=f"{c}-{t}-{e}", comparison=c, third_bucket=t, early_on_time=e)
    for c, t, e in itertools.product(
        ("date", "timestamp"),
        ("separate", "resolved_on_time", "excluded"),
        ("disjoint", "combined", "on_time_includes_early"),
    )
]
PERIODS = [month_period(2026, m) for m in (4, 5, 6)]
ENDED = ("resolved", "withdrawn", "stopped", "returned")
COUNT_KEYS = (*BY_FIELD_COLUMNS, "pakn_received", "pakn_on_time", "pakn_late", "pakn_in_progress")


@st.composite
def case_kwargs(draw, unit: str = "xa-a") -> dict:
    received = BASE + timedelta(minutes=30 * draw(st.integers(0, 130 * 48)))
    outcome = draw(st.sampled_from(("pending", "pending", *ENDED, "not_received")))
    ended = None
    if outcome in ENDED and draw(st.integers(0, 19)) > 0:  # 1 in 20 lacks its end date
        ended = received + timedelta(minutes=30 * draw(st.integers(0, 50 * 48)))
    due = None
    if draw(st.integers(0, 9)) > 0:
        due = received + timedelta(hours=draw(st.integers(0, 30 * 24)))
    scheme = draw(st.sampled_from(("code", "code", "online_flag")))
    channels = ("online", "in_person", "postal") if scheme == "code" else ("online", "in_person")
    return {
        "unit": unit,
        "outcome": outcome,
        "received": received,
        "ended": ended,
        "due": due,
        "field": draw(st.sampled_from(("Hộ tịch", "Chứng thực", "Đất đai", None))),
        "procedure_code": draw(st.sampled_from(("1.000001", "1.000002", "2.000815", None))),
        "channel": draw(st.sampled_from(channels)),
        "channel_scheme": scheme,
        "has_components": draw(st.booleans()),
        "has_result_file": draw(st.booleans()),
        "reused_data": draw(st.booleans()),
    }


@st.composite
def pakn_kwargs(draw, unit: str = "xa-a") -> dict:
    received = BASE + timedelta(hours=draw(st.integers(0, 130 * 24)))
    due = received + timedelta(days=draw(st.integers(0, 20)))
    handled = None
    if draw(st.booleans()):
        handled = received + timedelta(hours=draw(st.integers(0, 40 * 24)))
    return {
        "unit": unit,
        "received": received.isoformat(),
        "due": due.isoformat(),
        "handled": handled.isoformat() if handled else None,
    }


def _warehouse(cases: list[dict], paknl: list[dict]) -> Factory:
    con = duckdb.connect()
    con.execute(DDL)
    f = Factory(con)
    f.full_lists("xa-a", "xa-b")  # exports covering every day: every figure is determined
    f.insert_cases([f.case_row(**kw) for kw in cases])
    for kw in paknl:
        f.pakn(**kw)
    return f


def _settings(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings(40)
@given(
    st.lists(case_kwargs(), max_size=60),
    st.lists(pakn_kwargs(), max_size=8),
    st.sampled_from(PROFILES),
    st.sampled_from(PERIODS),
)
def test_every_identity_holds_for_every_profile(cases, paknl, profile, period):
    f = _warehouse(cases, paknl)
    fig = compute_figures(f.con, "xa-a", period, profile, comparisons=False)
    failed = [c for c in fig.checks if not c.ok]
    assert not failed, failed
    v = fig.values
    # The third bucket's size is reported whatever its placement.
    assert (
        v["cases_withdrawn"]
        == v["cases_third_withdrawn"] + v["cases_third_stopped"] + v["cases_third_returned"]
    )
    if profile.early_on_time == "disjoint":
        assert v["cases_resolved_early"] is not None
    else:
        assert v["cases_resolved_early"] is None
    for key, info in fig.rates.items():
        if info.value is not None:
            assert 0 <= info.value <= 100, key


@_settings(20)
@given(
    st.lists(case_kwargs(), max_size=50),
    st.lists(case_kwargs(), max_size=15),
    st.lists(st.integers(0, 49), max_size=10),
    st.lists(st.integers(1, 30 * 24), min_size=10, max_size=10),
    st.sampled_from(PROFILES),
    st.sampled_from(PERIODS),
)
def test_later_events_never_change_an_earlier_period(cases, later, to_end, delays, profile, period):
    f = _warehouse(cases, [])
    before = compute_figures(f.con, "xa-a", period, profile)
    # New cases received after the end.
    moved = []
    for kw in later:
        kw = dict(kw)
        shift = period.end_excl_ts - BASE
        kw["received"] = kw["received"] + shift
        if kw["ended"] is not None:
            kw["ended"] = kw["ended"] + shift
        if kw["due"] is not None:
            kw["due"] = kw["due"] + shift
        moved.append(f.case_row(**kw))
    f.insert_cases(moved)
    # Open cases that end after the period end (the next export says they are finished).
    codes = [
        r[0]
        for r in f.con.execute(
            "SELECT case_code FROM cases WHERE outcome = 'pending' ORDER BY case_code"
        ).fetchall()
    ]
    for i, (idx, hours) in enumerate(zip(to_end, delays, strict=False)):
        if idx < len(codes):
            f.con.execute(
                """UPDATE cases SET outcome = ?, ended_at = greatest(received_at, ?) + to_hours(?)
                   WHERE case_code = ?""",
                [("resolved", "withdrawn")[i % 2], period.end_excl_ts, hours, codes[idx]],
            )
    after = compute_figures(f.con, "xa-a", period, profile)
    assert after.values == before.values
    assert after.late_cases.drop(columns=["ended_at"]).equals(
        before.late_cases.drop(columns=["ended_at"])
    )
    assert list(after.late_cases["ended_at"]) == list(before.late_cases["ended_at"])


@_settings(25)
@given(
    st.lists(case_kwargs("xa-a"), max_size=40),
    st.lists(case_kwargs("xa-b"), max_size=40),
    st.lists(pakn_kwargs("xa-a"), min_size=1, max_size=5),
    st.lists(pakn_kwargs("xa-b"), min_size=1, max_size=5),
    st.sampled_from(PROFILES),
    st.sampled_from(PERIODS),
)
def test_city_rollup_is_the_sum_of_units(cases_a, cases_b, pakn_a, pakn_b, profile, period):
    f = _warehouse(cases_a + cases_b, pakn_a + pakn_b)
    a = compute_figures(f.con, "xa-a", period, profile, comparisons=False)
    b = compute_figures(f.con, "xa-b", period, profile, comparisons=False)
    both = compute_figures(f.con, ["xa-a", "xa-b"], period, profile, comparisons=False)
    # Under a yes/no "Trực tuyến" export, "in person" means "not online": once any unit has such an
    # export, the roll-up can no longer tell postal apart, so only column (3) must add up.
    postal_known = None not in (a.values["cases_new_postal"], b.values["cases_new_postal"])
    for key in COUNT_KEYS:
        va, vb, vu = a.values[key], b.values[key], both.values[key]
        if va is None or vb is None:
            continue
        if key in ("cases_new_in_person", "cases_new_postal") and not postal_known:
            continue
        assert vu == va + vb, key
    assert both.ok, [c for c in both.checks if not c.ok]
    ta = a.by_field.set_index("field")["cases_total"]
    tb = b.by_field.set_index("field")["cases_total"]
    tu = both.by_field.set_index("field")["cases_total"]
    assert tu.to_dict() == ta.add(tb, fill_value=0).astype("int64").to_dict()


# --- coverage: what the exports determine is the truth --------------------------------------------


@st.composite
def export_lists(draw) -> list[tuple[date, date | None, datetime]]:
    """1-3 case lists "Từ ngày f đến ngày t" taken at x (sometimes before t: the list stops
    there): a long one over most of the months the cases span, and shorter ones anywhere."""
    out = []
    for i in range(draw(st.integers(1, 3))):
        if i == 0:
            f = BASE.date() + timedelta(days=draw(st.integers(-10, 60)))
            t = f + timedelta(days=draw(st.integers(40, 130)))
        else:
            f = BASE.date() + timedelta(days=draw(st.integers(-20, 110)))
            t = f + timedelta(days=draw(st.integers(0, 60)))
        x = datetime.combine(t, time()) + timedelta(hours=draw(st.integers(-72, 400)))
        out.append((f, t, x))
    return out


def _export(
    truth: list[dict], lists: list[tuple[date, date | None, datetime]]
) -> list[tuple[int, dict]]:
    """What the lists say, as ingest stores it: each case in the state the newest list that
    lists it gives (received in [f, t] before x, or open at 00:00 on f), as of that list's x,
    with the index of that list (ingest stores the case under that list's ingest: coverage
    counts a list's still-open cases by it)."""
    stored: dict[int, tuple[datetime, int, dict]] = {}
    for li, (f, t, x) in enumerate(lists):
        start = datetime.combine(f, time())
        for i, kw in enumerate(truth):
            r, e = kw["received"], kw["ended"]
            in_range = start <= r < min(datetime.combine(t + timedelta(days=1), time()), x)
            open_at_start = r < start and (e is None or e >= start)
            if not (in_range or open_at_start):
                continue
            seen = dict(kw)
            if kw["outcome"] in ENDED and (e is None or e >= x):
                seen["outcome"], seen["ended"] = "pending", None  # not ended yet when taken
            if i not in stored or stored[i][0] < x:
                stored[i] = (x, li, seen)
    return [(li, seen) for _, li, seen in stored.values()]


def _comparable(fig) -> dict[str, object]:
    """The figures that have a coverage need, with their values (None: N/A)."""
    needs = figure_needs(fig.profile)
    return {k: fig.values[k] for k in needs if k in fig.values}


def _case(outcome: str, ended: datetime | None = None) -> dict:
    return {
        "unit": "xa-a", "outcome": outcome, "received": BASE, "ended": ended, "due": None,
        "field": "Hộ tịch", "procedure_code": "1.000001", "channel": "online",
        "channel_scheme": "code", "has_components": False, "has_result_file": False,
        "reused_data": False,
    }  # fmt: skip


@_settings(40)
@given(
    st.lists(case_kwargs(), max_size=40),
    export_lists(),
    st.sampled_from(PROFILES),
    st.sampled_from(PERIODS),
)
# Found in CI: a case open in a list of 14/03, ended on 25/03, absent from a list from 04/04 (no
# longer open then). The test had stored every case under the last list's ingest, so the list of
# 14/03 seemed to hold no open case and the case read as still in progress at the end of April's
# period (9 instead of 8). Ingest stores a case under the list that gave its state, and that
# list's open case makes the in-progress figure N/A.
@example(
    [_case("pending")] * 8 + [_case("resolved", datetime(2026, 3, 25, 18))],
    [
        (date(2026, 4, 4), date(2026, 5, 14), datetime(2026, 5, 14)),
        (date(2026, 2, 11), date(2026, 3, 14), datetime(2026, 3, 14)),
        (date(2026, 4, 16), date(2026, 4, 16), datetime(2026, 4, 16)),
    ],
    next(p for p in PROFILES if p.name == "date-separate-disjoint"),
    PERIODS[0],
)
def test_what_the_exports_determine_is_the_truth(truth, lists, profile, period):
    """Every figure the coverage calls determined equals the figure over the full history."""
    codes = [f"HS-{i:05d}" for i in range(len(truth))]
    truth = [{**kw, "code": c} for kw, c in zip(truth, codes, strict=True)]
    whole = _warehouse(truth, [])
    expected = compute_figures(whole.con, "xa-a", period, profile)
    con = duckdb.connect()
    con.execute(DDL)
    seen = Factory(con)
    ids = [seen.ingest("xa-a", "cases", x, covers_from=f, covers_to=t) for f, t, x in lists]
    seen.ingest("xa-a", "pakn", BASE, covers_from=BASE.date())  # PAKN: not what this is about
    rows = []
    for li, kw in _export(truth, lists):
        rows.append({**seen.case_row(**kw), "ingest_id": ids[li], "as_of": lists[li][2]})
    seen.insert_cases(rows)
    got = compute_figures(con, "xa-a", period, profile)
    want = _comparable(expected)
    for key, value in _comparable(got).items():
        if value is not None and not key.startswith("pakn"):
            assert value == want[key], (key, got.values[key], want[key])
    for tag in ("previous", "last_year"):
        if got.comparisons[tag] is None:
            continue
        for key, value in got.comparisons[tag].items():
            if key in want and value is not None and not key.startswith("pakn"):
                assert value == expected.comparisons[tag][key], (tag, key)


@_settings(25)
@given(
    st.lists(case_kwargs("xa-a"), max_size=30),
    st.lists(case_kwargs("xa-b"), max_size=30),
    export_lists(),
    export_lists(),
    st.sampled_from(PROFILES),
    st.sampled_from(PERIODS),
)
def test_a_rollup_knows_a_figure_when_every_unit_does(
    cases_a, cases_b, lists_a, lists_b, profile, period
):
    con = duckdb.connect()
    con.execute(DDL)
    f = Factory(con)
    for unit, lists in (("xa-a", lists_a), ("xa-b", lists_b)):
        for start, end, x in lists:
            f.ingest(unit, "cases", x, covers_from=start, covers_to=end)
        f.ingest(unit, "pakn", FULL_AS_OF, covers_from=FULL_FROM)
    f.insert_cases([f.case_row(**kw) for kw in cases_a + cases_b])
    a = compute_figures(con, "xa-a", period, profile, comparisons=False)
    b = compute_figures(con, "xa-b", period, profile, comparisons=False)
    both = compute_figures(con, ["xa-a", "xa-b"], period, profile, comparisons=False)
    for key in figure_needs(profile):
        if key not in both.values:
            continue
        assert (key in both.coverage_na) == (key in a.coverage_na or key in b.coverage_na), key
        va, vb, vu = a.values[key], b.values[key], both.values[key]
        if key in COUNT_KEYS and va is not None and vb is not None and vu is not None:
            if key in ("cases_new_in_person", "cases_new_postal"):
                continue  # see test_city_rollup_is_the_sum_of_units
            assert vu == va + vb, key
    assert both.ok, [c for c in both.checks if not c.ok]
