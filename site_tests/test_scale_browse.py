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
    # The tier page itself no longer carries the whole table: only an empty one the filter draws its matches into.
    assert tier_html.count("<tbody>") == 1 and re.search(r"<tbody>\s*</tbody>", tier_html)
    assert '<th scope="row">' not in tier_html


def test_partner_index_is_split_too(scale_site: ScaleSite) -> None:
    index_html = (scale_site.root / "kumppanit" / "index.html").read_text(encoding="utf-8")
    pages = list(dict.fromkeys(re.findall(r'<a href="aakkosittain/([a-z0-9-]+)\.html"', index_html)))
    found: list[str] = []
    for name in pages:
        html = (scale_site.root / "kumppanit" / "aakkosittain" / f"{name}.html").read_text(encoding="utf-8")
        found.extend(re.findall(r'<th scope="row"><a href="\.\./([^"/]+)\.html">', html))
    assert sorted(found) == sorted(p.id for p in scale_site.toolbox.partners)


def _text_of(toolbox: Toolbox, partner: Any) -> str:
    """Return what the filter's free text is looked for in on the arki table (the generated set has no vocabulary,
    so a field is its own group)."""
    coop = next(c for c in partner.cooperations if c.tier == "arki")
    team_of = {c.id: c.team for c in toolbox.contacts}
    people = [c.name for c in toolbox.contacts if c.id in coop.contacts]
    teams = [t.name for t in toolbox.teams if t.id in {team_of[c] for c in coop.contacts} | {coop.team}]
    return " ".join((partner.name, partner.field, partner.field, coop.description, *people, *teams)).lower()


def _shown(page: Any) -> list[str]:
    return page.locator("article .pk-partner-table tbody th[scope=row] > a:first-child").all_inner_texts()


def test_filter_draws_matches_from_every_page_into_the_table(scale_site: ScaleSite, browser: Any) -> None:
    toolbox = scale_site.toolbox
    arki = sorted(_arki(toolbox), key=lambda p: p.name.lower())
    team_of = {c.id: c.team for c in toolbox.contacts}
    page = browser.new_page()
    try:
        page.goto(f"{scale_site.url}/tasot/arki.html")
        page.wait_for_selector(".pk-filter[data-ready]")
        # Without a choice the long tier shows its letter pages and no table.
        assert page.locator("article .pk-partner-table table").is_hidden()
        text_box = page.get_by_label("Hakusana", exact=True)
        # A name from the last alphabetical page: the filter searches the whole tier, not the current page.
        target = arki[-1]
        word = max(target.name.split(), key=len).lower()
        text_box.fill(word)
        expected = [p for p in arki if word in _text_of(toolbox, p)]
        status = page.locator(".pk-filter__status")
        assert status.get_attribute("role") == "status"
        count = "1 kumppani" if len(expected) == 1 else f"{len(expected)} kumppania"
        status.filter(has_text=f"Näytetään {count} / {len(arki)}.").wait_for()
        assert sorted(_shown(page)) == sorted(p.name for p in expected)[:100] or len(expected) > 100
        assert page.locator("article .pk-partner-table thead th").count() == 4
        link = page.locator("article .pk-partner-table tbody").get_by_role("link", name=target.name, exact=True)
        link.click()
        page.wait_for_url(re.compile(rf"/kumppanit/{re.escape(target.id)}\.html$"))
        # Back on the tier page, the address brings the filtered view back.
        page.go_back()
        page.wait_for_selector(".pk-filter[data-ready]")
        status.filter(has_text=f"Näytetään {count} / {len(arki)}.").wait_for()
        # Field and team together, no text: count against the content.
        text_box.fill("")
        field = target.field
        page.get_by_label("Toimiala", exact=True).select_option(label=field)
        teams = sorted({team_of[c] for p in arki for coop in p.cooperations if coop.tier == "arki"
                        for c in coop.contacts})
        team_id = teams[0]
        team_name = next(t.name for t in toolbox.teams if t.id == team_id)
        page.get_by_label("Tiimi", exact=True).select_option(label=team_name)
        wanted = [p for p in arki if p.field == field and any(
            team_id in {team_of[c] for c in coop.contacts} | {coop.team} for coop in p.cooperations
            if coop.tier == "arki")]
        expected_text = (f"Näytetään {'1 kumppani' if len(wanted) == 1 else f'{len(wanted)} kumppania'} / "
                         if wanted else "Ei yhtään kumppania")
        status.filter(has_text=expected_text).wait_for()
        assert sorted(_shown(page)) == sorted(p.name for p in wanted)[:100]
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
    arki = _arki(scale_site.toolbox)
    word = "oy"
    count = sum(word in _text_of(scale_site.toolbox, p) for p in arki)
    assert count > 200
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{scale_site.url}/tasot/arki.html")
        page.locator("#pk-filter-text").press_sequentially(word)
        more = page.locator(".pk-filter__more")
        more.wait_for()
        page.locator(".pk-filter__status").filter(
            has_text=f"Näytetään {count} kumppania / {len(arki)}. Taulukossa ensimmäiset 100.").wait_for()
        assert page.locator("article .pk-partner-table tbody tr").count() == 100
        more.click()
        page.wait_for_timeout(300)
        assert page.locator("article .pk-partner-table tbody tr").count() == 200
        assert more.is_visible()
        assert _axe(page) == []
        page.locator("label.md-header__button[for='__palette_1']").click()
        assert _scheme(page) == "slate"
        assert _axe(page) == []
    finally:
        page.close()
