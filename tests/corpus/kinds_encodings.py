"""Encodings (issue 13, item 1): the case list in every byte form Vietnamese offices produce,
and in forms that are not Vietnamese at all.

Read kinds check the warehouse holds the three cases with their Vietnamese text as Unicode
(:func:`corpus.kinds_csv.same_cases`): a file read with its names still in TCVN3 would make each
procedure its own row of the official table beside the real one. Text that no encoding makes
Vietnamese (Chinese, Japanese, a column mixing two legacy encodings) is refused, never stored as
mojibake.
"""

from __future__ import annotations

import unicodedata

from corpus.framework import CASE_HEADER, CASE_ROWS, Run, Workspace, kind, read, refused
from corpus.kinds_csv import CASES, TITLE, same_cases, table
from tthc.ingest.legacy import to_tcvn3, to_vni

UNKNOWN_ENCODING = r"bảng mã không nhận ra"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: ă â ê ô ơ ư đ precomposed where the code
    page has them, tone marks as combining characters after the letter."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def as_cp1252(text: str) -> str:
    """UTF-8 text shown as Windows-1252 and saved again ('Đăng' -> 'Ä\u0090Äƒng'): the five
    bytes the code page leaves undefined stay C1 controls, as Windows passes them."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def encoded(name: str, doc: str, data, outcome=None, decided: tuple[str, ...] = (),
            file: str = "ho-so.csv", cases: list[tuple] | None = CASES) -> None:  # fmt: skip
    """A kind whose file is the bytes ``data`` (or ``data(w)``): by default read as the three
    cases with ``decided`` recorded in the ledger."""

    def build(w: Workspace) -> Run:
        content = data(w) if callable(data) else data
        if outcome is None and cases is not None:
            same_cases(w, cases)
        return w.ingest(w.write(file, content))

    kind(name, "encodings", outcome or read(rows=3, decided=decided), doc)(build)


def legacy_xlsx(convert, header_too: bool = True, rows=None):
    """The case list as an xlsx whose cells were typed in a legacy font (``convert``)."""

    def build(w: Workspace) -> bytes:
        import xlsxwriter

        path = w.path("build.xlsx")
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("DS")
        head = [[t] for t in TITLE] + [CASE_HEADER]
        for r, row in enumerate(head):
            ws.write_row(r, 0, [convert(v) if header_too else v for v in row])
        for r, row in enumerate(rows or CASE_ROWS, start=len(head)):
            ws.write_row(r, 0, [convert(v) if c in (2, 3) else v for c, v in enumerate(row)])
        wb.close()
        data = path.read_bytes()
        path.unlink()
        return data

    return build


TEXT = table(title=TITLE)

# --- UTF-16 ------------------------------------------------------------------------------------

encoded("enc-utf16le-bom", "UTF-16 little-endian with its byte-order mark ('Unicode' CSV)",
        TEXT.encode("utf-16"))  # fmt: skip
encoded("enc-utf16be-bom", "UTF-16 big-endian with its byte-order mark",
        b"\xfe\xff" + TEXT.encode("utf-16-be"))  # fmt: skip
encoded("enc-utf16le-no-bom", "UTF-16 little-endian without a byte-order mark",
        TEXT.encode("utf-16-le"))  # fmt: skip
encoded("enc-utf16be-no-bom", "UTF-16 big-endian without a byte-order mark",
        TEXT.encode("utf-16-be"))  # fmt: skip
encoded("enc-utf16-tab-delimited", "Excel's 'Unicode Text' (UTF-16 LE, BOM, TAB-separated) "
        "saved under a .csv name", table(sep="\t", title=TITLE).encode("utf-16"))  # fmt: skip
encoded("enc-utf16le-odd-byte-count", "UTF-16 LE whose last byte is missing (a download cut "
        "one byte short): refused as a damaged file, no half-character stored",
        TEXT.encode("utf-16")[:-1], refused(r"UTF-16.*số byte lẻ"))  # fmt: skip

# --- 8-bit Vietnamese encodings -------------------------------------------------------------

encoded("enc-cp1258-csv", "Windows-1258 bytes with tone marks as combining characters (CSV "
        "saved by Excel on Vietnamese Windows): read as Unicode, precomposed",
        cp1258(TEXT), decided=("encoding",))  # fmt: skip
encoded("enc-tcvn3-csv", "title, header and names typed in TCVN3 (.VnTime) and saved as CSV "
        "bytes", to_tcvn3(TEXT).encode("latin-1"), decided=("encoding",))  # fmt: skip
encoded("enc-vni-csv", "title, header and names typed in VNI-Times and saved as CSV bytes",
        to_vni(TEXT).encode("cp1252"), decided=("encoding",))  # fmt: skip
encoded("enc-tcvn3-xlsx-cells", "an xlsx whose title, header and name and status cells are "
        "TCVN3 text (typed with .VnTime)", legacy_xlsx(to_tcvn3),
        decided=("legacy_head", "legacy_column"), file="ho-so.xlsx")  # fmt: skip
encoded("enc-vni-xlsx-cells", "an xlsx whose title, header and name and status cells are VNI "
        "text", legacy_xlsx(to_vni), decided=("legacy_head", "legacy_column"),
        file="ho-so.xlsx")  # fmt: skip
encoded("enc-mixed-unicode-and-tcvn3-column", "a name column where one cell was pasted from a "
        ".VnTime document and the others are Unicode: that cell is converted",
        legacy_xlsx(lambda v: to_tcvn3(v) if v == CASE_ROWS[1][2] else v, header_too=False),
        decided=("legacy_column",), file="ho-so.xlsx")  # fmt: skip
encoded("enc-tcvn3-and-vni-in-one-column", "a name column with one cell in TCVN3 and another in "
        "VNI: which is which cannot be told; refused naming the column and Unikey",
        legacy_xlsx(lambda v: to_tcvn3(v) if v == CASE_ROWS[0][2] else to_vni(v)
                    if v == CASE_ROWS[1][2] else v, header_too=False),
        refused(r'cột "Tên thủ tục hành chính" có chữ viết bằng bảng mã cũ.*Unikey'),
        file="ho-so.xlsx")  # fmt: skip

# --- not Vietnamese, or Vietnamese garbled once more ---------------------------------------------

encoded("enc-gbk-refused", "a Chinese case list in GBK: decodes in Windows-1258 too, but reads "
        "as no Vietnamese; refused, not stored as mojibake",
        "\r\n".join(["案件清单", "编号,日期,状态", "A1,2026-06-02,完成", ""]).encode("gbk"),
        refused(UNKNOWN_ENCODING))  # fmt: skip
encoded("enc-shift-jis-refused", "a Japanese list in Shift-JIS: refused as not Vietnamese",
        "\r\n".join(["案件一覧表", "番号,受付日,状態", "A1,2026-06-02,完了", ""]).encode("shift_jis"),
        refused(UNKNOWN_ENCODING))  # fmt: skip
encoded("enc-utf8-read-as-cp1252-csv", "UTF-8 text once opened as Windows-1252 and saved again "
        "as UTF-8 ('Ä\u0090Äƒng kÃ½'): header and names repaired",
        "\r\n".join([*TITLE, as_cp1252(",".join(CASE_HEADER)),
                     *(",".join([r[0], r[1], as_cp1252(r[2]), as_cp1252(r[3]), r[4]]) for r in CASE_ROWS),
                     ""]).encode("utf-8"), decided=("legacy_head", "legacy_column"))  # fmt: skip
encoded("enc-utf8-read-as-cp1252-xlsx", "the same double-encoded names in xlsx cells",
        legacy_xlsx(as_cp1252, header_too=False), decided=("legacy_column",),
        file="ho-so.xlsx")  # fmt: skip
encoded("enc-utf8-nfd", "UTF-8 in decomposed form (NFD, as macOS writes names): header found, "
        "names stored precomposed", unicodedata.normalize("NFD", TEXT).encode("utf-8"))  # fmt: skip
encoded("enc-utf8-with-one-cp1258-row", "a UTF-8 file where one row was pasted from a "
        "Windows-1258 file: the bytes of that row are not UTF-8",
        TEXT.encode().replace(CASE_ROWS[1][2].encode(), cp1258(CASE_ROWS[1][2])),
        refused(r"tệp viết bằng UTF-8 nhưng dòng 7 có byte không phải UTF-8"))  # fmt: skip
encoded("enc-utf8-bom-with-invalid-bytes", "a UTF-8 file with a byte-order mark and a byte that "
        "is not UTF-8 inside a name", b"\xef\xbb\xbf" + TEXT.encode().replace(
            "Chứng thực".encode(), b"Ch\xff\xfeng th\xe1c"),
        refused(r"tệp viết bằng UTF-8 nhưng dòng 7 có byte không phải UTF-8"))  # fmt: skip
encoded("enc-nul-bytes-in-cell", "a few NUL bytes inside a name (a C string written whole): "
        "not UTF-16; the NULs are removed",
        TEXT.encode("utf-8").replace("bản sao".encode(), "bản\x00\x00 sao".encode()))  # fmt: skip
