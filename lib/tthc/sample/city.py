"""The sample city (``tthc sample --city hai-phong --units N``): An Trường and N−1 communes.

Writes, as a province-level system exports them, one file per kind for all the units, each
with a unit column, and the params that go with them:

- ``hai-phong-danh-muc-tthc.csv``: every unit's catalogue (the sample's 375 procedures), unit
  column "Mã đơn vị" (the units' mã ĐVHC);
- ``hai-phong-ho-so-2026-01-01_2026-06-14.csv``: every unit's cases received 01/01–14/06/2026
  and the 2025 cases open on 01/01/2026, unit column "Đơn vị tiếp nhận" ("UBND xã …");
- ``hai-phong-pakn.csv``: every unit's PAKN (most communes have none), unit column "Đơn vị xử
  lý";
- ``params/``: the city (``cities/hai-phong.yaml``), every unit (``units/<slug>.yaml``: An
  Trường's own file, and one per synthetic commune), and the aliases, profiles and An Trường's
  narrative, so that ``TTHC_PARAMS=DIR/params`` is a complete params folder.

An Trường's rows are exactly the single-unit sample's (:func:`tthc.sample.generate` with the
same seed), so its figures are the sample's. The other communes are drawn by
:mod:`tthc.sample.communes`; their names and codes are synthetic.

The files are CSV (UTF-8 with a BOM, title rows above the header, as the province systems'
"Xuất CSV" writes them): a province-wide case list has a few hundred thousand rows, which an
xlsx writer in Python takes minutes to write, while the ingest reads either the same way.
"""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

from tthc.errors import TthcError
from tthc.paths import REPO_ROOT
from tthc.sample import generate
from tthc.sample import targets as T
from tthc.sample.communes import Commune, commune_cases, commune_pakn, draw_commune, new_days
from tthc.sample.procedures import catalogue

CITY = "hai-phong"
DEFAULT_UNITS = 114
CATALOGUE_FILE = f"{CITY}-danh-muc-tthc.csv"
CASES_FILE = f"{CITY}-ho-so-2026-01-01_2026-06-14.csv"
PAKN_FILE = f"{CITY}-pakn.csv"

ISSUER = "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"
SYSTEM = "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÀNH PHỐ"

CASE_HEADERS = (
    "STT", "Đơn vị tiếp nhận", "Mã hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực",
    "Kênh thực hiện", "Trạng thái", "Chủ hồ sơ", "Địa chỉ", "Số điện thoại", "Ngày nhận",
    "Ngày hẹn trả", "Ngày kết thúc xử lý", "Ngày trả kết quả", "Có thành phần hồ sơ số hóa",
    "Có file kết quả", "Tái sử dụng dữ liệu số hóa", "Đơn vị/ cá nhân giải quyết",
)  # fmt: skip
CATALOGUE_HEADERS = (
    "STT", "Mã đơn vị", "Tên đơn vị", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực",
    "Mức độ DVCTT",
)  # fmt: skip
PAKN_HEADERS = (
    "STT", "Đơn vị xử lý", "Mã PAKN", "Tiêu đề", "Người phản ánh", "Số điện thoại",
    "Ngày tiếp nhận", "Hạn xử lý", "Ngày xử lý", "Trạng thái", "Nguồn",
)  # fmt: skip

# Synthetic commune names: two Sino-Vietnamese syllables common in place names.
FIRST = (
    "An", "Bình", "Cát", "Đại", "Đông", "Gia", "Hà", "Hải", "Hòa", "Hồng", "Hưng", "Kiến",
    "Kim", "Lạc", "Lâm", "Long", "Minh", "Nam", "Ngọc", "Phú", "Phúc", "Quang", "Tân", "Thái",
    "Thanh", "Thịnh", "Tiên", "Trung", "Vĩnh", "Xuân", "Yên", "Quảng",
)  # fmt: skip
SECOND = (
    "Bảo", "Cường", "Đạo", "Định", "Hải", "Hòa", "Hưng", "Lạc", "Lâm", "Lộc", "Minh", "Nghĩa",
    "Phong", "Phú", "Quang", "Sơn", "Thành", "Thắng", "Thịnh", "Thủy", "Tiến", "Trung", "Vinh",
    "Thuận", "Khê", "Lãng", "Xá", "Dương", "Hà", "Châu",
)  # fmt: skip
AN_TRUONG_CODE = "11914"  # params/units/an-truong.yaml (illustrative)


