"""Jobs and files without a kernel: period keys, month ranges, atomic writes, manifests."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc import atomic
from tthc.errors import ParamsError
from tthc.report.jobs import Job, month_range, notebook_period, period_from_key
from tthc.report.manifest import package_versions, read_manifest, sha256_file, write_manifest
from tthc.stats import periods as P

RULES = st.sampled_from(["nd09", "calendar", "day21"])


@st.composite
def any_period(draw) -> P.Period:
    year = draw(st.integers(2000, 2100))
    rule = draw(RULES)
    kind = draw(st.sampled_from(["month", "quarter", "half", "nine_months", "year", "custom"]))
    if kind == "month":
        return P.month_period(year, draw(st.integers(1, 12)), rule)
    if kind == "quarter":
        return P.quarter_period(year, draw(st.integers(1, 4)), rule)
    if kind == "half":
        return P.half_year_period(year, draw(st.integers(1, 2)), rule)
    if kind == "nine_months":
        return P.nine_months_period(year, rule)
    if kind == "year":
        return P.year_period(year, rule)
    start = date(year, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    return P.custom_period(start, start + timedelta(days=draw(st.integers(0, 400))), rule)


@settings(max_examples=300, deadline=None)
@given(any_period())
def test_period_keys_round_trip(period: P.Period) -> None:
    assert period_from_key(period.key, period.rule) == period
    # The notebook's parameter form names the same period too.
    assert period_from_key(notebook_period(period), period.rule) == period


@settings(max_examples=200, deadline=None)
@given(st.integers(2000 * 12, 2100 * 12), st.integers(0, 60))
def test_month_range_is_every_month_once_in_order(first: int, span: int) -> None:
    last = first + span
    spec = f"{first // 12}-{first % 12 + 1:02d}:{last // 12}-{last % 12 + 1:02d}"
    keys = month_range(spec)
    assert len(keys) == span + 1 == len(set(keys))
    assert keys == sorted(keys)
    assert keys[0] == spec.split(":")[0] and keys[-1] == spec.split(":")[1]


@pytest.mark.parametrize("spec", ["2026-06:2026-01", "2026-13:2027-01", "2026-06", "a:b"])
def test_bad_month_ranges(spec: str) -> None:
    with pytest.raises(ParamsError, match="Khoảng tháng"):
        month_range(spec)


def test_bad_period_key() -> None:
    with pytest.raises(ParamsError, match="Kỳ báo cáo 'tháng sáu' không hợp lệ"):
        period_from_key("tháng sáu")


def test_job_is_json_safe() -> None:
    job = Job("an-truong", "2026-06", "/tmp/out", ("ipynb", "pdf"), "/tmp/w.duckdb", True)
    data = json.loads(json.dumps(job.to_json()))
    assert Job.from_json(data) == job
    assert job.folder == Path("/tmp/out/an-truong/2026-06")


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=5000))
def test_atomic_write_leaves_only_the_final_file(tmp_path_factory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("a")
    target = folder / "report.html"
    target.write_bytes(b"old")
    atomic.write_bytes(target, data)
    assert target.read_bytes() == data
    assert os.listdir(folder) == ["report.html"]


def test_atomic_path_failure_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF old")
    with pytest.raises(RuntimeError), atomic.atomic_path(target) as tmp:
        tmp.write_bytes(b"%PDF half")
        assert tmp.parent == tmp_path and tmp.name.startswith(".report.pdf.")
        assert tmp.name.endswith(".tmp.pdf")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"%PDF old"
    assert os.listdir(tmp_path) == ["report.pdf"]


def test_manifest_round_trip_and_hashes(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Độc lập", encoding="utf-8")
    assert sha256_file(tmp_path / "x.txt") == hashlib.sha256("Độc lập".encode()).hexdigest()
    assert read_manifest(tmp_path) is None
    write_manifest(tmp_path, {"status": "ok", "unit": "xã"})
    assert read_manifest(tmp_path) == {"status": "ok", "unit": "xã"}
    (tmp_path / "manifest.json").write_text("{half", encoding="utf-8")
    assert read_manifest(tmp_path) == {"status": "unreadable"}
    assert package_versions()["papermill"]


def test_kernel_that_cannot_start_is_tried_twice_then_named() -> None:
    from tthc.report.execute import KernelStartError, WarmKernel

    kernel = WarmKernel("khong-co-kernel", start_timeout=5)
    launches = []
    original = kernel._launch

    def counting() -> None:
        launches.append(1)
        original()

    kernel._launch = counting
    with pytest.raises(KernelStartError) as err:
        kernel.acquire()
    assert len(launches) == 2
    msg = str(err.value)
    assert msg.startswith("Không khởi động được kernel 'khong-co-kernel' (đã thử lại một lần)")
    assert msg.endswith("Chạy 'tthc doctor' để kiểm tra.") and "\n" not in msg
    assert kernel.km is None


def test_atomic_writes_are_readable_documents(tmp_path: Path) -> None:
    # A report is shared: mkstemp's 0600 must not survive the rename.
    target = tmp_path / "report.html"
    atomic.write_text(target, "<p>x</p>")
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
