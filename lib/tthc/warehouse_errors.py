"""DuckDB's errors in plain Vietnamese: what happened to the warehouse and what to do.

DuckDB's own text ("IO Error: The file … exists, but it is not a valid DuckDB database file!")
is English and technical; the user gets one Vietnamese line, and the original goes to the
technical log (:mod:`tthc.logfile`), whose path the line names.
"""

from __future__ import annotations

from pathlib import Path

from tthc.errors import WarehouseError

# (words in DuckDB's message, lower case) -> what it means for the user. First match wins.
_BY_TEXT: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("not a valid duckdb database",),
        "tệp này không phải kho dữ liệu DuckDB (có thể chọn nhầm tệp)",
    ),
    (("lock",), "kho đang được một tiến trình khác ghi; hãy chờ tiến trình đó kết thúc"),
    (("permission denied",), "không có quyền đọc hoặc ghi tệp kho dữ liệu"),
    (("no space left",), "ổ đĩa đã đầy"),
    (
        ("storage version", "newer version", "older version", "created with"),
        "tệp được tạo bằng một phiên bản DuckDB khác, phiên bản đang cài không đọc được",
    ),
    (("out of memory", "failed to allocate"), "không đủ bộ nhớ để xử lý"),
    (("corrupt", "checksum"), "tệp kho dữ liệu bị hỏng; hãy nạp lại dữ liệu vào một kho mới"),
)
# DuckDB exception class -> meaning, when the text says nothing more specific.
_BY_CLASS: dict[str, str] = {
    "IOException": "không đọc hoặc ghi được tệp kho dữ liệu",
    "PermissionException": "không có quyền thực hiện thao tác này trên kho dữ liệu",
    "CatalogException": "kho dữ liệu thiếu bảng hoặc cột cần dùng (kho khác lược đồ hoặc bị sửa)",
    "BinderException": "kho dữ liệu thiếu bảng hoặc cột cần dùng (kho khác lược đồ hoặc bị sửa)",
    "OutOfMemoryException": "không đủ bộ nhớ để xử lý",
    "ConstraintException": "dữ liệu vi phạm ràng buộc của kho",
    "ConversionException": "một giá trị trong kho không chuyển được sang kiểu cần dùng",
    "TransactionException": "giao dịch với kho dữ liệu bị hủy",
}


def is_duckdb_error(exc: BaseException) -> bool:
    """True for DuckDB's own exceptions (checked by module, so DuckDB need not be imported)."""
    return any(c.__module__.split(".")[0] in ("duckdb", "_duckdb") for c in type(exc).__mro__)


def warehouse_error(exc: BaseException, path: str | Path | None = None) -> WarehouseError:
    """One Vietnamese line for ``exc``, a DuckDB error met on the warehouse at ``path``.

    DuckDB's text and exception class are appended to the technical log.
    """
    from tthc import logfile

    text = str(exc)
    lower = text.lower()
    meaning = next((m for words, m in _BY_TEXT if any(w in lower for w in words)), None)
    if meaning is None:
        meaning = next(
            (_BY_CLASS[c.__name__] for c in type(exc).__mro__ if c.__name__ in _BY_CLASS),
            "kho dữ liệu báo một lỗi không mong đợi",
        )
    where = f"kho dữ liệu {path}" if path else "kho dữ liệu"
    logfile.record(f"Lỗi DuckDB ({where})", f"{type(exc).__name__}: {text}")
    return WarehouseError(
        f"Không dùng được {where}: {meaning}. Chi tiết kỹ thuật ghi trong {logfile.display_path()}."
    )
