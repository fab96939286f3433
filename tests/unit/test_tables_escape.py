"""Data text inside narrative Markdown renders verbatim through pandoc."""

import pypandoc

from analysis.style.escape import escape_markdown

TRICKY = r"<b>IL-6 > 100 pg/mL</b> 50% #1 $x$ @ref *a* \end [l](u) `c` | ~s~ ^u^ _i_"


def test_escape_markdown_backslash_escapes_every_special():
    assert escape_markdown("a*b_c<d>$e@f#g") == r"a\*b\_c\<d\>\$e\@f\#g"
    assert escape_markdown("x\ny") == "x y"
    assert escape_markdown(None) == ""


def test_escaped_term_comes_out_verbatim_from_pandoc():
    text = pypandoc.convert_text("Term: " + escape_markdown(TRICKY), "plain", format="markdown",
                                 extra_args=["--wrap=none"])
    assert text.strip() == "Term: " + TRICKY


def test_escaped_term_is_not_html_in_pandoc_html_output():
    out = pypandoc.convert_text(escape_markdown(TRICKY), "html", format="markdown")
    assert "&lt;b&gt;IL-6 &gt; 100 pg/mL&lt;/b&gt;" in out
    assert "<em>" not in out and "<code>" not in out and "<a " not in out
