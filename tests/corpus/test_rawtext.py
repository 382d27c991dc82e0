"""The counter of markup shown as text, on small pages written for the test."""

from __future__ import annotations

from .rawtext import RawCounts, count_raw, count_text, total, visible_text

KATEX = ('<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>A</mi></mrow>'
         '<annotation encoding="application/x-tex">A = \\begin{bmatrix} 1 \\end{bmatrix}</annotation>'
         '</semantics></math></span><span class="katex-html" aria-hidden="true">A</span></span>')


def test_rendered_math_is_not_text() -> None:
    page = f"<main><p>Let {KATEX} hold.</p><div class=\"katex-display\">{KATEX}</div></main>"
    assert count_raw(page).as_dict() == {"directives": 0, "roles": 0, "dialect": 0, "tex": 0, "boxes": 0}
    assert "begin" not in visible_text(page)


def test_tex_left_in_prose_counts_every_delimiter() -> None:
    page = "<main><p>$$\nA = \\begin{bmatrix} 1 &amp; 2 \\end{bmatrix}\n$$</p><p>and $x$ costs $5</p></main>"
    counts = count_raw(page)
    assert counts.tex == 4  # $$, \begin{, \end{, $$; a single $ is not counted
    assert counts.samples["tex"][0] == "$$"


def test_option_lines_and_fences_shown_in_a_code_box() -> None:
    page = ('<main><pre class="vt-code" data-lang="text"><code><span class="vt-line">:label: ex1\n</span>'
            '<span class="vt-line">:class: dropdown\n</span><span class="vt-line">Prove it.\n</span>'
            '<span class="vt-line">```{prf:proof}\n</span></code></pre>'
            "<p>:::{note}\nA note.\n:::</p></main>")
    counts = count_raw(page)
    assert (counts.directives, counts.boxes) == (4, 1)
    assert counts.samples["directives"] == [":label: ex1", ":class: dropdown", "```{prf:proof}", ":::{note}"]


def test_roles_whose_target_became_code_and_roles_printed_as_their_content() -> None:
    page = ('<main><p>See {ref}<code>the lemma &lt;la_neumann&gt;</code> and '
            '<code class="vt-role" data-role="cite">sargent2024</code>, not <code>{x}</code>.</p>'
            "<p>:eqref:<code>eq_softmax</code> and :label:<code>sec_x</code></p></main>")
    counts = count_raw(page)
    assert (counts.roles, counts.dialect) == (2, 2)
    assert counts.samples["roles"] == ["{ref}`the lemma <la_neumann>`", "{cite}`sargent2024`"]


def test_what_is_not_a_role_or_an_option_line() -> None:
    text = "a set {a, b} and a time 10:30: fine\nratio a:b:`c` inside a word\n :: not an option"
    assert count_text(text).as_dict() == {"directives": 0, "roles": 0, "dialect": 0, "tex": 0, "boxes": 0}


def test_veritex_own_text_and_code_cells_are_left_out() -> None:
    page = ("<header><ul><li>error: cannot read $$ at line 3</li></ul></header>"
            "<main><div class=\"vt-equation\"><div class=\"vt-formula-verdicts\">\\begin{aligned} fails</div></div>"
            "<div class=\"vt-math-note\">\\end{x}</div>"
            "<section class=\"vt-cell\"><div class=\"vt-source\"><pre><code>label = r\"$$\\begin{x}$$\"</code>"
            "</pre></div></section><script>var s = '$$';</script></main>")
    assert count_raw(page).as_dict() == {"directives": 0, "roles": 0, "dialect": 0, "tex": 0, "boxes": 0}


def test_a_page_without_main_counts_its_body() -> None:
    page = "<html><head><title>$$</title></head><body><p>$$ x $$<br>:name: y</p><pre>code</pre></body></html>"
    assert count_raw(page).as_dict() == {"directives": 1, "roles": 0, "dialect": 0, "tex": 2, "boxes": 1}


def test_blocks_are_lines_inline_code_keeps_its_backticks_and_unclosed_elements_close() -> None:
    text = visible_text("<main><p>one <code>two</code><p>three<li>four</ul><pre><code>a\nb</code></pre></main>")
    assert [line for line in text.splitlines() if line] == ["one `two`", "three", "four", "a", "b"]


def test_totals_add_counts_and_keep_a_few_samples() -> None:
    first = count_text("$$\n:label: a\n")
    second = count_text("\\begin{x}\n:label: b\n")
    both = total([first, second, RawCounts(boxes=3)])
    assert both.as_dict() == {"directives": 2, "roles": 0, "dialect": 0, "tex": 2, "boxes": 3}
    assert both.samples["directives"] == [":label: a", ":label: b"]
