"""Markdown in content renders as safe HTML, the same for the site and the Moodle packages."""

from __future__ import annotations

import time

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.markup import make_markdown, render_inline, render_markdown, render_parsed, render_plain
from partnerkit.validate import find_markdown_problem


def test_ordinary_markdown_still_works() -> None:
    html = render_markdown("Tämä on *tärkeää*.\n\n- yksi\n- [linkki](https://example.fi/)\n- [posti](mailto:a@b.example)")
    assert html == (
        "<p>Tämä on <em>tärkeää</em>.</p>\n<ul>\n<li>yksi</li>\n"
        '<li><a href="https://example.fi/" rel="noopener noreferrer">linkki</a></li>\n'
        '<li><a href="mailto:a@b.example" rel="noopener noreferrer">posti</a></li>\n</ul>'
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>Hei", "<p>Hei</p>"),
        ('<img src=x onerror="alert(1)">', "<p></p>"),
        ('<iframe src="https://evil.example"></iframe>Teksti', "<p>Teksti</p>"),
        ("[klikkaa](javascript:alert(1))", "<p><a rel=\"noopener noreferrer\">klikkaa</a></p>"),
        ('<a href="https://x.example" onclick="alert(1)">x</a>', '<p><a href="https://x.example" rel="noopener noreferrer">x</a></p>'),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", "<p><a rel=\"noopener noreferrer\">data</a></p>"),
    ],
)
def test_markup_is_inert(source: str, expected: str) -> None:
    assert render_markdown(source) == expected


def test_content_headings_sit_below_page_headings() -> None:
    assert render_markdown("# Otsikko\n\nTeksti") == "<h3>Otsikko</h3>\n<p>Teksti</p>"


@pytest.mark.parametrize("text", ["Tavallinen lause.", "Yritys 2026: yhteistyö, kehitys ja (uudet) ideat", "Ääkköset öljy"])
def test_plain_text_shortcut_matches_markdown(text: str) -> None:
    assert render_markdown(text) == markdown.markdown(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet="aä Ö1.,:;?()'\"-=+/%@$§0\t\r", max_size=24), min_size=1, max_size=8))
def test_plain_lines_shortcut_matches_the_parser(lines: list[str]) -> None:
    # Lines of letters, digits and punctuation (with the characters that start lists, rules and underlines),
    # blank lines between some: whenever the shortcut answers, it answers what the parser does.
    text = "\n".join(lines).strip()
    plain = render_plain(text)
    if plain is not None:
        assert plain == render_parsed(text)


@pytest.mark.parametrize("text", ["Eka rivi.\nToinen rivi.", "Kappale yksi.\n\n\nKappale kaksi\njatkuu.",
                                  "Yritys (Oy) 2026: hyvä.\nÄäkköset, öljy ja 3 % lisää."])
def test_plain_lines_take_the_shortcut(text: str) -> None:
    assert render_plain(text) == render_parsed(text) == markdown.markdown(text)


@pytest.mark.parametrize("text", ["Rivi\n---", "Rivi\n-- -", "Rivi\n= =", "Rivi\n- kohta", "Rivi\n1. kohta",
                                  "Rivi  \nrikko", "Rivi\n    koodia", "Rivi\n+ kohta", "Rivi\n\tsisennys"])
def test_lines_the_parser_reads_as_more_than_text_skip_the_shortcut(text: str) -> None:
    assert render_plain(text) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="[]()<>*_`#>-+1. \nax:!|&;", max_size=200), min_size=1, max_size=6))
def test_a_reused_converter_renders_each_text_as_a_new_one_would(texts: list[str]) -> None:
    converter = make_markdown()
    for text in texts:
        assert render_markdown(text, converter) == render_markdown(text)


def test_inline_strips_the_paragraph() -> None:
    assert render_inline("Hei *sinä*") == "Hei <em>sinä</em>"


