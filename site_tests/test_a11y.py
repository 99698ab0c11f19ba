"""Accessibility in a real Chromium: axe-core (WCAG 2.0/2.1 A and AA) on every page type in both colour schemes,
keyboard-only use, and layout at desktop and phone widths (screenshots go to site_tests/artifacts/)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest

from site_tests.conftest import ARTIFACTS, INTERNAL_ONLY_PAGE_TYPES, PAGE_TYPES, ROOT, BuiltSite, page_of_type

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ("default", "slate")
DESKTOP, PHONE = 1280, 390
SEARCH_FIELD = "#pk-header-search"
SEARCH_RESULT = ".pk-search__results li a"
CASES = [
    (profile, page_type)
    for profile in ("internal", "public")
    for page_type in (*PAGE_TYPES, "search")
    if profile == "internal" or page_type not in INTERNAL_ONLY_PAGE_TYPES
]
# Dark-scheme colours are checked by axe at desktop width; its screenshots are taken where space is tightest.
LAYOUT_CASES = [("internal", DESKTOP, "default"), ("internal", PHONE, "default"), ("internal", PHONE, "slate"),
                ("public", DESKTOP, "default"), ("public", PHONE, "default")]

# Every element of the article must fit the viewport unless it sits in a region that scrolls sideways on purpose.
_CLIPPED_JS = """() => {
  const limit = window.innerWidth + 1;
  const scrollers = ".pk-table-wrap, .md-typeset__scrollwrap, pre, .highlight";
  return [...document.querySelectorAll("article *, .md-footer *")]
    .filter(el => el.getClientRects().length && !el.closest(scrollers))
    .filter(el => getComputedStyle(el).visibility !== "hidden")
    .filter(el => el.getBoundingClientRect().right > limit)
    .map(el => el.tagName.toLowerCase() + "." + el.className + ": " + (el.textContent || "").trim().slice(0, 60));
}"""
_ACTIVE_JS = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), cls: el.className || "", href: el.getAttribute("href") || "", id: el.id,
          role: el.getAttribute("role") || "", label: el.getAttribute("aria-label") || "",
          text: (el.textContent || "").trim().slice(0, 80),
          inArticle: !!el.closest("article"), inTable: !!el.closest("table"),
          inPrimaryNav: !!el.closest(".md-sidebar--primary")};
}"""


@pytest.fixture(scope="module")
def urls(site_url: str, public_url: str) -> dict[str, str]:
    """Base URL of each build profile."""
    return {"internal": site_url, "public": public_url}


@pytest.fixture(scope="module")
def sites(built: BuiltSite, built_public: BuiltSite) -> dict[str, BuiltSite]:
    """The built site of each profile."""
    return {"internal": built, "public": built_public}


