"""Vietnam time (UTC+7, no daylight saving) for timestamps people and programs read.

The warehouse stores naive timestamps that mean Vietnam local time (``tthc.schema``); anything
written out (the manifest) carries the offset explicitly, ISO 8601 with ``+07:00``, so that no
reader has to guess whether a time is UTC, the host's zone or Vietnam's.
"""

from __future__ import annotations

import datetime as dt

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


def now_vn() -> dt.datetime:
    """The current time in Vietnam, aware, to the second."""
    return dt.datetime.now(VN_TZ).replace(microsecond=0)


def iso_vn(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the +07:00 offset: a naive warehouse timestamp is read as Vietnam time,
    an aware one is converted; None stays None."""
    if value is None:
        return None
    aware = value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)
    return aware.isoformat(timespec="seconds")
