"""The preamble of a veritex `.tex`: packages, colours, the verdict line, Pygments' commands, the
document's macros, and CJK fonts through xeCJK when the text has CJK characters.

KaTeX knows a few commands LaTeX does not (`\\R`, `\\N`, `\\Z`, `\\bra`, `\\htmlClass` ...): they are
defined here with `\\providecommand`, so formulas go to LaTeX exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PACKAGES = r"""\documentclass[11pt,a4paper]{article}
\usepackage{fontspec}
\usepackage{amsmath,amssymb,mathtools}
\usepackage{mathrsfs}
\usepackage{bm}
\usepackage{cancel}
\usepackage{graphicx}
\usepackage[dvipsnames]{xcolor}
\usepackage{fancyvrb}
\usepackage{fvextra}
\usepackage[margin=2.5cm]{geometry}
\usepackage[hidelinks,unicode]{hyperref}
"""

STYLE = r"""\definecolor{vtverified}{HTML}{1A7F37}
\definecolor{vtrefuted}{HTML}{CF222E}
\definecolor{vtunchecked}{HTML}{9A6700}
\definecolor{vterror}{HTML}{CF222E}
\definecolor{vtwarning}{HTML}{9A6700}
\definecolor{vtoutput}{HTML}{333333}
\definecolor{vtrule}{HTML}{AAAAAA}
\newcommand{\vtverdict}[3]{\par\noindent{\small\textcolor{vt#1}{\textbf{[#1]}}~\textsf{#2}: #3}\par}
\newsavebox{\vtbox}
\newcommand{\vtstrike}[1]{\sbox{\vtbox}{#1}\rlap{\usebox{\vtbox}}\rule[0.5ex]{\wd\vtbox}{0.4pt}}
\newcommand{\vtgraphic}[1]{\sbox{\vtbox}{\includegraphics{#1}}%
  \ifdim\wd\vtbox>\linewidth\resizebox{\linewidth}{!}{\usebox{\vtbox}}\else\usebox{\vtbox}\fi}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""

KATEX_EXTRAS = r"""\providecommand{\R}{\mathbb{R}}
\providecommand{\N}{\mathbb{N}}
\providecommand{\Z}{\mathbb{Z}}
\providecommand{\Q}{\mathbb{Q}}
\providecommand{\C}{\mathbb{C}}
\providecommand{\Reals}{\mathbb{R}}
\providecommand{\reals}{\mathbb{R}}
\providecommand{\Complex}{\mathbb{C}}
\providecommand{\natnums}{\mathbb{N}}
\providecommand{\bra}[1]{\langle #1\rvert}
\providecommand{\ket}[1]{\lvert #1\rangle}
\providecommand{\braket}[1]{\langle #1\rangle}
\providecommand{\lparen}{(}
\providecommand{\rparen}{)}
\providecommand{\argmax}{\operatorname*{arg\,max}}
\providecommand{\argmin}{\operatorname*{arg\,min}}
\providecommand{\llbracket}{[\![}
\providecommand{\rrbracket}{]\!]}
\providecommand{\htmlClass}[2]{#2}
\providecommand{\htmlId}[2]{#2}
\providecommand{\htmlStyle}[2]{#2}
\providecommand{\htmlData}[2]{#2}
"""

_CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_PARAM = re.compile(r"#(\d)")
_NAME = re.compile(r"\\[A-Za-z]+\Z")


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def cjk_region(text: str, lang: str | None) -> str:
    """Which Noto CJK face fits: the front matter's `lang` first, else the scripts in the text."""
    lang = (lang or "").lower()
    if lang.startswith("ja"):
        return "JP"
    if lang.startswith("ko"):
        return "KR"
    if lang in ("zh-tw", "zh-hant", "zh-hk"):
        return "TC"
    if lang.startswith("zh"):
        return "SC"
    return "JP" if _KANA.search(text) else "KR" if _HANGUL.search(text) else "SC"


def cjk_setup(region: str) -> str:
    """xeCJK with Noto CJK (Debian: fonts-noto-cjk)."""
    return (f"\\usepackage{{xeCJK}}\n\\setCJKmainfont{{Noto Serif CJK {region}}}\n"
            f"\\setCJKsansfont{{Noto Sans CJK {region}}}\n\\setCJKmonofont{{Noto Sans Mono CJK {region}}}\n")


def macro_definitions(macros: Mapping[str, str]) -> str:
    """Front-matter macros as LaTeX commands (defined whether or not LaTeX has one of that name)."""
    lines = []
    for name, body in macros.items():
        if not _NAME.match(name):
            lines.append(f"% macro {name!r} left out: LaTeX names a command with letters only")
            continue
        nargs = max((int(n) for n in _PARAM.findall(body)), default=0)
        args = f"[{nargs}]" if nargs else ""
        lines.append(f"\\providecommand{{{name}}}{{}}\\renewcommand{{{name}}}{args}{{{body}}}")
    return "\n".join(lines) + "\n" if lines else ""


def preamble(*, title: str, macros: Mapping[str, str], code_style: str, cjk: str | None) -> str:
    parts = [PACKAGES, cjk_setup(cjk) if cjk else "", STYLE, KATEX_EXTRAS, "% Code colours (Pygments)\n",
             code_style, "\n% The document's macros\n", macro_definitions(macros), f"\\title{{{title}}}\n\\author{{}}\n\\date{{}}\n"]
    return "".join(parts)
