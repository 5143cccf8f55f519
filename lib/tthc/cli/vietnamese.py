"""argparse in Vietnamese: usage, help and error messages.

argparse marks every text it prints for translation with gettext (``_()`` and ``ngettext()``,
looked up at call time). The standard library ships no Vietnamese catalogue and gettext would
pick a language from the user's locale, so :func:`activate` installs this module's catalogue as a
``gettext`` translation for argparse alone, the way translation packages for argparse do
(i18nparse). A message argparse adds in a later Python keeps its English text until it is added
here; ``tests/test_cli_vietnamese.py`` lists every message of the running Python's argparse and
fails on one without a translation.

Options without a ``metavar`` are shown by their destination in upper case (``--db DB``); the
help formatter writes the Vietnamese names of :data:`METAVARS` instead.
"""

from __future__ import annotations

import argparse
import gettext
from typing import NoReturn

# msgid -> Vietnamese; the %-placeholders stay exactly as argparse fills them.
MESSAGES: dict[str, str] = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số vị trí",
    "options": "tùy chọn",
    "subcommands": "lệnh",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn %(option)s chưa rõ, có thể là %(matches)s"
    ),
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "giá trị %(value)r không hợp lệ (chọn một trong: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (cần %(type)s)",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "not allowed with argument %s": "không dùng cùng với %s",
    "unexpected option string: %s": "tùy chọn không dùng được ở đây: %s",
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị %r",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "không có lệnh %(parser_name)r (chọn một trong: %(choices)s)"
    ),
    'argument "-" with mode %r': 'tham số "-" với chế độ %r',
    # Mistakes in the program's own parser definition, not in what the user typed.
    ".__call__() not defined": ".__call__() chưa được định nghĩa",
    "'required' is an invalid argument for positionals": (
        "không dùng 'required' cho tham số vị trí"
    ),
    "mutually exclusive arguments must be optional": "các tham số loại trừ nhau phải là tùy chọn",
    "%r is not callable": "%r không gọi được",
    "cannot merge actions - two groups are named %r": (
        "không gộp được các tham số: hai nhóm cùng tên %r"
    ),
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "tùy chọn %(option)r không hợp lệ: phải bắt đầu bằng ký tự %(prefix_chars)r"
    ),
    "dest= is required for options like %r": "cần dest= cho tùy chọn dạng %r",
    "invalid conflict_resolution value: %r": "giá trị conflict_resolution không hợp lệ: %r",
    "cannot have multiple subparser arguments": "chỉ được có một nhóm lệnh con",
    "conflicting subparser: %s": "lệnh con trùng tên: %s",
    "conflicting subparser alias: %s": "tên gọi khác của lệnh con bị trùng: %s",
}
# (singular msgid, plural msgid) -> Vietnamese (no plural form in Vietnamese).
PLURALS: dict[tuple[str, str], str] = {
    ("expected %s argument", "expected %s arguments"): "cần %s giá trị",
    ("conflicting option string: %s", "conflicting option strings: %s"): "tùy chọn trùng: %s",
}

# Shown instead of an option's destination in upper case, where no metavar was given.
METAVARS: dict[str, str] = {
    "db": "TỆP",
    "unit": "ĐƠN_VỊ",
    "month": "YYYY-MM",
    "months": "YYYY-MM:YYYY-MM",
    "quarter": "YYYY-Qn",
    "date_from": "YYYY-MM-DD",
    "date_to": "YYYY-MM-DD",
    "out": "THƯ_MỤC",
    "formats": "ĐỊNH_DẠNG",
    "workers": "SỐ",
    "notebook": "NOTEBOOK",
    "profile": "TÊN",
    "seed": "SỐ",
    "city": "THÀNH_PHỐ",
    "scheduler": "ĐỊA_CHỈ",
}


class Catalogue(gettext.NullTranslations):
    """A gettext translation whose catalogue is :data:`MESSAGES` and :data:`PLURALS`."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = PLURALS.get((msgid1, msgid2))
        if found is not None:
            return found
        return msgid1 if n == 1 else msgid2


def activate() -> None:
    """argparse prints Vietnamese from now on (in this process)."""
    catalogue = Catalogue()
    argparse._ = catalogue.gettext  # type: ignore[attr-defined]
    argparse.ngettext = catalogue.ngettext  # type: ignore[attr-defined]


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, naming values in Vietnamese (:data:`METAVARS`)."""

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest.upper())

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest)


class ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser with :class:`HelpFormatter`; its subcommands' parsers are the same."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """One line on stderr, exit 2: what is wrong and where the help is. (argparse prints
        the whole usage first: seven lines for `tthc report` that hide the one that matters.)"""
        self.exit(2, f"{self.prog}: lỗi: {message} (xem '{self.prog} --help')\n")


def positive_int(text: str) -> int:
    """argparse type: a whole number ≥ 1 (its name is what an error message shows)."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


positive_int.__name__ = "số nguyên dương"


def non_negative_int(text: str) -> int:
    """argparse type: a whole number ≥ 0."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


non_negative_int.__name__ = "số nguyên không âm"
