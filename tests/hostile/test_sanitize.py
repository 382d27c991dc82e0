"""The sanitizer's rules without a browser: what is kept, what goes, veritex's own markup untouched, nh3
loaded only for a page with HTML to clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from veritex.readers.markdown import read_markdown
from veritex.stages.numbering import number_equations
from veritex.stages.render_math import render_math
from veritex.writers.html import CONTENT_SECURITY_POLICY, render_page
from veritex.writers.sanitize import clean_html, safe_url


def _page(text: str, tmp_path: Path) -> str:
    doc = read_markdown(text, tmp_path / "doc.md")
    number_equations(doc)
    render_math(doc, None)
    return render_page(doc, "_veritex")


def test_kept_and_removed() -> None:
    cleaned = clean_html(
        '<table class="data"><tr><td style="text-align:right; position:fixed">1</td></tr></table>'
        '<details open><summary>s</summary>body</details><img src="data:image/png;base64,AAAA" alt="a">'
        '<img src="rel/p.png"><a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a>'
        '<iframe src="https://x"></iframe><form><input></form><style>p{}</style><b onclick="x()">b</b>')
    assert '<table class="data"><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>' in cleaned
    assert '<details open=""><summary>s</summary>body</details>' in cleaned
    assert 'src="data:image/png;base64,AAAA"' in cleaned and 'src="rel/p.png"' in cleaned
    assert "javascript" not in cleaned and "data:text" not in cleaned and "iframe" not in cleaned
    assert "form" not in cleaned and "style>" not in cleaned and "onclick" not in cleaned and "<b>b</b>" in cleaned


def test_urls_of_markdown_links() -> None:
    assert safe_url(" JaVaScRiPt:alert(1)") == "#" and safe_url("java\tscript:x") == "#"
    assert safe_url("data:text/html,x") == "#" and safe_url("data:image/png;base64,AA") == "data:image/png;base64,AA"
    assert safe_url("https://a.b/c") == "https://a.b/c" and safe_url("img/p.png") == "img/p.png"
    assert safe_url("#eq-1") == "#eq-1" and safe_url("mailto:a@b.c") == "mailto:a@b.c"


def test_math_and_code_beside_raw_html_are_veritexs_own(tmp_path: Path) -> None:
    text = ('# T\n\n<div class="box">\n\nInside $x^2$ and `code`.\n\n</div>\n\n'
            '| a | b |\n|:-|-:|\n| 1 | 2 |\n\n<span title="$y$">s</span>\n\n```python\nprint(1)\n```\n')
    page = _page(text, tmp_path)
    assert '<span class="katex">' in page and 'style="height:' in page  # KaTeX's markup kept whole
    assert '<td style="text-align:left">1</td>' in page
    assert 'class="box"' in page and '"vt-keep-' not in page
    assert f'content="{CONTENT_SECURITY_POLICY}"'.replace("'", "&#39;") in page


def test_a_forged_placeholder_is_plain_text(tmp_path: Path) -> None:
    page = _page('# T\n\n<b>"vt-keep-0000000000000000-0"</b> and $z$\n', tmp_path)
    assert '"vt-keep-0000000000000000-0"' in page


def test_nh3_is_loaded_only_for_html_to_clean(tmp_path: Path) -> None:
    script = (
        "import sys\nfrom pathlib import Path\nfrom veritex import build\n"
        f"src = Path({str(tmp_path)!r})\n"
        "(src / 'a.md').write_text('# Plain\\n\\nText $x$.\\n')\n"
        "build([src / 'a.md'], src / 'site', execute=False)\n"
        "assert 'nh3' not in sys.modules, 'nh3 loaded for a page without HTML'\n"
        "(src / 'b.md').write_text('# Raw\\n\\n<b>bold</b>\\n')\n"
        "build([src / 'b.md'], src / 'site', execute=False)\n"
        "assert 'nh3' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
