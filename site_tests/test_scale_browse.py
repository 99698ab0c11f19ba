"""Browsing at scale, on a real strict build of a generated set of about 500 partners, in Debian's Chromium.

The arki tier of this set has more partners than fit on one page (render/browse.py PAGE_SIZE), so its listing
is split into alphabetical pages, and the filter has to search all of them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from partnerkit.builders import quiet
from partnerkit.model import Toolbox
from partnerkit.pipeline import Project, build_outputs, read_toolbox
from partnerkit.render.browse import PAGE_SIZE, initial_of
from site_tests.conftest import serving

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate, write_project  # noqa: E402

ONE_MB = 1024 * 1024


@dataclass(frozen=True)
class ScaleSite:
    """The generated toolbox, its built site and the URL it is served at."""

    toolbox: Toolbox
    root: Path
    url: str


@pytest.fixture(scope="module")
def scale_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleSite]:
    """Generate about 500 partners (fewer contacts and methods than the benchmark, to stay quick) and build them."""
    project_dir = tmp_path_factory.mktemp("scale") / "project"
    write_project(generate(520, seed=11, methods=30, contacts=120, teams=12), project_dir)
    project = Project(project_dir)
    toolbox = read_toolbox(project)
    build_outputs(project, toolbox, "internal", project_dir / "site", None, quiet)
    with serving(project_dir / "site") as url:
        yield ScaleSite(toolbox, project_dir / "site", url)


def _arki(toolbox: Toolbox) -> list[Any]:
    # Ended cooperations are not in the tier tables (a generator may make some).
    return [p for p in toolbox.partners if p.status != "ended" and any(c.tier == "arki" for c in p.cooperations)]


def _row_links(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="\.\./\.\./kumppanit/([^"]+)\.html"', body)


def test_no_page_is_heavier_than_one_megabyte(scale_site: ScaleSite) -> None:
    heavy = {str(p.relative_to(scale_site.root)): p.stat().st_size for p in scale_site.root.rglob("*.html")
             if p.stat().st_size > ONE_MB}
    assert heavy == {}


def test_long_tier_is_split_into_alphabetical_pages_that_hold_every_partner_once(scale_site: ScaleSite) -> None:
    arki = _arki(scale_site.toolbox)
    assert len(arki) > PAGE_SIZE
    tier_html = (scale_site.root / "tasot" / "arki.html").read_text(encoding="utf-8")
    pages = re.findall(r'<a href="arki/([a-z0-9-]+)\.html"(?: aria-current="page")?>', tier_html)
    pages = list(dict.fromkeys(pages))
    assert len(pages) >= 2
    seen: list[str] = []
    for name in pages:
        rows = _row_links((scale_site.root / "tasot" / "arki" / f"{name}.html").read_text(encoding="utf-8"))
        assert 0 < len(rows) <= PAGE_SIZE
        seen.extend(rows)
    assert sorted(seen) == sorted(p.id for p in arki)
    # The tier page itself no longer carries the whole table.
    assert "<tbody>" not in tier_html


def test_partner_index_is_split_too(scale_site: ScaleSite) -> None:
    index_html = (scale_site.root / "kumppanit" / "index.html").read_text(encoding="utf-8")
    pages = list(dict.fromkeys(re.findall(r'<a href="aakkosittain/([a-z0-9-]+)\.html"', index_html)))
    found: list[str] = []
    for name in pages:
        html = (scale_site.root / "kumppanit" / "aakkosittain" / f"{name}.html").read_text(encoding="utf-8")
        found.extend(re.findall(r'<li><a href="\.\./([^"/]+)\.html">', html))
    assert sorted(found) == sorted(p.id for p in scale_site.toolbox.partners)


def test_filter_finds_partners_by_name_field_and_team_across_all_pages(scale_site: ScaleSite, browser: Any) -> None:
    toolbox = scale_site.toolbox
    arki = _arki(toolbox)
    team_of = {c.id: c.team for c in toolbox.contacts}
    page = browser.new_page()
    try:
        page.goto(f"{scale_site.url}/tasot/arki.html")
        page.wait_for_selector(".pk-filter[data-ready]")
        # Labels name every control (the accessible name is what the test finds them by).
        name_box = page.get_by_label("Nimi sisältää")
        field_box = page.get_by_label("Toimiala")
        team_box = page.get_by_label("Tiimi")
        # A name from the last alphabetical page: the filter searches the whole tier, not the current page.
        target = sorted(arki, key=lambda p: p.name.lower())[-1]
        word = target.name.split()[0]
        name_box.fill(word)
        name_box.press("Enter")
        page.wait_for_selector(".pk-filter__results li")
        expected = [p for p in arki if word.lower() in p.name.lower()]
        status = page.locator(".pk-filter__status")
        assert status.get_attribute("role") == "status"
        assert f"{len(expected)} kumppani" in status.inner_text()
        links = page.locator(".pk-filter__results a")
        assert target.name in links.all_inner_texts()
        links.filter(has_text=target.name).first.click()
        page.wait_for_url(re.compile(rf"/kumppanit/{re.escape(target.id)}\.html$"))
        page.go_back()
        page.wait_for_selector(".pk-filter[data-ready]")
        # Field and team together, no name: count against the content.
        name_box.fill("")
        field = target.field
        field_box.select_option(label=field)
        teams = sorted({team_of[c] for p in arki for coop in p.cooperations if coop.tier == "arki"
                        for c in coop.contacts})
        team_id = teams[0]
        team_name = next(t.name for t in toolbox.teams if t.id == team_id)
        team_box.select_option(label=team_name)
        page.get_by_role("button", name="Suodata").click()
        wanted = [p for p in arki if p.field == field and any(
            team_of[c] == team_id for coop in p.cooperations if coop.tier == "arki" for c in coop.contacts)]
        if wanted:
            page.wait_for_selector(".pk-filter__results li")
            expected_text = "1 kumppani." if len(wanted) == 1 else f"{len(wanted)} kumppania."
        else:
            expected_text = "Ei yhtään kumppania"
        page.wait_for_function("text => document.querySelector('.pk-filter__status').textContent.includes(text)",
                               arg=expected_text)
        shown = sorted(page.locator(".pk-filter__results a").all_inner_texts())
        assert shown == sorted(p.name for p in wanted)[:100]
    finally:
        page.close()


def test_alphabetical_pages_are_reachable_by_letter_links(scale_site: ScaleSite, browser: Any) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{scale_site.url}/tasot/arki.html")
        letters = page.locator("nav.pk-letters a")
        assert letters.count() >= 5
        last = letters.nth(letters.count() - 1)
        letter = last.inner_text()
        last.click()
        page.wait_for_load_state()
        anchor = page.url.split("#", 1)[1]
        assert anchor.startswith("kirjain-")
        anchored = page.locator(f"tr#{anchor}")
        assert anchored.count() == 1
        assert initial_of(anchored.locator("th a").first.inner_text()) == letter
    finally:
        page.close()


def test_site_search_finds_a_partner_from_the_header(scale_site: ScaleSite, browser: Any) -> None:
    target = sorted(scale_site.toolbox.partners, key=lambda p: p.id)[len(scale_site.toolbox.partners) // 2]
    word = max(target.name.split(), key=len)
    page = browser.new_page()
    try:
        page.goto(f"{scale_site.url}/index.html")
        search = page.get_by_label("Hae sivustolta")
        search.fill(word)
        search.press("Enter")
        page.wait_for_url(re.compile(r"/haku\.html\?q="))
        page.wait_for_selector(".pk-search-result")
        titles = page.locator(".pk-search-result a").all_inner_texts()
        assert any(word in title for title in titles)
        status = page.locator(".pk-search__status")
        assert status.get_attribute("role") == "status" and "osum" in status.inner_text()
        # Keyboard: the search page's own field has a label and takes a new query with Enter.
        page.get_by_label("Hakusana").fill("xyzzyeiloydy")
        page.get_by_label("Hakusana").press("Enter")
        page.wait_for_function("() => document.querySelector('.pk-search__status').textContent.includes('ei löytynyt')")
    finally:
        page.close()


def test_filter_with_more_matches_than_it_shows_has_no_axe_violations(scale_site: ScaleSite, browser: Any) -> None:
    # Only a listing this long reaches the filter's "show the next ones" state (the sample has too few partners).
    from site_tests.test_a11y import AXE, _axe, _scheme

    assert AXE.is_file(), "axe-core is missing: run `make test`, which installs it with npm"
    names = [p.name.lower() for p in _arki(scale_site.toolbox)]
    letter = max("abcdefghijklmnopqrstuvwxyzåäö", key=lambda c: sum(c in name for name in names))
    count = sum(letter in name for name in names)
    assert count > 200
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{scale_site.url}/tasot/arki.html")
        page.locator("#pk-filter-name").press_sequentially(letter)
        more = page.locator(".pk-filter__more")
        more.wait_for()
        assert f"Löytyi {count} kumppania. Näytetään ensimmäiset 100." in page.locator(".pk-filter__status").inner_text()
        more.click()
        # The name field's "change" on losing focus to the button must not undo it (the filter waits 200 ms).
        page.wait_for_timeout(600)
        assert page.locator(".pk-filter__results li").count() == 200
        assert more.is_visible()
        assert _axe(page) == []
        page.locator("label.md-header__button[for='__palette_1']").click()
        assert _scheme(page) == "slate"
        assert _axe(page) == []
    finally:
        page.close()
