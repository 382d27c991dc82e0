"""Bounded output (per output, per page, the full output kept in the cache), temporary files a killed build
left, files that travel with the page, and inputs that used to pass without a word."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from hostile_builds import PNG, build_folder, code_cell, display, notebook

from veritex.readers.front_matter import readme_table


def _stream(text: str) -> dict[str, object]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_a_huge_output_is_cut_with_a_note(tmp_path: Path) -> None:
    big = "line of output\n" * 200_000  # 3 MB
    cells = [code_cell([_stream(big)]), code_cell([display({"text/plain": "small", "text/html": "<b>ok</b>"})])]
    built = build_folder(tmp_path, {"big.ipynb": notebook(cells)})
    assert built.exit_code == 0, built.output
    page = built.page("big.html")
    assert len(page) < 2.5 * 1024**2  # 2 MB of the output, and the note
    assert "output truncated: 2.9 MiB, over the limit of 2.0 MiB per output (`max_output_size`)" in page
    assert "<b>ok</b>" in page  # the next output is shown
    assert (built.site / "good.html").is_file()


def test_the_limits_come_from_the_front_matter_and_the_command_line(tmp_path: Path) -> None:
    cells = [code_cell([_stream("x" * 5000)]), code_cell([_stream("y" * 5000)])]
    meta = {"veritex": {"max_output_size": "4K"}}
    built = build_folder(tmp_path, {"nb.ipynb": notebook(cells, meta)}, good=False)
    page = built.page("nb.html")
    assert page.count("per output (`max_output_size`)") == 2 and "x" * 4096 in page and "x" * 4097 not in page
    built = build_folder(tmp_path / "b", {"nb.ipynb": notebook(cells)}, "--max-page-size", "6K", good=False)
    page = built.page("nb.html")
    assert "x" * 5000 in page and "y" * 1144 in page and "y" * 1145 not in page  # 6 KiB in all
    assert "of outputs per page (`max_page_size`)" in page


def test_the_full_output_stays_in_the_cache(tmp_path: Path) -> None:
    """A cut output is cut only in the page: the document model (the JSON format) keeps all of it."""
    cells = [code_cell([_stream("z" * 5000)])]
    built = build_folder(tmp_path, {"nb.ipynb": notebook(cells, {"veritex": {"max_output_size": "1K"}})},
                         "--to", "html,json", good=False)
    model = json.loads((built.site / "nb.json").read_text(encoding="utf-8"))
    assert "z" * 5000 in json.dumps(model)
    assert "z" * 1025 not in built.page("nb.html")


def test_temporary_files_a_killed_build_left_are_removed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    stale, fresh = site / "sub" / ".page.html.abc123.tmp", site / ".other.html.def456.tmp"
    stale.write_bytes(b"x" * 1000)
    fresh.write_bytes(b"y")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    built = build_folder(tmp_path, {})
    assert built.exit_code == 0
    assert not stale.exists()
    assert fresh.exists()  # young: it may belong to a build running now


def test_local_images_travel_with_the_page(tmp_path: Path) -> None:
    import base64

    image = base64.b64decode(PNG)
    text = ("# Files\n\n![plot](../img/plot.png)\n\n<img src=\"raw.png\">\n\nMissing ![gone](nothere.png).\n\n"
            "Outside ![x](../../secret.png) and remote ![r](https://example.com/a.png).\n")
    (tmp_path / "secret.png").write_bytes(image)
    built = build_folder(tmp_path, {"sub/page.md": text, "img/plot.png": image, "sub/raw.png": image})
    assert built.exit_code == 1
    assert (built.site / "img" / "plot.png").read_bytes() == image
    assert (built.site / "sub" / "raw.png").read_bytes() == image
    assert "page.md:7:1: error document: `nothere.png` is not found" in built.output
    assert "page.md:9:1: error document: `../../secret.png` is outside the project folder" in built.output
    assert not list(built.site.rglob("secret.png"))  # not taken along
    assert (built.site / "good.html").is_file()


def test_a_changed_image_is_copied_again(tmp_path: Path) -> None:
    build_folder(tmp_path, {"doc.md": "# D\n\n![p](p.png)\n", "p.png": b"one"}, good=False)
    assert (tmp_path / "site" / "p.png").read_bytes() == b"one"
    (tmp_path / "src" / "p.png").write_bytes(b"two!")
    build_folder(tmp_path, {}, good=False)
    assert (tmp_path / "site" / "p.png").read_bytes() == b"two!"


def test_notebook_attachments_are_inlined(tmp_path: Path) -> None:
    cell = {"cell_type": "markdown", "id": "m1", "metadata": {},
            "source": "# N\n\n![plot](attachment:plot.png)\n\n![gone](attachment:gone.png)\n",
            "attachments": {"plot.png": {"image/png": PNG}}}
    built = build_folder(tmp_path, {"nb.ipynb": notebook([cell])})
    assert built.exit_code == 1
    assert f'<img src="data:image/png;base64,{PNG}" alt="plot" />' in built.page("nb.html")
    assert "nb.ipynb:cell 1:1:1: error document: the attachment `gone.png` is not among the cell's attachments" \
        in built.output


def test_silent_inputs_are_warned_about(tmp_path: Path) -> None:
    files = {"empty.md": "", "eval.md": "# V\n\nValue {eval}`x + 1` here.\n",
             "unclosed.md": "# U\n\n$$\na + b\n\n## Later heading\n\nMore text with $y$.\n"}
    built = build_folder(tmp_path, files)
    assert built.exit_code == 0
    assert "empty.md:1:1: warning document: the document is empty" in built.output
    assert "eval.md:3:7: warning eval: {eval}`x + 1` has no code to take its value from" in built.output
    assert "unclosed.md:3:1: warning math: a `$$` that is never closed" in built.output
    page = built.page("unclosed.html")
    assert 'id="later-heading">Later heading</h2>' in page and 'class="vt-math"' in page  # not swallowed


def test_the_readme_lists_the_front_matter_keys_of_the_schema() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- front-matter-keys: start -->\n", "<!-- front-matter-keys: end -->"
    assert start in readme and end in readme
    listed = readme.split(start, 1)[1].split(end, 1)[0]
    assert listed == readme_table(), "run: python -c 'from veritex.readers.front_matter import readme_table; " \
                                     "print(readme_table(), end=\"\")' and paste it into the README"
