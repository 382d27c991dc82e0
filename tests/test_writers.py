"""Output formats: the writer registry, `--to` with several formats, one stamp per (document, format),
the JSON writer against its schema, and a format added by another package through an entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from veritex.builder import build
from veritex.cli import main
from veritex.model import Document
from veritex.writers.base import Finishing, Preparing, WriteContext, Writer
from veritex.writers.builtin import HtmlWriter, JsonWriter
from veritex.writers.json_model import SCHEMA, SCHEMA_FILE, document_json
from veritex.writers.registry import BUILTIN, ENTRY_POINT_GROUP, UnknownFormat, get_writer, parse_formats

ROOT = Path(__file__).resolve().parents[1]

PROSE = r"""---
title: Formats
macros:
  \norm: "\\lVert #1 \\rVert"
---

# Formats

Inline $\norm{w}$ and a table:

| a | b |
|:-|-:|
| 1 | $x$ |

$$
y = 2x
$$ (eq:double)

See {eq}`eq:double` and {eval}`1 + 1`.

- one
- two
"""

RUN = PROSE + r"""
```python
import veritex as vt
print("hello")
vt.expect(2 + 2, equals=4)
```

```python
raise ValueError("boom")
```
"""


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_built_in_writers_are_known_without_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from veritex.writers import registry

    def no_scan() -> dict[str, Any]:
        raise AssertionError("a built-in format was looked up among the entry points")

    monkeypatch.setattr(registry, "_entry_points", no_scan)
    get_writer.cache_clear()
    for name in ("html", "json"):
        writer = get_writer(name)
        assert isinstance(writer, Writer) and writer.name == name
    assert (get_writer("html").suffix, get_writer("json").suffix) == (".html", ".json")
    # The optional hooks: the HTML writer prepares while code runs and writes a contents page at the end.
    assert isinstance(HtmlWriter(), Preparing) and isinstance(HtmlWriter(), Finishing)
    assert not isinstance(JsonWriter(), Preparing | Finishing)


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(UnknownFormat, match="unknown output format 'docx'; formats: .*html, .*ipynb, json, latex, pdf"):
        get_writer("docx")
    assert parse_formats("html, json,html") == ("html", "json") and parse_formats("") == ("html",)
    assert parse_formats(["json", "html,json"]) == ("json", "html")


def test_pyproject_declares_the_built_in_writers() -> None:
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert set(declared) == set(BUILTIN)
    assert declared["html"].endswith(":HtmlWriter") and declared["json"].endswith(":JsonWriter")


def test_two_formats_and_a_stamp_per_format(tmp_path: Path) -> None:
    src = tmp_path / "doc.md"
    src.write_text(PROSE)
    site = tmp_path / "site"
    (first,) = build([src], site, execute=False).documents
    page = site / "doc.html"
    assert first.outputs == {"html": [page]} and not (site / "doc.json").exists()
    page_time = page.stat().st_mtime_ns

    (second,) = build([src], site, execute=False, formats="html,json").documents
    assert not second.skipped and second.outputs == {"html": [page], "json": [site / "doc.json"]}
    assert page.stat().st_mtime_ns == page_time  # up to date: not written again
    json_time = (site / "doc.json").stat().st_mtime_ns

    (third,) = build([src], site, execute=False, formats=["html", "json"]).documents
    assert third.skipped and set(third.outputs) == {"html", "json"}
    (only_json,) = build([src], site, execute=False, formats="json").documents
    assert only_json.skipped and only_json.output == site / "doc.json"
    assert (site / "doc.json").stat().st_mtime_ns == json_time

    src.write_text(PROSE.replace("a table", "an edited table"))
    (edited,) = build([src], site, execute=False, formats="html,json").documents
    assert not edited.skipped
    assert page.stat().st_mtime_ns != page_time and (site / "doc.json").stat().st_mtime_ns != json_time
    assert "an edited table" in page.read_text() and "an edited table" in (site / "doc.json").read_text()


def test_a_format_written_by_someone_else_is_written_again(tmp_path: Path) -> None:
    src = tmp_path / "doc.md"
    src.write_text(PROSE)
    site = tmp_path / "site"
    build([src], site, execute=False, formats="html,json")
    (site / "doc.json").write_text("{}")
    (again,) = build([src], site, execute=False, formats="html,json").documents
    assert not again.skipped and json.loads((site / "doc.json").read_text())["schema"] == SCHEMA


def test_cli_to_lists_every_output_and_refuses_an_unknown_format(tmp_path: Path) -> None:
    src = tmp_path / "doc.md"
    src.write_text(PROSE)
    runner = CliRunner()
    site = tmp_path / "site"
    result = runner.invoke(main, ["build", str(src), "-o", str(site), "--no-execute", "--to", "html,json"])
    assert result.exit_code == 0, result.output
    assert f"  {site / 'doc.html'}" in result.output and f"  {site / 'doc.json'}" in result.output
    result = runner.invoke(main, ["build", str(src), "-o", str(site), "--no-execute", "--to", "json", "--json"])
    record = json.loads(result.output.strip().splitlines()[-1])
    assert record["skipped"] and record["outputs"] == {"json": [str(site / "doc.json")]}
    result = runner.invoke(main, ["build", str(src), "-o", str(site), "--to", "html,docx"])
    assert result.exit_code == 2 and "unknown output format 'docx'" in result.output
    assert not (site / "doc.docx").exists()


def test_json_of_a_prose_document_holds_the_model(tmp_path: Path) -> None:
    src = tmp_path / "doc.md"
    src.write_text(PROSE)
    build([src], tmp_path / "site", execute=False, formats="json")
    data = json.loads((tmp_path / "site" / "doc.json").read_text())
    _validator().validate(data)
    assert data["schema"] == SCHEMA and data["title"] == "Formats"
    assert data["front_matter"]["macros"] == {"\\norm": "\\lVert #1 \\rVert"}
    (cell,) = data["cells"]
    types = [block["type"] for block in cell["body"]]
    assert types == ["heading", "paragraph", "table", "math_block", "paragraph", "bullet_list"]
    equation = cell["body"][3]["math"]
    assert equation == {"type": "math", "tex": "y = 2x", "display": True, "position": {"line": 16, "column": 1},
                        "label": "eq:double", "tag": None, "number": 1}
    reference = cell["body"][4]["children"][1]
    assert reference["type"] == "reference" and reference["resolved"] == {"label": "eq:double", "number": 1,
                                                                          "tag": None}
    assert cell["body"][2]["head"][0]["cells"][1]["align"] == "right"
    assert "katex" not in json.dumps(data)  # the model holds no markup


@pytest.mark.kernel
def test_json_of_a_run_document_validates_against_its_schema(tmp_path: Path) -> None:
    src = tmp_path / "run.md"
    src.write_text(RUN)
    report = build([src], tmp_path / "site", formats="json")
    data = json.loads((tmp_path / "site" / "run.json").read_text())
    validator = _validator()
    validator.validate(data)
    hello, boom = (c for c in data["cells"] if c["type"] == "code")
    assert {"output_type": "stream", "name": "stdout", "text": "hello\n"} in hello["outputs"]
    assert [(i["kind"], i["status"]) for i in hello["items"]] == [("expect", "verified")]
    assert boom["outputs"][0]["output_type"] == "error" and boom["outputs"][0]["ename"] == "ValueError"
    assert [(i["kind"], i["status"]) for i in boom["items"]] == [("cell", "error")]
    assert len(data["items"]) == len(report.documents[0].items)
    value = next(n for n in data["cells"][0]["body"][4]["children"] if n["type"] == "inline_eval")
    assert value["value"] == {"text/plain": "2"}

    data["cells"][0]["body"][0]["type"] = "chapter"  # a node type the schema does not know
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)


def test_json_of_every_example_validates(tmp_path: Path) -> None:
    """Markdown and notebooks, English and Chinese prose."""
    report = build([ROOT / "examples"], tmp_path / "site", execute=False, formats="json")
    validator = _validator()
    written = [path for doc in report.documents for path in doc.outputs["json"]]
    assert len(written) == len(report.documents) >= 3
    for path in written:
        data = json.loads(path.read_text(encoding="utf-8"))
        validator.validate(data)
        assert data["cells"] and data["title"]
    notebook = json.loads((tmp_path / "site" / "softmax_numpy.json").read_text())
    assert notebook["source"]["format"] == "ipynb"
    assert any(c["type"] == "code" for c in notebook["cells"])
    assert all("cell" in c["position"] for c in notebook["cells"])


def test_writers_write_through_the_context(tmp_path: Path) -> None:
    from veritex.readers import read

    src = tmp_path / "doc.md"
    src.write_text(PROSE)
    doc: Document = read(src)
    context = WriteContext(output=tmp_path / "out" / "doc.json", outdir=tmp_path / "out",
                           assets_root=tmp_path / "out", cache_root=tmp_path / "cache")
    assert JsonWriter().write(doc, context) == [context.output]
    assert json.loads(context.output.read_text()) == json.loads(json.dumps(document_json(doc), default=str))
    page = WriteContext(output=tmp_path / "out" / "doc.html", outdir=tmp_path / "out",
                        assets_root=tmp_path / "out", cache_root=tmp_path / "cache")
    assert HtmlWriter().write(doc, page) == [page.output] and "katex" in page.output.read_text()


PLUGIN = '''
"""A format from another package: an outline of the document's headings and numbered formulas."""

