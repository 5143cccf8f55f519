"""`tthc doctor`: is this machine ready to make reports? One line per check, with the fix.

Checks the python3 kernel (its kernelspec resolves to this environment's interpreter and it
starts), the bundled fonts (present, parse, cover Vietnamese), WeasyPrint with Pango (prints a
PDF/A), python-docx (writes a DOCX with a footnote), the warehouse (opens read-only, schema version, units and latest export date per unit) and
the params (every unit file, its profile, every narrative file, the report notebook).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tthc.errors import TthcError

# Letters a Vietnamese report cannot do without (ơ, ư, đ, stacked tone marks).
VIETNAMESE_SAMPLE = (
    "ĐđƠơƯưẠạẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẾếỀềỂểỄễỆệỈỉỊịỌọỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
)
FONT_FILES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str  # what was found, or what is wrong and how to fix it

    def line(self) -> str:
        return f"{'OK ' if self.ok else 'LỖI'}  {self.name}: {self.detail}"


def _guard(name: str, fn: Callable[[], str]) -> Check:
    """Run one check; a TthcError or any failure becomes a LỖI line, never a traceback."""
    try:
        return Check(name, True, fn())
    except _Fail as exc:
        return Check(name, False, str(exc))
    except TthcError as exc:
        return Check(name, False, str(exc))
    except Exception as exc:
        msg = " ".join(str(exc).split()) or type(exc).__name__
        return Check(name, False, f"{type(exc).__name__}: {msg}")


class _Fail(Exception):
    """A failed check with its one-line fix."""


def check_kernel(kernel_name: str = "python3") -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel as exc:
        raise _Fail(
            f"không có kernel '{kernel_name}'; cài: {sys.executable} -m ipykernel install "
            f"--sys-prefix --name {kernel_name}"
        ) from exc
    exe = spec.argv[0]
    # jupyter_client runs a bare 'python'/'python3' argv with the interpreter it runs in.
    if exe not in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        if Path(exe).resolve() != Path(sys.executable).resolve():
            raise _Fail(
                f"kernelspec {spec.resource_dir} chạy {exe}, không phải {sys.executable}; cài lại: "
                f"{sys.executable} -m ipykernel install --sys-prefix --name {kernel_name}"
            )
    prefix, seconds = _kernel_prefix(kernel_name)
    if Path(prefix).resolve() != Path(sys.prefix).resolve():
        raise _Fail(
            f"kernel chạy trong môi trường {prefix}, không phải {sys.prefix}; cài lại: "
            f"{sys.executable} -m ipykernel install --sys-prefix --name {kernel_name}"
        )
    secs = f"{seconds:.1f}".replace(".", ",")
    return f"{spec.resource_dir} → {sys.executable}, khởi động {secs} s"


def _kernel_prefix(kernel_name: str) -> tuple[str, float]:
    """Start the kernel, ask it for sys.prefix, stop it."""
    from jupyter_core.utils import run_sync

    from tthc.report.execute import WarmKernel

    kernel = WarmKernel(kernel_name, start_timeout=60)
    t0 = time.perf_counter()
    try:
        kernel._start_with_retry()
        seconds = time.perf_counter() - t0
        out: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        async def ask() -> dict:
            return await kernel.kc.execute_interactive(
                "import sys; print(sys.prefix)", store_history=False, timeout=30, output_hook=hook
            )

        run_sync(ask)()
    finally:
        kernel.shutdown()
    return "".join(out).strip(), seconds


def check_fonts() -> str:
    from fontTools.ttLib import TTFont

    from tthc.paths import fonts_dir

    folder = fonts_dir()
    missing = [f for f in FONT_FILES if not (folder / f).exists()]
    if missing:
        raise _Fail(f"thiếu {', '.join(missing)} trong {folder}; cài lại gói tthc (make venv)")
    for name in FONT_FILES:
        font = TTFont(folder / name, lazy=True)
        cmap = font.getBestCmap() or {}
        lacking = [ch for ch in VIETNAMESE_SAMPLE if ord(ch) not in cmap]
        if lacking:
            raise _Fail(
                f"{name} thiếu chữ {''.join(lacking[:8])}: cần Liberation Serif 2.x; cài lại gói tthc"
            )
    return f"{len(FONT_FILES)} tệp Liberation Serif trong {folder}, đủ chữ tiếng Việt"


def check_pdf_engine() -> str:
    try:
        import weasyprint
    except OSError as exc:  # Pango/HarfBuzz shared libraries missing
        raise _Fail(
            f"WeasyPrint không nạp được thư viện hệ thống ({exc}); cài: apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0"
        ) from exc
    from tthc.render.export import PDF_VARIANT

    pdf = weasyprint.HTML(string="<p>Độc lập - Tự do - Hạnh phúc</p>").write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True
    )
    if not pdf or not pdf.startswith(b"%PDF"):
        raise _Fail("WeasyPrint không in được PDF thử; chạy lại 'make venv'")
    return f"WeasyPrint {weasyprint.__version__}, in thử PDF/A được ({len(pdf)} byte)"


def check_docx_engine() -> str:
    import tempfile

    import docx

    from tthc.render import word
    from tthc.render.model import Heading, Paragraph, Run

    blocks = (Heading("I.", "Độc lập"), Paragraph((Run("Tự do"), Run(note="Hạnh phúc"))))
    with tempfile.TemporaryDirectory(prefix="tthc-doctor-") as folder:
        path = word.write_docx(blocks, Path(folder) / "thu.docx", title="Thử", author="")
        text = docx.Document(str(path)).paragraphs[0].text
    if text != "I. Độc lập":
        raise _Fail("python-docx không ghi được DOCX thử; chạy lại 'make venv'")
    return f"python-docx {docx.__version__}, ghi thử DOCX được"


def check_warehouse(db: Path) -> str:
    """Opens read-only, reads every block (a damaged file says how to restore the backup), and
    lists the units with their latest export date and the rolling backup's date."""
    import datetime as dt

    from tthc.schema import SCHEMA_VERSION
    from tthc.warehouse import backup_path, connect, reading, verify

    con = connect(db, read_only=True)
    try:
        verify(con, db)
        with reading(db):
            rows = con.execute(
                "SELECT unit, max(as_of), count(*) FROM ingests GROUP BY unit ORDER BY unit"
            ).fetchall()
            cases = dict(con.execute("SELECT unit, count(*) FROM cases GROUP BY unit").fetchall())
    finally:
        con.close()
    if not rows:
        raise _Fail(f"{db} chưa có dữ liệu nào; chạy 'tthc ingest --unit <đơn vị> <tệp…>'")
    units = "; ".join(
        f"{u} ({cases.get(u, 0)} hồ sơ, số liệu đến {as_of:%d/%m/%Y})"
        if as_of
        else f"{u} ({cases.get(u, 0)} hồ sơ)"
        for u, as_of, _n in rows
    )
    bak = backup_path(db)
    if bak.is_file():
        taken = dt.datetime.fromtimestamp(bak.stat().st_mtime)
        backup = f"bản sao lưu {bak} lúc {taken:%H:%M %d/%m/%Y}"
    else:
        backup = "chưa có bản sao lưu (lần nạp sau sẽ tạo)"
    return f"{db}, lược đồ phiên bản {SCHEMA_VERSION}: {units}; {backup}"