@pytest.fixture(scope="module")
def tabs(browser: Any, urls: dict[str, str]) -> Iterator[dict[tuple[str, str], Any]]:
    """One browser tab per (profile, scheme); the dark scheme is chosen with the palette toggle, as a visitor would."""
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test`, which installs it with npm")
    opened: dict[tuple[str, str], Any] = {}
    for profile, url in urls.items():
        for scheme in SCHEMES:
            context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
            page = context.new_page()
            page.goto(f"{url}/index.html")
            if scheme == "slate":
                page.locator("label.md-header__button[for='__palette_1']").click()
            assert _scheme(page) == scheme
            opened[(profile, scheme)] = page
    yield opened
    for page in opened.values():
        page.context.close()


def _scheme(page: Any) -> str:
    return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))


def _search_query(site: BuiltSite) -> tuple[str, str]:
    """Return a query (the longest word of a publishable partner's name) and that partner's page."""
    partner = next(p for p in site.toolbox.partners if p.publishable)
    word = max(re.findall(r"\w+", partner.name), key=len)
    return word, f"kumppanit/{partner.id}.html"


def _open(page: Any, url: str, site: BuiltSite, page_type: str, profile: str) -> None:
    """Load a page of the type; "search" is the result page of a query sent from the header's search field."""
    if page_type != "search":
        page.goto(f"{url}/{page_of_type(site, page_type, profile)}")
        return
    page.goto(f"{url}/index.html")
    page.locator(SEARCH_FIELD).fill(_search_query(site)[0])
    page.locator(SEARCH_FIELD).press("Enter")
    _wait_for_results(page)


def _wait_for_results(page: Any) -> None:
    """Wait for the search page to show its results (the index is fetched in parts as the query needs)."""
    page.wait_for_url("**/haku.html?q=*")
    page.locator(SEARCH_RESULT).first.wait_for()


def _axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['failureSummary'][:200]}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("profile", "page_type"), CASES)
def test_page_type_has_no_axe_violations(
    tabs: dict[tuple[str, str], Any], urls: dict[str, str], sites: dict[str, BuiltSite],
    profile: str, page_type: str, scheme: str,
) -> None:
    page = tabs[(profile, scheme)]
    _open(page, urls[profile], sites[profile], page_type, profile)
    assert _scheme(page) == scheme
    assert _axe(page) == []


@pytest.mark.parametrize(("profile", "width", "scheme"), LAYOUT_CASES)
def test_layout_holds_and_screenshots_are_saved(
    tabs: dict[tuple[str, str], Any], urls: dict[str, str], sites: dict[str, BuiltSite],
    profile: str, width: int, scheme: str,
) -> None:
    page = tabs[(profile, scheme)]
    page.set_viewport_size({"width": width, "height": 900 if width == DESKTOP else 844})
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    try:
        for page_type in (*PAGE_TYPES, "search"):
            if profile == "public" and page_type in INTERNAL_ONLY_PAGE_TYPES:
                continue
            _open(page, urls[profile], sites[profile], page_type, profile)
            # A transition (the navigation drawer sliding shut) can reach outside the window for a moment.
            page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
            page.screenshot(path=str(ARTIFACTS / f"{profile}-{page_type}-{width}-{scheme}.png"), full_page=True)
            overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if overflow[0] > overflow[1]:
                problems.append(f"{page_type}: page is {overflow[0]} px wide in a {overflow[1]} px window")
            problems.extend(f"{page_type}: {item}" for item in page.evaluate(_CLIPPED_JS))
    finally:
        page.set_viewport_size({"width": DESKTOP, "height": 900})
    assert problems == [], "\n".join(problems)


def test_layout_check_covers_the_longest_partner_name(built: BuiltSite) -> None:
    # The layout test above must look at the longest name (a 141-character municipal authority in the sample).
    longest = max(built.toolbox.partners, key=lambda p: len(p.name))
    assert len(longest.name) > 100
    assert page_of_type(built, "partner") == f"kumppanit/{longest.id}.html"
    assert html.escape(longest.name) in built.html(page_of_type(built, "tier"))


@pytest.fixture
def keyboard_page(browser: Any) -> Iterator[Any]:
    """A fresh tab at desktop width."""
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _tab_until(page: Any, wanted: Any, limit: int = 80, key: str = "Tab") -> dict[str, Any]:
    """Press key until the focused element satisfies wanted; return it (fail after limit presses)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        active = page.evaluate(_ACTIVE_JS)
        seen.append(f"{active['tag']}.{active['cls']} {active['href']} {active['text'][:30]}")
        if wanted(active):
            return active
    raise AssertionError("never focused; focus went through:\n" + "\n".join(seen))


def test_skip_link_comes_first_and_moves_focus_to_content(keyboard_page: Any, site_url: str) -> None:
    page = keyboard_page
    page.goto(f"{site_url}/tasot/arki.html")
    page.keyboard.press("Tab")
    first = page.evaluate(_ACTIVE_JS)
    assert first["tag"] == "a" and "md-skip" in first["cls"] and first["text"] == "Hyppää sisältöön"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == first["href"]
    page.keyboard.press("Tab")
    after = page.evaluate(_ACTIVE_JS)
    assert after["inArticle"], after


def test_navigation_links_are_reachable_by_keyboard(keyboard_page: Any, site_url: str, built: BuiltSite) -> None:
    page = keyboard_page
    page.goto(f"{site_url}/index.html")
    last = built.toolbox.tiers[-1]
    _tab_until(page, lambda a: a["inPrimaryNav"] and a["href"] == f"tasot/{last.id}.html")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tasot/{last.id}.html")


def test_phone_menu_opens_by_keyboard_and_closed_menu_is_skipped(keyboard_page: Any, site_url: str) -> None:
    page = keyboard_page
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(f"{site_url}/index.html")
    # With the drawer closed, Tab must not wander into the hidden navigation.
    for _ in range(12):
        page.keyboard.press("Tab")
        assert not page.evaluate(_ACTIVE_JS)["inPrimaryNav"]
    page.goto(f"{site_url}/index.html")
    button = _tab_until(page, lambda a: a["role"] == "button" and a["label"] == "Valikko", limit=5)
    assert button["tag"] == "label"
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('__drawer').checked")
    assert page.evaluate(_ACTIVE_JS)["inPrimaryNav"]
    _tab_until(page, lambda a: a["inPrimaryNav"] and a["href"] == "tasot/arki.html", limit=20)
    page.keyboard.press("Enter")
    page.wait_for_url("**/tasot/arki.html")


def test_search_opens_types_and_follows_by_keyboard(keyboard_page: Any, site_url: str, built: BuiltSite) -> None:
    page = keyboard_page
    query, target = _search_query(built)
    page.goto(f"{site_url}/index.html")
    field = _tab_until(page, lambda a: a["id"] == SEARCH_FIELD.lstrip("#"), limit=8)
    assert field["tag"] == "input"
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    _wait_for_results(page)
    _tab_until(page, lambda a: a["href"].endswith(target), limit=40)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{target}")


@pytest.mark.parametrize("width", (DESKTOP, PHONE))
def test_table_rows_are_reachable_by_keyboard(keyboard_page: Any, site_url: str, built: BuiltSite, width: int) -> None:
    page = keyboard_page
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{site_url}/{page_of_type(built, 'tier')}")
    rows = page.locator("article table tbody tr").count()
    assert rows > 5
    _tab_until(page, lambda a: a["inTable"], limit=120)
    reached = 1
    while reached < rows:
        active = _tab_until(page, lambda a: a["inTable"] and a["href"].startswith("../kumppanit/"), limit=25)
        box = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect(); "
                            "return [r.left, r.right, window.innerWidth]; })()")
        assert 0 <= box[0] and box[1] <= box[2] + 1, (active, box)
        reached += 1
