"""Every tier page reaches its partner table within the first two screens (issue 18, outcome 4), on a 1280 px
desktop and a 390 px phone, measured in a real Chromium over the built sample. The figures are printed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from site_tests.conftest import BuiltSite

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SCREENS = 2
FIRST_ROW = "article .pk-partner-table tbody tr"
# Where the first partner row starts, measured from the top of the document.
_TOP_JS = "el => el.getBoundingClientRect().top + window.scrollY"


@pytest.fixture(params=sorted(WIDTHS))
def tab(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A fresh tab at desktop or phone width."""
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    yield context.new_page()
    context.close()


def test_every_tier_page_reaches_its_partner_table_within_two_screens(
        tab: Any, site_url: str, built: BuiltSite, capsys: pytest.CaptureFixture[str]) -> None:
    height = tab.viewport_size["height"]
    figures, late = [], []
    tiers = [t for t in built.toolbox.tiers if any(c.tier == t.id for p in built.toolbox.partners
                                                   if p.status != "ended" for c in p.cooperations)]
    assert len(tiers) == len(built.toolbox.tiers), "every tier of the sample has partners to list"
    for tier in tiers:
        tab.goto(f"{site_url}/tasot/{tier.id}.html")
        row = tab.locator(FIRST_ROW).first
        row.wait_for()
        screens = float(row.evaluate(_TOP_JS)) / height
        figures.append(f"{tier.id}: {screens:.2f}")
        if screens >= SCREENS:
            late.append(f"{tier.id} starts its table {screens:.2f} screens down")
    with capsys.disabled():
        print(f"\n{tab.viewport_size['width']} px, first partner row in screens: " + ", ".join(figures))
    assert late == []