from pathlib import Path

from veritex.model import Heading, MathBlock, walk


class OutlineWriter:
    name = "outline"
    suffix = ".outline.txt"

    def write(self, document, context):
        lines = [document.title.upper()]
        for cell in document.markdown_cells():
            for node in walk(cell.body):
                if isinstance(node, Heading):
                    lines.append("#" * node.level + " " + node.text)
                elif isinstance(node, MathBlock):
                    lines.append(f"({node.math.number}) {node.math.tex}")
        context.output.parent.mkdir(parents=True, exist_ok=True)
        context.output.write_text("\\n".join(lines) + "\\n")
        return [context.output]
'''


def test_a_writer_from_an_entry_point(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    (plugins / "veritex_outline-0.1.dist-info").mkdir(parents=True)
    (plugins / "veritex_outline.py").write_text(PLUGIN)
    (plugins / "veritex_outline-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: veritex-outline\nVersion: 0.1\n")
    (plugins / "veritex_outline-0.1.dist-info" / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\noutline = veritex_outline:OutlineWriter\n")
    src = tmp_path / "doc.md"
    src.write_text(PROSE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugins), str(ROOT / "src")])}
    program = "import sys; from veritex.cli import main; sys.argv[0] = 'veritex'; main()"

    def veritex(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", program, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)

    done = veritex("build", "doc.md", "-o", "site", "--no-execute", "--to", "outline,html")
    assert done.returncode == 0, done.stderr
    outline = tmp_path / "site" / "doc.outline.txt"
    assert outline.read_text() == "FORMATS\n# Formats\n(1) y = 2x\n"
    assert (tmp_path / "site" / "doc.html").is_file() and str(Path("site") / "doc.outline.txt") in done.stdout
    again = veritex("build", "doc.md", "-o", "site", "--no-execute", "--to", "outline", "--json")
    assert json.loads(again.stdout.strip().splitlines()[-1])["skipped"]

    refused = veritex("build", "doc.md", "-o", "site", "--to", "outlines")
    listed = refused.stderr.split("formats: ", 1)[-1].strip().split(", ")
    assert refused.returncode == 2 and {"html", "json", "outline"} <= set(listed) and listed == sorted(listed)