def check_params(base: Path | None = None) -> list[Check]:
    from tthc.paths import params_dir
    from tthc.report.jobs import period_from_key
    from tthc.report.lint import lint_sections
    from tthc.report.narrative import check_issue_date, parse_narrative
    from tthc.stats.profile import load_profile
    from tthc.units import list_units, load_unit

    root = base or params_dir()
    checks: list[Check] = []
    units = list_units(base)
    if not units:
        checks.append(Check("Tham số đơn vị", False, f"không có tệp nào trong {root / 'units'}"))
    for unit in units:

        def one(unit: str = unit) -> str:
            params = load_unit(unit, base)
            profile = load_profile(params.profile, base)
            narr = sorted((root / "narrative" / unit).glob("*.md"))
            lint = 0
            for path in narr:
                period = period_from_key(path.stem, profile.period_rule)  # name = period key
                front, sections = parse_narrative(
                    path.read_text(encoding="utf-8"), path, unit=unit, period_key=path.stem
                )
                check_issue_date(front, period, path)
                lint += len(lint_sections(sections, period))
            note = f" ({lint} cảnh báo nội dung, xem khi chạy 'tthc report')" if lint else ""
            return (
                f"{params.display_name}, bộ quy ước báo cáo '{profile.name}' "
                f"(kỳ {profile.period_rule}), {len(narr)} tệp nội dung{note}"
            )

        checks.append(_guard(f"Tham số {unit}", one))
    orphans = [p.name for p in (root / "narrative").glob("*") if p.is_dir() and p.name not in units]
    if orphans:
        checks.append(
            Check(
                "Nội dung báo cáo",
                False,
                f"thư mục params/narrative/{orphans[0]} không có tệp đơn vị "
                f"params/units/{orphans[0]}.yaml tương ứng",
            )
        )
    return checks


def check_notebook() -> str:
    import nbformat

    from tthc.paths import notebooks_dir
    from tthc.report.jobs import REPORT_NOTEBOOK

    path = notebooks_dir() / REPORT_NOTEBOOK
    if not path.exists():
        raise _Fail(f"không có {path}")
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise _Fail(f"{path.name} cần đúng một ô gắn thẻ 'parameters' (có {len(tagged)})")
    return f"{path}, {len(nb.cells)} ô"


def run_checks(db: Path, *, kernel: bool = True, params_base: Path | None = None) -> list[Check]:
    checks = []
    if kernel:
        checks.append(_guard("Kernel python3", check_kernel))
    checks.append(_guard("Phông chữ", check_fonts))
    checks.append(_guard("WeasyPrint + Pango", check_pdf_engine))
    checks.append(_guard("Kho dữ liệu", lambda: check_warehouse(db)))
    checks.extend(check_params(params_base))
    checks.append(_guard("Notebook báo cáo", check_notebook))
    checks.append(_guard("DOCX (python-docx)", check_docx_engine))
    return checks