def test_markdown_tables_get_column_headers() -> None:
    html = render_markdown("| Vaihe | Kuka |\n|---|---|\n| Sopimus | Opettaja |")
    assert '<th scope="col">Vaihe</th>' in html and "<td>Opettaja</td>" in html


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="[]()<>*_`#>-+1. \n\tax:!|", max_size=6000))
def test_any_text_renders_bounded_in_time_and_size(text: str) -> None:
    # Whatever reaches the renderer (checked or not), it returns in bounded time with bounded output.
    started = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - started < 5.0
    assert len(html) <= 30 * len(text) + 1000


@pytest.mark.parametrize("text", ["- " * 1000 + "x", "[" * 20000, "[a](" * 5000,
                                  "[x]: https://e.example/" + "a" * 500 + "\n\n" + "[x] " * 3000])
def test_texts_beyond_the_limits_are_shown_as_written(text: str) -> None:
    started = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - started < 2.0
    assert html.startswith("<p>") and len(html) < 2 * len(text) + 100
    assert find_markdown_problem(text) is not None



@pytest.mark.parametrize("text, expected", [
    ("&#xfdd0;PARTNERKITRAWHTML1&#xfdd1;", "<p>&#64976;PARTNERKITRAWHTML1&#64977;</p>"),
    ("Katso &#64;&#64;PLUGINFILE&#64;&#64;/kuva.png", "<p>Katso &#64;&#64;PLUGINFILE&#64;&#64;/kuva.png</p>"),
    ("&#36;&#64;NULL&#64;&#36;", "<p>&#36;&#64;NULL&#64;&#36;</p>"),
    ('[a](https://x.example/&#64;&#64;PLUGINFILE&#64;&#64; "&#36;&#64;NULL&#64;&#36;")',
     '<p><a href="https://x.example/&#64;&#64;PLUGINFILE&#64;&#64;" title="&#36;&#64;NULL&#64;&#36;" '
     'rel="noopener noreferrer">a</a></p>'),
    ("Sähköposti a@b.example ja $5", "<p>Sähköposti a@b.example ja $5</p>"),  # other @ and $ stay as they are
])
def test_reserved_text_written_as_references_stays_references(text: str, expected: str) -> None:
    # The sanitiser decodes references; what decodes into the plugin's or Moodle's own markers is encoded again,
    # so a browser still shows the text as written and neither the plugin nor Moodle's restore reads it.
    assert render_markdown(text) == expected


@pytest.mark.parametrize("marker", ["> ", "- ", "1. "])
def test_reference_links_stay_text_wherever_they_stand(marker: str) -> None:
    # Inside a quote or a list item the check's line-start rule cannot see a definition; the renderer has none.
    address = "https://e.example/" + "a" * 5000
    text = f"{marker}[x]: {address}\n\n" + "[x] " * 290
    html = render_markdown(text)
    assert len(html) < 2 * len(text) and html.count(address) <= 1
    assert "[x]" in html and 'href="' + address not in html


def test_primed_markdown_is_what_rendering_gives_and_is_taken_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from partnerkit.builders import prime_markdown
    from partnerkit.pipeline import Project, make_view, read_toolbox
    from partnerkit.render import make_environment, shown_markdown

    project = Project(Path(__file__).resolve().parents[1])
    view, _ = make_view(read_toolbox(project), "internal")
    wanted = {text for text in shown_markdown(view) if text.strip()}
    assert len(wanted) > 50  # the sample's descriptions, method bodies and plan texts
    primed = {}
    for jobs in ("2", "1"):  # half in a forked process; with one process allowed, all here
        monkeypatch.setenv("PARTNERKIT_JOBS", jobs)
        env = make_environment(project.templates_dir)
        prime_markdown(env, view)
        primed[jobs] = dict(env.partnerkit_markdown.primed)
    assert primed["2"] == primed["1"]
    assert sorted(primed["2"]) == sorted(wanted)
    assert [text for text, html in primed["2"].items() if html != render_markdown(text)] == []
    # The filter the templates use gives the primed HTML, and the text then lives in the bounded cache only.
    text = sorted(wanted)[0]
    assert str(env.filters["markdown"](text)) == primed["1"][text]
    assert text not in env.partnerkit_markdown.primed
