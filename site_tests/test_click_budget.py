"""The staff's everyday tasks in a real Chromium, each within its click budget (issue 18, Checks), on a desktop and
on a 390 px phone. Every task starts on the home page; clicks (and choices from a drop-down) are counted, typing
is not. Answers are checked against the sample content, and must be on screen, not merely somewhere in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from partnerkit.model import Toolbox
from site_tests.conftest import ARTIFACTS, BuiltSite

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
RESTAURANTS = "ravintola-ja-ruokapalvelut"


class Visitor:
    """A browser tab that counts what the visitor clicks."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base, self.clicks = page, base, 0

    def start(self) -> None:
        """Open the home page; the count starts from zero."""
        self.page.goto(f"{self.base}/index.html")
        self.clicks = 0

    def click(self, locator: Any) -> None:
        """Click what a visitor sees."""
        locator.scroll_into_view_if_needed()
        locator.click()
        self.clicks += 1

    def choose(self, locator: Any, value: str) -> None:
        """Pick a value from a drop-down: one click's worth."""
        locator.select_option(value)
        self.clicks += 1

    def search(self, query: str) -> None:
        """Type a query into the home page's search field and press Enter (no click)."""
        field = self.page.locator("#pk-home-search")
        field.fill(query)
        field.press("Enter")
        self.page.wait_for_url("**/haku.html?q=*")
        self.page.locator(".pk-search__results li a").first.wait_for()

    def on_screen(self, locator: Any) -> bool:
        """Return True when the element is visible inside the window (after the visitor scrolls to it)."""
        if not locator.is_visible():
            return False
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        height = self.page.viewport_size["height"]
        width = self.page.viewport_size["width"]
        return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height and \
            box["x"] >= 0 and box["x"] + min(box["width"], 40) <= width + 1


@pytest.fixture(params=sorted(WIDTHS))
def visitor(request: pytest.FixtureRequest, browser: Any, site_url: str) -> Iterator[Visitor]:
    """A fresh tab at desktop or phone width, on the sample's staff site."""
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield Visitor(page, site_url)
    context.close()
    assert errors == []


def _tier_card(visitor: Visitor, toolbox: Toolbox, tier_id: str) -> Any:
    number = [t.id for t in toolbox.tiers].index(tier_id) + 1
    heading = toolbox.tier(tier_id).heading
    return visitor.page.locator("article .pk-tier-cards").get_by_role("link", name=f"{number}. {heading}",
                                                                         exact=True)


def _width_name(visitor: Visitor) -> str:
    return "phone" if visitor.page.viewport_size["width"] < 500 else "desktop"


def test_a_partners_contact_in_at_most_two_clicks(visitor: Visitor, built: BuiltSite) -> None:
    toolbox = built.toolbox
    partner = next(p for p in toolbox.partners if p.status == "active" and len(p.cooperations) >= 2)
    contact = next(c for c in toolbox.contacts if c.id == partner.cooperations[0].contacts[0])
    visitor.start()
    visitor.search(partner.name)
    visitor.click(visitor.page.locator(".pk-search__results").get_by_role("link", name=partner.name, exact=True))
    visitor.page.wait_for_url(f"**/kumppanit/{partner.id}.html")
    # The contact is on the partner page's first screen, without scrolling.
    link = visitor.page.locator("article .pk-coop").first.get_by_role("link", name=contact.name, exact=True)
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= visitor.page.viewport_size["height"], box
    assert visitor.clicks <= 2, visitor.clicks
    ARTIFACTS.mkdir(exist_ok=True)
    visitor.page.screenshot(path=str(ARTIFACTS / f"task-partner-contact-{_width_name(visitor)}.png"))


def test_a_tiers_methods_in_at_most_two_clicks(visitor: Visitor, built: BuiltSite) -> None:
    toolbox = built.toolbox
    tier = toolbox.tiers[1]
    methods = sorted((m for m in toolbox.methods if tier.id in m.tiers), key=lambda m: m.title.lower())
    assert len(methods) >= 5
    visitor.start()
    visitor.click(_tier_card(visitor, toolbox, tier.id))
    visitor.page.wait_for_url(f"**/tasot/{tier.id}.html")
    # On a phone the titles start folded (the partner table comes within two screens): one click opens them.
    folded = visitor.page.locator("article details.pk-method-fold")
    assert folded.evaluate("d => d.open") == (_width_name(visitor) == "desktop")
    if _width_name(visitor) == "phone":
        visitor.click(folded.locator("summary"))
    listed = visitor.page.locator("article .pk-method-titles > li > a")
    assert listed.all_inner_texts() == [m.title for m in methods]
    assert all(visitor.on_screen(listed.nth(i)) for i in range(len(methods)))
    assert visitor.clicks <= 2, visitor.clicks


