"""Checks on an input file that need no reading, made before anything is written.

:func:`check_input` is what the pipeline calls for every file (the readers' own
:func:`tthc.ingest.readers.check_path` is part of it): a name whose bytes are not UTF-8, a path
the system cannot even look at, something that is not a regular file, no permission to read, a
file above the size cap (:mod:`tthc.ingest.limits`). Each is one Vietnamese line
(:class:`InputFileError`) and the file is not read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tthc.errors import InputFileError, TthcError
from tthc.folders import check_writable_folder, is_utf8, os_reason, shown, too_long_part
from tthc.ingest.limits import MAX_FILE_ENV, max_file_bytes, mb_text, size_past_cap
from tthc.ingest.readers import check_path

# Room left in a 255-byte file name for "<ingest id>-" and ".csv".
_REJECTS_STEM_BYTES = 200


def check_input(path: Path) -> None:
    """Refuse ``path`` before reading it; returns when the file may be read."""
    if not is_utf8(path):
        raise InputFileError(
            f"Tên tệp {shown(path)} có byte không phải UTF-8 (tên đặt trên máy dùng bảng mã "
            "khác): hãy đổi tên tệp rồi nạp lại."
        )
    if too_long_part(path):
        raise InputFileError(
            f"Không đọc được tệp {shown(path)}: tên quá dài so với giới hạn của hệ thống tệp."
        )
    try:
        st = path.stat() if path.exists() else None
        if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            raise InputFileError(
                f"{shown(path)} không phải tệp thường (thiết bị, ống dẫn hoặc socket): không đọc."
            )
        check_path(path)
    except OSError as exc:  # stat failed: a name too long, no access to a folder above
        raise InputFileError(f"Không đọc được tệp {shown(path)}: {os_reason(exc)}.") from exc
    if not os.access(path, os.R_OK):
        raise InputFileError(f"Không đọc được tệp {shown(path)}: không có quyền đọc.")
    cap = max_file_bytes()
    if st is not None and st.st_size > cap:
        raise InputFileError(
            f"Tệp {shown(path.name)} nặng {size_past_cap(st.st_size, cap)}, vượt giới hạn {mb_text(cap)} cho "
            f"một tệp xuất: tách tệp theo khoảng thời gian, hoặc đặt ${MAX_FILE_ENV} để nâng "
            "giới hạn."
        )


def rejects_csv_name(ingest_id: int, path: Path) -> str:
    """``<ingest_id>-<file stem>.csv``, the stem cut (at a letter) to fit a file name."""
    stem = path.stem.encode("utf-8")[:_REJECTS_STEM_BYTES].decode("utf-8", "ignore")
    return f"{ingest_id}-{stem}.csv"


def input_error(path: Path) -> str | None:
    """The message of :func:`check_input` for ``path``, or None when it may be read."""
    try:
        check_input(path)
    except TthcError as exc:
        return str(exc)
    return None


def check_output_folders(db: Path, rejects_dir: Path) -> None:
    """Before an ingest writes anything: the warehouse's folder and the rejects folder can be
    created and written (:class:`tthc.errors.OutputError` otherwise)."""
    check_writable_folder(db.parent, "thư mục kho dữ liệu")
    check_writable_folder(rejects_dir, "thư mục dòng bị loại")
