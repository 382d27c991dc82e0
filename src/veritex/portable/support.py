"""What GitHub's and Jupyter's math renderers do not support: a curated list, with what to do instead.

Both render with MathJax. GitHub typesets each formula on its own (no `\\newcommand` across formulas,
no equation numbering or references) and leaves out MathJax's extensions that reach outside the
formula (links, CSS classes and styles, `\\require`). JupyterLab, Jupyter Notebook and Colab number
nothing either (`\\label` / `\\eqref` do not resolve across cells). KaTeX's own HTML extensions exist in
neither. The list names the commands a user of veritex may write; veritex's rewriting takes care of
definitions, labels, references and numbered environments on its own.
"""

from __future__ import annotations

TARGETS = ("gfm", "ipynb")
TARGET_NAMES = {"gfm": "GitHub", "ipynb": "Jupyter"}

_KATEX_ONLY = "is KaTeX's own and MathJax has no such command: leave it out"
UNSUPPORTED: dict[str, dict[str, str]] = {
    "gfm": {
        "\\require": "GitHub does not load MathJax extensions: leave `\\require` out",
        "\\href": "GitHub does not allow links inside formulas: put the link in the prose",
        "\\url": "GitHub does not allow links inside formulas: put the link in the prose",
        "\\class": "GitHub leaves out MathJax's HTML extension: leave `\\class` out",
        "\\cssId": "GitHub leaves out MathJax's HTML extension: leave `\\cssId` out",
        "\\style": "GitHub leaves out MathJax's HTML extension: use `\\color` or leave `\\style` out",
        "\\htmlClass": _KATEX_ONLY,
        "\\htmlId": _KATEX_ONLY,
        "\\htmlStyle": _KATEX_ONLY,
        "\\htmlData": _KATEX_ONLY,
        "\\includegraphics": "formulas cannot hold images on GitHub: put the image in the prose",
    },
    "ipynb": {
        "\\htmlClass": _KATEX_ONLY,
        "\\htmlId": _KATEX_ONLY,
        "\\htmlStyle": _KATEX_ONLY,
        "\\htmlData": _KATEX_ONLY,
        "\\includegraphics": "formulas cannot hold images in a notebook: put the image in the prose",
    },
}

# Numbered top-level environments: a target's display math is already an equation, so they nest badly
# ("Erroneous nesting of equation structures"); their unnumbered inner forms render everywhere.
INNER_FORM = {
    "align": "aligned", "align*": "aligned", "flalign": "aligned", "flalign*": "aligned",
    "eqnarray": "aligned", "eqnarray*": "aligned",
    "gather": "gathered", "gather*": "gathered", "multline": "gathered", "multline*": "gathered",
    "alignat": "alignedat", "alignat*": "alignedat",
    "equation": "", "equation*": "",
}