def test_a_field_group_at_one_tier_with_contacts_in_at_most_three_clicks(visitor: Visitor, built: BuiltSite) -> None:
    toolbox = built.toolbox
    names = {c.id: c.name for c in toolbox.contacts}
    wanted = sorted(((p, c) for p in toolbox.partners if p.status != "ended" and p.field_group == RESTAURANTS
                     for c in p.cooperations if c.tier == "arki"), key=lambda pair: (pair[0].name.lower(), pair[0].id))
    assert len(wanted) >= 5
    visitor.start()
    visitor.click(_tier_card(visitor, toolbox, "arki"))
    visitor.page.wait_for_url("**/tasot/arki.html")
    visitor.page.wait_for_selector(".pk-filter[data-ready]")
    visitor.choose(visitor.page.get_by_label("Toimialaryhmä", exact=True), RESTAURANTS)
    visitor.page.locator(".pk-filter__status").filter(has_text=f"Näytetään {len(wanted)} kumppania").wait_for()
    rows = visitor.page.locator("article .pk-partner-table tbody tr")
    assert rows.count() == len(wanted)
    for number, (partner, coop) in enumerate(wanted):
        row = rows.nth(number)
        assert visitor.on_screen(row.get_by_role("link", name=partner.name, exact=True))
        # Name and contacts of one partner are on screen together (a card on the phone, a row on the desktop).
        cell = row.locator("td[data-label='Yhteyshenkilöt']")
        assert cell.inner_text().split("\n")[0].split(", ") == [names[c] for c in coop.contacts] or not coop.contacts
        assert visitor.on_screen(cell)
    assert visitor.clicks <= 3, visitor.clicks
    visitor.page.locator(".pk-filter").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    visitor.page.screenshot(path=str(ARTIFACTS / f"task-field-group-{_width_name(visitor)}.png"))


def test_a_persons_partners_in_at_most_two_clicks(visitor: Visitor, built: BuiltSite) -> None:
    toolbox = built.toolbox
    person = max(sorted(toolbox.contacts, key=lambda c: c.id), key=lambda c: sum(
        c.id in (*coop.contacts, coop.deputy) for p in toolbox.partners for coop in p.cooperations))
    partners = {p.name for p in toolbox.partners for coop in p.cooperations if person.id in (*coop.contacts, coop.deputy)}
    visitor.start()
    visitor.search(person.name)
    visitor.click(visitor.page.locator(".pk-search__results").get_by_role("link", name=person.name, exact=True))
    visitor.page.wait_for_url(f"**/henkilot/{person.id}.html")
    shown = visitor.page.locator("article table tbody th[scope=row] > a:first-child").all_inner_texts()
    assert set(shown) == partners
    assert visitor.clicks <= 2, visitor.clicks


def test_tier_definitions_one_click_per_tier(visitor: Visitor, built: BuiltSite) -> None:
    toolbox = built.toolbox
    visitor.start()
    visitor.click(_tier_card(visitor, toolbox, toolbox.tiers[0].id))
    for number, tier in enumerate(toolbox.tiers):
        visitor.page.wait_for_url(f"**/tasot/{tier.id}.html")
        assert visitor.page.get_by_role("heading", level=1).inner_text() == tier.heading
        definition = visitor.page.locator("article h2#maaritelma + .pk-text")
        first_words = " ".join(re.findall(r"\w+", tier.definition)[:4])
        assert " ".join(re.findall(r"\w+", definition.inner_text())[:4]) == first_words
        assert visitor.on_screen(definition)
        if number + 1 < len(toolbox.tiers):
            # The next tier is one click away: Material's footer link (on a phone too, without opening the menu).
            visitor.click(visitor.page.locator("a.md-footer__link--next"))
    assert visitor.clicks <= len(toolbox.tiers), visitor.clicks
