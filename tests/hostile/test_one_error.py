"""One broken input, one clear message (file, line, column, what to do); the other documents still build
and the exit status says something failed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_builds import PNG, build_folder, code_cell, display, notebook


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    built = build_folder(tmp_path, {"latin1.md": b"# Caf\xe9\n\nsecond line \xff\n"})
    assert built.exit_code == 1
    assert "latin1.md:1:6: error document: the file is not UTF-8 text (byte e9" in built.output
    assert "save it as UTF-8" in built.output and "Traceback" not in built.output
    assert (built.site / "good.html").is_file()


@pytest.mark.parametrize(("width", "shown"), [("50%", 'style="width:50%"'), (320, 'width="320"'),
                                              ("320px", 'width="320"'), ("wide", "<img src=")])
def test_an_image_output_width(tmp_path: Path, width: object, shown: str) -> None:
    cell = code_cell([display({"image/png": PNG, "text/plain": "plot"}, {"image/png": {"width": width}})])
    built = build_folder(tmp_path, {"plot.ipynb": notebook([cell])})
    assert built.exit_code == 0, built.output
    assert shown in built.page("plot.html")


def test_an_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "site").write_text("not a folder")
    built = build_folder(tmp_path, {})
    assert built.exit_code == 1
    assert "the output folder" in built.output and "is a file, not a folder; pass another folder with -o" in built.output
    assert "Traceback" not in built.output


def test_an_output_folder_that_is_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: the file system's refusal is played
        def refuse(self: Path, data: bytes) -> int:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "write_bytes", refuse)
    else:
        site.chmod(0o555)
    try:
        built = build_folder(tmp_path, {"doc.md": "# Doc\n"}, good=False)
    finally:
        site.chmod(0o755)
    assert built.exit_code == 1
    assert "cannot write to the output folder" in built.output and "Permission denied" in built.output
    assert "Traceback" not in built.output


def test_an_nbformat_3_notebook(tmp_path: Path) -> None:
    old = '{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}'
    built = build_folder(tmp_path, {"old.ipynb": old})
    assert built.exit_code == 1
    assert "old.ipynb:1:1: error document: this is an nbformat 3 notebook" in built.output
    assert "jupyter nbconvert --to notebook --nbformat 4 old.ipynb" in built.output
    assert (built.site / "good.html").is_file()


def test_front_matter_errors_point_at_the_key(tmp_path: Path) -> None:
    text = "---\ntitle: Fine\nkernel: python3\ntimeout: soon\ntimout: 5\nseed: -1\n---\n# Doc\n"
    built = build_folder(tmp_path, {"doc.md": text})
    assert built.exit_code == 1
    out = built.output
    assert "doc.md:4:1: error document: front matter `timeout` must be a number of seconds above 0, not 'soon'" in out
    assert "doc.md:5:1: warning document: unknown front-matter key `timout`, ignored; did you mean `timeout`?" in out
    assert "doc.md:6:1: error document: front matter `seed` must be a whole number from 0" in out
    assert (built.site / "good.html").is_file()


def test_a_title_that_is_not_text(tmp_path: Path) -> None:
    built = build_folder(tmp_path, {"doc.md": "---\nseed: 1\ntitle: [1, 2]\n---\n# Heading\n"})
    assert built.exit_code == 1
    assert "doc.md:3:1: error document: front matter `title` must be text" in built.output
    assert "<title>Heading</title>" in built.page("doc.html")  # the default: the first heading


def test_an_alias_bomb_fails_fast(tmp_path: Path) -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    text = "---\n" + "\n".join(levels) + "\ntitle: [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n---\n# Bomb\n"
    began = time.monotonic()
    built = build_folder(tmp_path, {"bomb.md": text})
    assert time.monotonic() - began < 10
    assert built.exit_code == 1
    assert "bomb.md:3:8: error document: the front matter uses a YAML alias (`*a`)" in built.output
    assert "write the value out in full" in built.output
    assert (built.site / "good.html").is_file()


def test_eqref_inside_a_formula_gets_the_prose_syntax(tmp_path: Path) -> None:
    text = "# E\n\n$$ a = b $$ (eq:one)\n\nIn math $x = \\eqref{eq:one}$.\n"
    built = build_folder(tmp_path, {"eq.md": text})
    assert built.exit_code == 1
    assert ("an equation reference cannot go inside a formula: write `\\eqref{eq:one}` (or {eq}`eq:one`) in the "
            "prose, outside the dollar signs") in built.output
    assert "define \\eqref under `macros:`" not in built.output


def test_a_deep_formula_is_never_an_unchecked_recursion_error(tmp_path: Path) -> None:
    deep = "(" * 600 + "x" + ")" * 600
    text = f"# D\n\n$$ f(x) = {deep} $$ (eq:deep)\n\n$$ (a+b)^2 = a^2 + 2ab + b^2 $$ (eq:sq)\n"
    built = build_folder(tmp_path, {"deep.md": text}, command="check")
    assert "RecursionError" not in built.output and "maximum recursion" not in built.output
    assert "verified identity eq:sq" in built.output


def test_a_missing_kernel_hint_is_printed_once(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from veritex.cli import main

    source = tmp_path / "k.md"
    source.write_text("---\nkernel: no-such-kernel\n---\n# K\n\n```python\nprint(1)\n```\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "no-such-kernel" in result.output and result.output.count("jupyter kernelspec list") == 1


def test_a_bug_in_veritex_is_one_error_and_the_build_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from veritex.stages import numbering

    real = numbering.number_equations

    def broken(doc: object) -> None:
        if "victim" in str(getattr(doc, "path", "")):
            raise ZeroDivisionError("planted")
        real(doc)  # type: ignore[arg-type]

    monkeypatch.setattr(numbering, "number_equations", broken)
    files = {"victim.md": "# Victim\n"}
    built = build_folder(tmp_path, files)
    assert built.exit_code == 1
    assert ("victim.md:1:1: error document: veritex failed on this document (ZeroDivisionError: planted); "
            "this is a bug in veritex; please report it (run with --debug to see the traceback)") in built.output
    assert "Traceback" not in built.output and (built.site / "good.html").is_file()
    debug = build_folder(tmp_path / "again", files, "--debug")
    assert "Traceback (most recent call last)" in debug.output and "ZeroDivisionError: planted" in debug.output


def test_lexers_load_safely_from_two_threads() -> None:
    """Fresh interpreters (nothing of Pygments loaded yet) highlight from eight threads at once, many times."""
    script = (
        "import threading\nfrom veritex.writers.highlight import _highlight\nerrors = []\n"
        "def go(lang):\n    try:\n        _highlight('x = 1\\n', lang)\n"
        "    except Exception as exc:\n        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=go, args=(l,)) for l in ['python', 'text', 'rust', 'c', 'js', "
        "'bash', 'yaml', 'json'] * 2]\n[t.start() for t in threads]\n[t.join() for t in threads]\n"
        "assert not errors, errors\n"
    )
    for _ in range(3):
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