def slugify(name: str) -> str:
    """'Tân Hưng' -> 'tan-hung'."""
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return "-".join(plain.lower().split())


def communes(n: int, rng: np.random.Generator) -> list[Commune]:
    """``n`` − 1 synthetic communes with distinct names, slugs and codes, drawn from ``rng``."""
    pairs = [(a, b) for a in FIRST for b in SECOND if a != b]
    order = rng.permutation(len(pairs))
    names: list[str] = []
    slugs = {T.UNIT}
    for i in order:
        name = " ".join(pairs[int(i)])
        slug = slugify(name)
        if slug in slugs:
            continue
        slugs.add(slug)
        names.append(name)
        if len(names) == n - 1:
            break
    if len(names) < n - 1:
        raise TthcError(f"Mẫu thành phố có tối đa {len(names) + 1} đơn vị (nhận --units {n}).")
    codes = rng.choice(np.arange(10000, 13000), n, replace=False)
    codes = [f"{c:05d}" for c in codes if f"{c:05d}" != AN_TRUONG_CODE][: n - 1]
    kinds = np.where(rng.random(n - 1) < 0.25, "phường", "xã")
    return [
        draw_commune(rng, slugify(name), name, str(kind), code, f"H31.{100 + k}")
        for k, (name, kind, code) in enumerate(zip(names, kinds, codes, strict=True))
    ]


def _dates(values: pd.Series) -> pa.Array:
    """Timestamps as the vendor's text ``dd/mm/yyyy HH:MM:SS`` (:data:`tthc.sample.write.DATE_TEXT`); a missing
    one is an empty cell. From numpy's ISO text, cut and joined in Arrow: strftime, in pandas
    or Arrow, takes seconds for a city's million dates."""
    ts = pd.to_datetime(values).to_numpy(dtype="datetime64[s]")
    iso = pa.array(np.datetime_as_string(ts, unit="s"))  # YYYY-MM-DDTHH:MM:SS or NaT

    def part(start: int, stop: int) -> pa.Array:
        return pc.utf8_slice_codeunits(iso, start, stop)

    text = pc.binary_join_element_wise(
        part(8, 10), "/", part(5, 7), "/", part(0, 4), " ", part(11, 19), ""
    )
    return pc.if_else(pa.array(np.isnat(ts)), "", text)


def _yes_no(values: pd.Series) -> np.ndarray:
    return np.where(values.to_numpy(dtype=bool), "Có", "Không")


def _write_csv(path: Path, title: list[str], headers: tuple[str, ...], columns: list) -> int:
    """Title rows, the header and the columns as CSV (UTF-8 with a BOM); returns data rows.
    Written under a temporary name and renamed, so no reader sees half a file."""
    table = pa.table({h: pa.array(c, pa.string()) for h, c in zip(headers, columns, strict=True)})
    head = io.StringIO()
    w = csv.writer(head, lineterminator="\r\n")
    for line in title:
        w.writerow([line])
    w.writerow([])
    tmp = path.with_name(f".{path.name}.part")
    try:
        with tmp.open("wb") as f:
            f.write(b"\xef\xbb\xbf" + head.getvalue().encode("utf-8"))
            pacsv.write_csv(
                table,
                f,
                pacsv.WriteOptions(quoting_style="needed", quoting_header="needed", eol="\r\n"),
            )
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return table.num_rows


def _range_and_export_time() -> list[str]:
    return [
        f"Từ ngày {T.YTD_START:%d/%m/%Y} đến ngày {T.PERIOD_END:%d/%m/%Y}",
        f"Ngày xuất: {T.EXPORT_AS_OF:%d/%m/%Y %H:%M}",
    ]


def _numbered(n: int) -> list[str]:
    return [str(i) for i in range(1, n + 1)]


