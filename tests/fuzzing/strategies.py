"""Hypothesis strategies for exports: each draws ``(file name, bytes)``.

Built from the vocabulary of real exports (headers from the alias table, status and channel
labels, dates in every form the exports use and some they should not), plus hostile text, so
that most examples get past header detection and reach value parsing and the warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import zipfile

from hypothesis import strategies as st

CASE_HEADERS = [
    "Mã hồ sơ", "MaHoSo", "Số hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực",
    "Kênh thực hiện", "Trực tuyến", "Trạng thái", "Ngày tiếp nhận", "Ngày nhận", "Ngày hẹn trả",
    "Ngày gia hạn", "Ngày kết thúc xử lý", "Ngày trả kết quả", "Có thành phần hồ sơ số hóa",
    "Có file kết quả", "Tái sử dụng dữ liệu số hóa", "Có phí", "DuocThanhToanTrucTuyen", "STT",
    "Chủ hồ sơ", "Địa chỉ", "Số điện thoại", "Ghi chú", "Cột lạ", "",
]  # fmt: skip
CATALOGUE_HEADERS = [
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Lĩnh vực",
    "Mức độ DVCTT",
    "Cấp thực hiện",
]
PAKN_HEADERS = ["Mã PAKN", "Ngày tiếp nhận", "Hạn xử lý", "Ngày xử lý", "Trạng thái", "Nguồn"]
REQUIRED = ["Mã hồ sơ", "Ngày nhận"]

LABELS = [
    "Đã trả kết quả", "Đã xử lý xong", "Đang xử lý", "Chờ bổ sung", "Dừng xử lý",
    "Công dân yêu cầu rút hồ sơ", "Không được tiếp nhận", "Mới đăng ký", "10", "4", "7", "0", "99",
    "Trực tuyến", "Trực tiếp", "Bưu chính công ích", "1", "2", "3", "Có", "Không", "x", "X",
    "TRUE", "FALSE", "1.001193", "2.000815", "Tư pháp - Hộ tịch", "Chứng thực", "5 ngày làm việc",
]  # fmt: skip
PLACEHOLDERS = ["", " ", "-", "--", "N/A", "n/a", "chưa có", "Chưa có", "null", "NULL", "0", "#N/A"]
HOSTILE = [
    '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "<script>x</script>",
    "\x00", "a\x00b", "\u2028", "\x85", "\ufeff", "\u202e", "\u200b", "\x1b[31m", '"', '""', "'",
    "a,b", "a;b", "a\tb", "a\nb", "a\r\nb", "\\", "Ð", "ﬁ", "e\u0301", "𝐀", "\ud7ff",
]  # fmt: skip
DATE_FORMATS = [
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%-d/%-m/%Y", "%d-%m-%Y %H:%M", "%d.%m.%Y",
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S+07:00",
    "%Y-%m-%dT%H:%M:%SZ", "%m/%d/%Y", "%d/%m/%y", "%H:%M %d/%m/%Y", "ngày %d tháng %m năm %Y",
    "%Y%m%d", "%d/%m/%Y %I:%M %p",
]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258", "cp1252", "gbk", "latin-1"]


@st.composite
def dates(draw) -> str:
    when = draw(st.datetimes(min_value=dt.datetime(1899, 1, 1), max_value=dt.datetime(2101, 1, 1)))
    return when.strftime(draw(st.sampled_from(DATE_FORMATS)))


def cells() -> st.SearchStrategy[str]:
    return st.one_of(
        dates(),
        st.sampled_from(LABELS),
        st.sampled_from(PLACEHOLDERS),
        st.sampled_from(HOSTILE),
        st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H[0-9]{2}-[0-9]{6}-[0-9]{4}", fullmatch=True),
        st.integers(-(10**12), 10**12).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=20),
        st.builds(lambda c, n: c * n, st.sampled_from("xĐ,\"'"), st.integers(100, 5000)),
    )


@st.composite
def titles(draw) -> list[str]:
    options = [
        "ỦY BAN NHÂN DÂN XÃ AN TRƯỜNG",
        "DANH SÁCH HỒ SƠ TIẾP NHẬN",
        f"Từ ngày {draw(dates())} đến ngày {draw(dates())}",
        f"Ngày xuất: {draw(dates())}",
        draw(st.text(max_size=30)),
        "",
    ]
    return draw(st.lists(st.sampled_from(options), max_size=5))


@st.composite
def table(draw, headers: list[str] = CASE_HEADERS) -> tuple[list[str], list[list[str]], list[str]]:
    """(title lines, header, rows): rows are sometimes ragged."""
    header = draw(st.lists(st.sampled_from(headers), min_size=1, max_size=10, unique=True))
    if draw(st.booleans()):
        header = REQUIRED + [h for h in header if h not in REQUIRED]
    width = len(header)
    ragged = draw(st.booleans())
    row = st.lists(
        cells(),
        min_size=max(0, width - 2) if ragged else width,
        max_size=width + 2 if ragged else width,
    )
    return draw(titles()), header, draw(st.lists(row, max_size=12))


@st.composite
def csv_documents(draw) -> tuple[str, bytes]:
    """A CSV export: titles, header, rows; any delimiter, quoting, line ending and encoding."""
    lines, header, rows = draw(
        table(draw(st.sampled_from([CASE_HEADERS, PAKN_HEADERS, CATALOGUE_HEADERS])))
    )
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    eol = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=eol)
    for line in lines:
        writer.writerow([line])
    writer.writerow(header)
    trailing = draw(st.booleans())
    for row in rows:
        writer.writerow(row + ([""] if trailing else []))
    encoding = draw(st.sampled_from(ENCODINGS))
    return "xuat.csv", buf.getvalue().encode(encoding, errors="replace")


@st.composite
def mutated(draw, source: st.SearchStrategy[tuple[str, bytes]]) -> tuple[str, bytes]:
    """Bytes of ``source`` with a few flips, insertions, deletions or a cut."""
    name, data = draw(source)
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = rng.randrange(len(data))
        op = rng.choice(["flip", "insert", "delete", "cut", "dup"])
        if op == "flip":
            data[at] ^= 1 << rng.randrange(8)
        elif op == "insert":
            data[at:at] = rng.choice(
                [b'"', b"\x00", b"\r", b"\n", b",", b"\xff\xfe", rng.randbytes(4)]
            )
        elif op == "delete":
            del data[at : at + rng.randrange(1, 16)]
        elif op == "cut":
            del data[at:]
        else:
            data[at:at] = data[at : at + rng.randrange(1, 64)]
    return name, bytes(data)


@st.composite
def raw_files(draw) -> tuple[str, bytes]:
    ext = draw(st.sampled_from([".csv", ".xlsx", ".xls", ".xlsm"]))
    head = draw(
        st.sampled_from(
            [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe"]
        )
    )
    return "tep" + ext, head + draw(st.binary(max_size=2048))


@st.composite
def xlsx_documents(draw) -> tuple[str, bytes]:
    """An xlsx written by xlsxwriter: titles (some merged), header, typed cells, extra sheets."""
    import xlsxwriter

    lines, header, rows = draw(
        table(draw(st.sampled_from([CASE_HEADERS, PAKN_HEADERS, CATALOGUE_HEADERS])))
    )
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    fmt = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for s in range(draw(st.integers(1, 3))):
        ws = book.add_worksheet(
            draw(st.sampled_from(["Danh sách", "Sheet1", "DS hồ sơ", "Tổng hợp"])) + str(s)
        )
        r = 0
        for line in lines:
            if draw(st.booleans()):
                ws.merge_range(r, 0, r, max(1, len(header) - 1), line)
            else:
                ws.write_string(r, 0, line)
            r += 1
        ws.write_row(r, 0, header)
        for row in rows:
            r += 1
            for c, value in enumerate(row):
                how = draw(st.sampled_from(["string", "number", "date", "blank", "bool"]))
                if how == "number" and re.fullmatch(r"-?\d{1,15}", value):
                    ws.write_number(r, c, int(value))
                elif how == "date":
                    when = draw(
                        st.datetimes(
                            min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)
                        )
                    )
                    ws.write_datetime(r, c, when, fmt)
                elif how == "blank":
                    ws.write_blank(r, c, None)
                elif how == "bool":
                    ws.write_boolean(r, c, draw(st.booleans()))
                else:
                    ws.write_string(r, c, value[:32767].replace("\x00", ""))
        if draw(st.booleans()):
            ws.hide()
    if len(book.worksheets()) == sum(ws.hidden for ws in book.worksheets()):
        book.worksheets()[0].hidden = False
    book.close()
    return "xuat.xlsx", buf.getvalue()


@st.composite
def xlsx_mutated(draw) -> tuple[str, bytes]:
    """The members of an xlsx changed: removed, cut, bit-flipped, a cell moved to the far corner,
    the dimension stretched, a member duplicated under another name; then zipped again."""
    name, data = draw(xlsx_documents())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    for _ in range(draw(st.integers(1, 3))):
        target = rng.choice(sorted(members))
        op = draw(
            st.sampled_from(["remove", "cut", "flip", "corner", "dimension", "copy", "garbage"])
        )
        body = members[target]
        if op == "remove":
            members.pop(target)
        elif op == "cut":
            members[target] = body[: rng.randrange(len(body) + 1)]
        elif op == "flip" and body:
            at = rng.randrange(len(body))
            members[target] = body[:at] + bytes([body[at] ^ 0xFF]) + body[at + 1 :]
        elif op == "corner":
            members[target] = re.sub(rb'r="[A-Z]+\d+"', b'r="XFD1048576"', body, count=1)
        elif op == "dimension":
            members[target] = re.sub(
                rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', body
            )
        elif op == "copy":
            members[target + ".bak"] = body
        else:
            members[target] = rng.randbytes(rng.randrange(1, 512))
        if not members:
            break
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for member, body in members.items():
            z.writestr(member, body)
    return name, out.getvalue()
