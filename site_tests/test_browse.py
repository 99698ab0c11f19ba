"""A member of staff browses the sample toolbox in a real Chromium."""

from __future__ import annotations

from typing import Any

from site_tests.conftest import ARTIFACTS, BuiltSite


def test_staff_member_finds_a_partner_and_its_contact(built: BuiltSite, site_url: str, browser: Any) -> None:
    partner = next(p for p in built.toolbox.partners if len(p.cooperations) >= 2)
    first_tier = built.toolbox.tier(partner.cooperations[0].tier)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site_url}/index.html")
    assert page.title().startswith(built.toolbox.title)
    number = [t.id for t in built.toolbox.tiers].index(first_tier.id) + 1
    page.get_by_role("navigation", name="Navigaatio").get_by_role("link", name=f"{number}. {first_tier.heading}").click()
    page.wait_for_url(f"**/tasot/{first_tier.id}.html")
    table = page.get_by_role("table")
    assert table.get_by_role("columnheader", name="Yhteyshenkilöt").is_visible()
    table.get_by_role("link", name=partner.name, exact=True).click()
    page.wait_for_url(f"**/kumppanit/{partner.id}.html")
    assert page.get_by_role("heading", level=1).inner_text() == partner.name
    for coop in partner.cooperations:
        assert page.get_by_role("heading", name=built.toolbox.tier(coop.tier).title, level=3).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "partner-desktop.png"), full_page=True)
    page.close()
