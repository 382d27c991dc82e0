"""Every acceptance document built to LaTeX (and, where xelatex is installed, to PDF): references resolve
to labels, LaTeX numbers the equations as veritex does, and the Chinese text survives into the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_acceptance import ACCEPTANCE, DOCUMENTS

from veritex.builder import build
from veritex.report import Report

XELATEX = shutil.which("xelatex") is not None and shutil.which("latexmk") is not None
pytestmark = [pytest.mark.kernel, pytest.mark.slow]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Path]:
    if not ACCEPTANCE.is_dir():
        pytest.skip("the shared acceptance documents are not beside this checkout")
    work = tmp_path_factory.mktemp("latex-acceptance")
    formats = "latex,pdf" if XELATEX else "latex"
    report = build([ACCEPTANCE / n for n in DOCUMENTS], work / "site", jobs=2, formats=formats)
    return report, work / "site"


def test_every_document_builds_to_latex_with_references_that_resolve(built: tuple[Report, Path]) -> None:
    report, site = built
    for name in DOCUMENTS:
        tex = (site / name).with_suffix(".tex").read_text(encoding="utf-8")
        labels = re.findall(r"\\label\{([^}]+)\}", tex)
        assert len(labels) == len(set(labels)), name
        for target in re.findall(r"\\(?:eq)?ref\{([^}]+)\}", tex):
            assert target in labels, (name, target)
        assert tex.rstrip().endswith(r"\end{document}")
    assert not [i for i in report.items() if "LaTeX could not" in i.message]


@pytest.mark.skipif(not XELATEX, reason="xelatex and latexmk are not installed (make latex)")
def test_every_pdf_is_made_and_keeps_its_chinese_text(built: tuple[Report, Path]) -> None:
    report, site = built
    for name in DOCUMENTS:
        assert (site / name).with_suffix(".pdf").read_bytes().startswith(b"%PDF"), name
    text = subprocess.run(["pdftotext", str(site / "linear_regression_tf.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    for words in ("线性回归", "均方误差损失为", "梯度下降的更新规则是"):
        assert words in text
    assert "(1)" in text and "(2)" in text and "??" not in text
