"""Markdown in content renders as safe HTML, the same for the site and the Moodle packages."""

from __future__ import annotations

import markdown
import pytest

from partnerkit.markup import render_inline, render_markdown


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


def test_inline_strips_the_paragraph() -> None:
    assert render_inline("Hei *sinä*") == "Hei <em>sinä</em>"


def test_markdown_tables_get_column_headers() -> None:
    html = render_markdown("| Vaihe | Kuka |\n|---|---|\n| Sopimus | Opettaja |")
    assert '<th scope="col">Vaihe</th>' in html and "<td>Opettaja</td>" in html
