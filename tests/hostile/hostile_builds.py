"""Builds of a small folder of documents through the command line, for the hostile-input tests: each test
puts one broken input beside a good document and checks the message, the exit status and that the good
document's page still came out."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from veritex.cli import main

GOOD = "# Good\n\nThe square $x^2$ is fine.\n"
_IDS = itertools.count(1)
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


@dataclass
class Built:
    exit_code: int
    output: str
    site: Path

    def page(self, name: str) -> str:
        return (self.site / name).read_text(encoding="utf-8")


def build_folder(root: Path, files: dict[str, str | bytes], *options: str, good: bool = True,
                 command: str = "build") -> Built:
    """Write `files` (and good.md) under `root/src`, build that folder into `root/site` without running code."""
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    if good:
        (src / "good.md").write_text(GOOD, encoding="utf-8")
    for name, content in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    site = root / "site"
    args = [command, str(src), "-o", str(site), "--no-execute", *options]
    result = CliRunner().invoke(main, args)
    return Built(result.exit_code, result.output, site)


def notebook(cells: list[dict[str, Any]], metadata: dict[str, Any] | None = None) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata or {}, "cells": cells})


def code_cell(outputs: list[dict[str, Any]], source: str = "x") -> dict[str, Any]:
    return {"cell_type": "code", "id": f"c{next(_IDS)}", "metadata": {}, "execution_count": 1, "source": source,
            "outputs": outputs}


def display(data: dict[str, Any], metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"output_type": "display_data", "metadata": metadata or {}, "data": data}
