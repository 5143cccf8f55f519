"""The figures the An Trường sample is built to reproduce: domain.md §10 and the sample report.

This is the single source of truth for the generator (which constructs cases to hit these
numbers) and for every test that checks them. Keys follow the flat JSON keys of ``tthc stats``
(issue 3) so an end-to-end test can compare dictionaries directly.

Windows: the case table uses the Nghị định 09 month (15/5/2026–14/6/2026); procedure coverage,
digitization and data reuse use the calendar year to date (01/01/2026–14/06/2026), as the sample
report does (domain.md §6). Rates are in percent, rounded as An Trường's profile rounds them.
"""

from __future__ import annotations

from datetime import date, datetime

UNIT = "an-truong"
UNIT_NAME = "An Trường"

PERIOD_START = date(2026, 5, 15)
PERIOD_END = date(2026, 6, 14)  # inclusive, to 23:59:59 local time
YTD_START = date(2026, 1, 1)
EXPORT_AS_OF = datetime(2026, 6, 15, 8, 0, 0)  # "Ngày xuất: 15/06/2026 08:00"
CATALOGUE_AS_OF = date(2026, 1, 5)  # "Ngày xuất: 05/01/2026"

# The one late case of the period (domain.md §10): field and procedure.
LATE_CASE_FIELD = "Chứng thực"
LATE_CASE_PROCEDURE = "Cấp bản sao điện tử được chứng thực từ bản chính"

FIGURES: dict[str, int | float] = {
    # Case table (Biểu 06 columns), period 15/5–14/6/2026.
    "cases_total": 2751,
    "cases_new": 2668,
    "cases_new_online": 2668,
    "cases_new_in_person": 0,
    "cases_new_postal": 0,
    "cases_new_in_person_postal": 0,  # column (3): trực tiếp and bưu chính together
    "cases_carried_over": 83,
    "cases_resolved": 2686,
    "cases_resolved_early": 2685,
    "cases_resolved_on_time": 0,
    "cases_resolved_late": 1,
    "cases_in_progress": 65,
    "cases_in_progress_within": 65,
    "cases_in_progress_overdue": 0,
    "cases_withdrawn": 0,  # third bucket ended in the period
    # Procedure coverage, YTD.
    "procedures_catalogue": 375,
    "procedures_with_cases": 51,
    "procedures_partial_catalogue": 155,
    "procedures_partial_with_cases": 28,
    "procedures_full_catalogue": 220,
    "procedures_full_with_cases": 23,
    "rate_procedures_with_cases": 13.6,
    "rate_procedures_partial": 18.1,
    "rate_procedures_full": 10.4,
    # Online share of cases of DVCTT procedures, period.
    "rate_dvctt_online": 100.0,
    # Digitization and reuse, YTD.
    "rate_with_components": 100.0,
    "rate_with_result_file": 100.0,
    "rate_with_both": 100.0,
    "rate_reuse": 99.87,
    # PAKN, period.
    "pakn_received": 2,
    "pakn_on_time": 2,
    "pakn_late": 0,
    "pakn_in_progress": 0,
    # Resolved early or on time ÷ resolved.
    "rate_on_time": 99.96,
}

# How the period's open and resolved cases split between carried-over and new ones. Not in
# §10 (only the sums are); chosen so a few long land cases are still open from before 15/5.
CARRIED_OVER_OPEN = 5
