"""What a person sees of the annual plans in Chromium: the year wheel at desktop and phone width in both colour
schemes, and a team page printed to PDF for the planning meeting (Chromium's own print to A4).

The images and the PDF go to site_tests/artifacts/ for a person to look at; the tests check what can be measured:
the wheel fits its window, its month labels and markers do not overlap, it takes the page's text colour in both
schemes, and printing hides the site's navigation and keeps table rows and the wheel whole.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from site_tests.conftest import ARTIFACTS

SCHEMES = ("default", "slate")
WIDTHS = (1280, 390)
WHEEL_PAGES = {"plan": "suunnitelmat/ravintola-ja-matkailu-2026.html", "year": "suunnitelmat/2026.html"}
TEAM_PAGE = "tiimit/ravintola-ja-matkailu.html"

def _touching(boxes: list[list[float]]) -> list[tuple[int, int]]:
    """Return the pairs of markers closer than their sizes: each marker is a shape about as wide as it is high,
    placed on a ray of the wheel, so its reach is a circle (boxes of neighbours on a slanting ray always meet)."""
    centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, min(b[2] - b[0], b[3] - b[1]) / 2) for b in boxes]
    return [(a, b) for a in range(len(centres)) for b in range(a + 1, len(centres))
            if ((centres[a][0] - centres[b][0]) ** 2 + (centres[a][1] - centres[b][1]) ** 2) ** 0.5
            < centres[a][2] + centres[b][2] - 1]


# Boxes of the wheel's month labels and of its markers (each marker's shape with its number), in page pixels.
_BOXES_JS = """wheel => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {labels: [...wheel.querySelectorAll(':scope > text')].map(box),
          markers: [...wheel.querySelectorAll(':scope > a > g')].map(box),
          wheel: box(wheel), window: window.innerWidth,
          colour: getComputedStyle(wheel).color,
          text: getComputedStyle(document.querySelector('.md-typeset')).color};
}"""


def _overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    """Return the pairs of (text) boxes that overlap by more than a pixel."""
    return [(a, b) for a in range(len(boxes)) for b in range(a + 1, len(boxes))
            if min(boxes[a][2], boxes[b][2]) - max(boxes[a][0], boxes[b][0]) > 1
            and min(boxes[a][3], boxes[b][3]) - max(boxes[a][1], boxes[b][1]) > 1]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", sorted(WHEEL_PAGES))
def test_wheel_is_readable_and_saved_as_an_image(site_url: str, browser: Any, view: str, width: int,
                                                  scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{WHEEL_PAGES[view]}")
        if scheme == "slate":
            page.locator("label.md-header__button[for='__palette_1']").click()
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
        figure = page.locator(".pk-wheel-figure")
        ARTIFACTS.mkdir(exist_ok=True)
        figure.screenshot(path=str(ARTIFACTS / f"wheel-{view}-{width}-{scheme}.png"))
        found = page.locator(".pk-wheel").evaluate(_BOXES_JS)
        assert len(found["labels"]) == 12 and found["markers"]
        assert found["wheel"][2] <= found["window"], "the wheel reaches outside the window"
        assert _overlapping(found["labels"]) == [] and _touching(found["markers"]) == []
        labels = len(found["labels"])
        assert [(a, b) for a, b in _overlapping(found["labels"] + found["markers"]) if a < labels <= b] == [], \
            "a month name is under a marker"
        # Drawn in currentColor: the wheel is the page's text colour in either scheme.
        assert found["colour"] == found["text"]
    finally:
        context.close()


def test_team_page_prints_on_a4_without_navigation_and_with_whole_rows(site_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{TEAM_PAGE}")
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-sidebar--secondary', '.md-footer',
            '.md-tabs'].filter(s => document.querySelector(s))
            .map(s => [s, getComputedStyle(document.querySelector(s)).display])""")
        assert hidden and all(display == "none" for _, display in hidden), hidden
        rows = page.evaluate(
            "[...document.querySelectorAll('.md-typeset tr')].map(r => getComputedStyle(r).breakInside)")
        assert rows and set(rows) == {"avoid"}
        ARTIFACTS.mkdir(exist_ok=True)
        pdf = page.pdf(path=str(ARTIFACTS / "team-print.pdf"), format="A4", prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF-") and re.findall(rb"/Type\s*/Page[^s]", pdf)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_review_chart_is_readable_and_saved_as_an_image(site_url: str, browser: Any, width: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/muutokset/tarkistettavat.html")
        if scheme == "slate":
            page.locator("label.md-header__button[for='__palette_1']").click()
        ARTIFACTS.mkdir(exist_ok=True)
        for number, figure in enumerate(page.locator(".pk-chart-figure").all(), start=1):
            figure.screenshot(path=str(ARTIFACTS / f"chart-{number}-{width}-{scheme}.png"))
            found = figure.locator(".pk-chart").evaluate("""chart => {
              const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
              return {texts: [...chart.querySelectorAll('text')].map(box), chart: box(chart),
                      window: window.innerWidth, colour: getComputedStyle(chart).color,
                      text: getComputedStyle(document.querySelector('.md-typeset')).color}; }""")
            assert found["chart"][2] <= found["window"] and found["colour"] == found["text"]
            assert _overlapping(found["texts"]) == []
        assert number == 2
    finally:
        context.close()
