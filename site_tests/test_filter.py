"""The partner tables filter themselves (issue 18, outcome 2), in a real Chromium over the built sample.

Expected rows are worked out here from the toolbox, not read back from the page: field group, team, contact
person, tier (partner list) and free text; the table keeps its columns and draws each row as the page does; the
count is in a status line; the choices are in the address; without JavaScript the full table shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from partnerkit.model import Cooperation, Partner, Toolbox
from site_tests.conftest import BuiltSite

RESTAURANTS = "ravintola-ja-ruokapalvelut"
ROWS = "article .pk-partner-table tbody tr"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop tab that fails the test on any script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == []


def _arki(toolbox: Toolbox) -> list[tuple[Partner, Cooperation]]:
    pairs = [(p, c) for p in toolbox.partners if p.status != "ended" for c in p.cooperations if c.tier == "arki"]
    return sorted(pairs, key=lambda pair: (pair[0].name.lower(), pair[0].id))


def _team_of(toolbox: Toolbox) -> dict[str, str]:
    return {c.id: c.team for c in toolbox.contacts}


def _shown(page: Any) -> list[str]:
    return page.locator(f"{ROWS} th[scope=row] > a:first-child").all_inner_texts()


def _status(page: Any, wanted: str) -> str:
    status = page.locator(".pk-filter__status")
    assert status.get_attribute("role") == "status"
    status.filter(has_text=wanted).wait_for()
    return str(status.inner_text())


# A row's markup with its links resolved (the page writes them relative to itself, the filter from the root).
_ROW_JS = """row => { const copy = row.cloneNode(true);
  copy.querySelectorAll("a[href]").forEach(a => a.setAttribute("href", a.href)); return copy.innerHTML; }"""


def _normalised(row: Any) -> str:
    return re.sub(r">\s+<", "><", row.evaluate(_ROW_JS)).strip()


def _text_of(toolbox: Toolbox, partner: Partner, coop: Cooperation) -> str:
    """Return what the free text is looked for in: name, field, field group, cooperation, contacts, teams."""
    team_of = _team_of(toolbox)
    group = toolbox.field_group(partner.field_group).name if partner.field_group else ""
    people = [c.name for c in toolbox.contacts if c.id in coop.contacts]
    teams = [t.name for t in toolbox.teams if t.id in {team_of[c] for c in coop.contacts} | {coop.team}]
    return " ".join((partner.name, partner.field, group, coop.description, *people, *teams)).lower()


def _count(number: int) -> str:
    return "1 kumppani" if number == 1 else f"{number} kumppania"


def test_tier_table_filters_itself_by_group_team_person_and_text(built: BuiltSite, site_url: str, page: Any) -> None:
    toolbox = built.toolbox
    pairs = _arki(toolbox)
    team_of = _team_of(toolbox)
    page.goto(f"{site_url}/tasot/arki.html")
    page.wait_for_selector(".pk-filter[data-ready]")
    server_rows = {row.locator("th a").first.inner_text(): _normalised(row)
                   for row in page.locator(ROWS).all()}
    assert sorted(server_rows) == sorted(p.name for p, _ in pairs)

    # The everyday question of the issue: every restaurant-like partner at this tier, whatever its field's name.
    page.get_by_label("Toimialaryhmä", exact=True).select_option(RESTAURANTS)
    restaurants = [p.name for p, _ in pairs if p.field_group == RESTAURANTS]
    assert len({p.field for p, _ in pairs if p.field_group == RESTAURANTS}) >= 4
    _status(page, f"Näytetään {_count(len(restaurants))} / {len(pairs)}.")
    assert _shown(page) == restaurants
    # The table itself shrank: same table, every column, each row drawn exactly as the page draws it.
    assert page.locator("article .pk-partner-table table").count() == 1
    assert page.locator("article .pk-partner-table thead th").count() == 4
    for row in page.locator(ROWS).all():
        assert _normalised(row) == server_rows[row.locator("th a").first.inner_text()]
    assert parse_qs(urlsplit(page.url).query) == {"ala": [RESTAURANTS]}
    caption = page.locator("article .pk-partner-table caption")
    tier_title = toolbox.tier("arki").title
    assert caption.inner_text() == f"{tier_title}: rajattu, {len(restaurants)} / {len(pairs)} kumppania"

    # Team and person on top of the group, then free text alone.
    page.get_by_label("Toimialaryhmä", exact=True).select_option("")
    team = max(sorted({team_of[c] for _, coop in pairs for c in coop.contacts}),
               key=lambda t: sum(team_of.get(c) == t for _, coop in pairs for c in coop.contacts))
    team_name = next(t.name for t in toolbox.teams if t.id == team)
    page.get_by_label("Tiimi", exact=True).select_option(label=team_name)
    by_team = [p.name for p, coop in pairs if team in {team_of[c] for c in coop.contacts} | {coop.team}]
    _status(page, f"Näytetään {_count(len(by_team))} / {len(pairs)}.")
    assert _shown(page) == by_team and 0 < len(by_team) < len(pairs)
    person = next(c for _, coop in pairs for c in coop.contacts if team_of[c] == team)
    person_name = next(c.name for c in toolbox.contacts if c.id == person)
    page.get_by_label("Yhteyshenkilö", exact=True).select_option(label=person_name)
    by_person = [p.name for p, coop in pairs if person in coop.contacts and
                 team in {team_of[c] for c in coop.contacts} | {coop.team}]
    _status(page, f"Näytetään {_count(len(by_person))} / {len(pairs)}.")
    assert _shown(page) == by_person
    assert parse_qs(urlsplit(page.url).query) == {"tiimi": [team], "henkilo": [person]}
    page.get_by_role("button", name="Tyhjennä").click()
    page.wait_for_function("() => document.querySelector('.pk-filter__status').textContent === ''")
    assert len(_shown(page)) == len(pairs) and urlsplit(page.url).query == ""
    assert caption.inner_text() == f"{tier_title}: {len(pairs)} kumppania"
    word = "kahvila"
    page.get_by_label("Hakusana", exact=True).press_sequentially(word)
    by_text = [p.name for p, coop in pairs if word in _text_of(toolbox, p, coop)]
    _status(page, f"Näytetään {_count(len(by_text))} / {len(pairs)}.")
    assert _shown(page) == by_text and by_text
    page.get_by_label("Hakusana", exact=True).fill("qxzqxz")
    _status(page, "Ei yhtään kumppania näillä ehdoilla")
    assert page.locator("article .pk-partner-table table").is_hidden()


def test_filtered_view_opens_from_its_address(built: BuiltSite, site_url: str, page: Any) -> None:
    pairs = _arki(built.toolbox)
    restaurants = [p.name for p, _ in pairs if p.field_group == RESTAURANTS]
    word = "oy"
    page.goto(f"{site_url}/tasot/arki.html?ala={RESTAURANTS}&q={word.upper()}")
    page.wait_for_selector(".pk-filter[data-ready]")
    wanted = [p.name for p, coop in pairs if p.field_group == RESTAURANTS and word in _text_of(built.toolbox, p, coop)]
    _status(page, f"Näytetään {_count(len(wanted))} / {len(pairs)}.")
    assert _shown(page) == wanted and 0 < len(wanted) < len(restaurants)
    assert page.get_by_label("Toimialaryhmä", exact=True).input_value() == RESTAURANTS
    assert page.get_by_label("Hakusana", exact=True).input_value() == word.upper()


def test_partner_list_filters_by_tier_and_person_and_shows_contacts(built: BuiltSite, site_url: str,
                                                                     page: Any) -> None:
    toolbox = built.toolbox
    partners = sorted(toolbox.partners, key=lambda p: (p.name.lower(), p.id))
    page.goto(f"{site_url}/kumppanit/index.html")
    page.wait_for_selector(".pk-filter[data-ready]")
    assert page.locator("article .pk-partner-table thead th").all_inner_texts() == [
        "Kumppani", "Toimiala", "Tasot", "Yhteyshenkilöt"]
    server_rows = {row.locator("th a").first.inner_text(): _normalised(row)
                   for row in page.locator(ROWS).all()}
    assert len(server_rows) == len(partners)
    person = max(sorted(toolbox.contacts, key=lambda c: c.id),
                 key=lambda c: sum(c.id in coop.contacts for p in partners for coop in p.cooperations))
    page.get_by_label("Taso", exact=True).select_option("kehittaminen")
    page.get_by_label("Yhteyshenkilö", exact=True).select_option(person.id)
    wanted = [p.name for p in partners if any(coop.tier == "kehittaminen" for coop in p.cooperations)
              and any(person.id in coop.contacts for coop in p.cooperations)]
    _status(page, f"Näytetään {_count(len(wanted))} / {len(partners)}.")
    assert _shown(page) == wanted and wanted
    for row in page.locator(ROWS).all():
        assert _normalised(row) == server_rows[row.locator("th a").first.inner_text()]
        assert person.name in row.locator("td[data-label='Yhteyshenkilöt']").inner_text()


def test_without_javascript_the_full_table_shows(built: BuiltSite, site_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(f"{site_url}/tasot/arki.html?ala={RESTAURANTS}")
        assert tab.locator(".pk-filter").is_hidden()
        assert len(_shown(tab)) == len(_arki(built.toolbox))
        tab.goto(f"{site_url}/kumppanit/index.html")
        assert tab.locator(".pk-filter").is_hidden()
        assert len(_shown(tab)) == len(built.toolbox.partners)
    finally:
        context.close()