def write_city(out_dir: Path, units: int = DEFAULT_UNITS, seed: int = 20260614) -> dict[str, int]:
    """Write the city's three exports and ``params/`` into ``out_dir``: file name -> rows
    (and ``params/units`` -> units). Same seed and N, same bytes."""
    if units < 1:
        raise TthcError(f"--units phải từ 1 trở lên (nhận {units}).")
    an_truong = generate(seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(3)[2])
    others = communes(units, rng)
    days = new_days()
    out_dir.mkdir(parents=True, exist_ok=True)

    # Cases: An Trường's rows as the sample has them, then each commune's.
    frames = [an_truong.cases.assign(_unit="UBND xã An Trường")]
    paknf = [an_truong.pakn.assign(_unit="UBND xã An Trường")]
    for c in others:
        frames.append(commune_cases(c, rng, days).assign(_unit=f"UBND {c.display_name}"))
        paknf.append(commune_pakn(c, rng, days).assign(_unit=f"UBND {c.display_name}"))
    cases = pd.concat(frames, ignore_index=True)
    pakn = pd.concat([f for f in paknf if len(f)], ignore_index=True)

    written: dict[str, int] = {}
    procs = catalogue()
    unit_rows = [(AN_TRUONG_CODE, "UBND xã An Trường")] + [
        (c.code, f"UBND {c.display_name}") for c in others
    ]
    n_cat = len(unit_rows) * len(procs)
    written[CATALOGUE_FILE] = _write_csv(
        out_dir / CATALOGUE_FILE,
        [
            ISSUER,
            SYSTEM,
            "DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ THEO ĐƠN VỊ",
            f"Ngày xuất: {T.CATALOGUE_AS_OF:%d/%m/%Y}",
        ],
        CATALOGUE_HEADERS,
        [
            _numbered(n_cat),
            [code for code, _ in unit_rows for _ in procs],
            [name for _, name in unit_rows for _ in procs],
            [p.code for p in procs] * len(unit_rows),
            [p.name for p in procs] * len(unit_rows),
            [p.field for p in procs] * len(unit_rows),
            [p.level_label for p in procs] * len(unit_rows),
        ],
    )
    written[CASES_FILE] = _write_csv(
        out_dir / CASES_FILE,
        [ISSUER, SYSTEM, "DANH SÁCH HỒ SƠ TIẾP NHẬN", *_range_and_export_time()],
        CASE_HEADERS,
        [
            _numbered(len(cases)),
            cases["_unit"],
            cases["case_code"],
            cases["procedure_code"],
            cases["procedure_name"],
            cases["field"],
            cases["channel"],
            cases["status_label"],
            cases["owner"],
            cases["address"],
            cases["phone"],
            *(_dates(cases[c]) for c in ("received_at", "due_at", "ended_at", "returned_at")),
            *(_yes_no(cases[c]) for c in ("has_components", "has_result_file", "reused_data")),
            cases["handler"],
        ],
    )
    written[PAKN_FILE] = _write_csv(
        out_dir / PAKN_FILE,
        [ISSUER, SYSTEM, "DANH SÁCH PHẢN ÁNH, KIẾN NGHỊ", *_range_and_export_time()],
        PAKN_HEADERS,
        [
            _numbered(len(pakn)),
            pakn["_unit"],
            pakn["pakn_code"],
            pakn["title"],
            pakn["person"],
            pakn["phone"],
            *(_dates(pakn[c]) for c in ("received_at", "due_at", "handled_at")),
            pakn["status_label"],
            pakn["source"],
        ],
    )
    written["params/units"] = write_params(out_dir / "params", others)
    return written


def write_params(base: Path, others: list[Commune]) -> int:
    """The city's params folder: the repository's aliases, profiles, Hải Phòng and An Trường
    (with its narrative), and one unit file per synthetic commune. Returns the units."""
    src = REPO_ROOT / "params"
    if base.exists():
        shutil.rmtree(base)
    for folder in ("aliases", "profiles"):
        shutil.copytree(src / folder, base / folder)
    (base / "cities").mkdir(parents=True)
    shutil.copy2(src / "cities" / f"{CITY}.yaml", base / "cities" / f"{CITY}.yaml")
    (base / "units").mkdir()
    shutil.copy2(src / "units" / f"{T.UNIT}.yaml", base / "units" / f"{T.UNIT}.yaml")
    if (src / "narrative" / T.UNIT).is_dir():
        shutil.copytree(src / "narrative" / T.UNIT, base / "narrative" / T.UNIT)
    for c in others:
        data = {
            "unit": c.slug,
            "name": c.name,
            "unit_type": c.unit_type,
            "place": c.name,
            "city": CITY,
            "code": c.code,
            "profile": "default",
            "signer": {"authority": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": ""},
            "recipients": ["Văn phòng UBND thành phố", "Lưu: VT, TTPVHCC"],
        }
        text = (
            f"# {c.display_name} (synthetic: tthc sample --city {CITY}; not a real commune, "
            "its code is made up). Keys: lib/tthc/units.py.\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        )
        (base / "units" / f"{c.slug}.yaml").write_text(text, encoding="utf-8")
    return len(others) + 1
