"""`tthc render` refuses what it is given in one Vietnamese line, exit 2 (input), with the
library's English in the technical log only; what it wrote is named by file."""

from __future__ import annotations

from pathlib import Path

from tthc.cli import main


def test_a_file_that_is_not_a_notebook(tmp_path: Path, capsys, monkeypatch) -> None:
    log = tmp_path / "tthc.log"
    monkeypatch.setenv("TTHC_LOG", str(log))
    text = tmp_path / "README.md"
    text.write_text("# not a notebook\n", encoding="utf-8")
    assert main(["render", str(text)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"Lỗi: {text} không phải notebook hợp lệ (tệp .ipynb do 'tthc report' ghi); chi tiết kỹ "
        f"thuật ở {log}.\n"
    )
    assert "JSON" in log.read_text(encoding="utf-8")  # nbformat's own words, kept for a developer


def test_a_misspelt_format_gets_the_closest(tmp_path: Path, capsys) -> None:
    assert main(["render", str(tmp_path / "report.ipynb"), "--formats", "pfd"]) == 2
    assert capsys.readouterr().err == (
        "Lỗi: Định dạng 'pfd' không xuất lại được: chọn html, pdf, docx. Có phải 'pdf'?\n"
    )
    assert main(["render", str(tmp_path / "none.ipynb")]) == 2
    assert capsys.readouterr().err == f"Lỗi: Không tìm thấy notebook {tmp_path / 'none.ipynb'}.\n"
