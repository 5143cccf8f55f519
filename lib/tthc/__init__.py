"""tthc: the monthly administrative-procedure (TTHC) report workbook."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tthc")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+src"
