"""Accessibility in a real Chromium: axe-core (WCAG 2.0/2.1 A and AA) on every page type the site renderer makes
and every state a visitor brings a page into, in both colour schemes; keyboard-only use; and layout at desktop and
phone widths (screenshots go to site_tests/artifacts/).

The page types are not a list kept by hand: test_every_page_type_has_an_axe_case renders the site of each profile,
names every page after the template that made it and fails when a type has no axe case here."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest

from partnerkit.audience import PROFILES
from site_tests.conftest import (ARTIFACTS, EDITOR_PAGES, ROOT, SPLIT_PAGE_TYPES, THEME_PAGES, BuiltSite,
                                 page_of_type, page_types, serving)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCHEMES = ("default", "slate")
DESKTOP, PHONE = 1280, 390
SEARCH_FIELD = "#pk-header-search"
SEARCH_RESULT = ".pk-search__results li a"
FILTER_FIELD = "#pk-filter-text"
FILTER_STATUS = ".pk-filter__status"
NOWHERE = "qxzqxz"  # a query no name or page of the sample holds (asserted where it is used)
# (profile, build, page type): "sample" is the sample as built; "split" the same content with long listings
# split into pages and every review overdue (conftest.render_split), for the types that look different there.
CASES = [(profile, "sample", page_type) for profile in PROFILES for page_type in page_types(profile)] + [
    (profile, "split", page_type) for profile in PROFILES for page_type in SPLIT_PAGE_TYPES[profile]]
# What a visitor does to a page before axe looks at it: type into a listing's filter (matches, or none), search
# (results, or none), open the navigation drawer at phone width. Public builds have no filter on tier pages.
STATES = {"internal": ("tier-filter-results", "tier-filter-empty", "tier-filter-cards", "partners-filter-results",
                       "search-results", "search-empty", "search-narrowed", "menu-open"),
          "public": ("partners-filter-results", "partners-filter-empty", "search-results", "search-empty",
                     "search-narrowed", "menu-open")}
STATE_CASES = [(profile, state) for profile in PROFILES for state in STATES[profile]]
# Both schemes are checked by axe at desktop width above. At phone width the layout test runs axe as well, in both
# schemes, on every page type of the sample and the split variant of each profile (Material lays the header and
# navigation out anew there).
LAYOUT_CASES = [("internal", DESKTOP, "default"), ("internal", PHONE, "default"), ("internal", PHONE, "slate"),
                ("public", DESKTOP, "default"), ("public", PHONE, "default"), ("public", PHONE, "slate")]

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
# At phone width the listing tables are cards (partnerkit.css): nothing in them may scroll sideways either.
_SCROLLING_TABLES_JS = """() => [...document.querySelectorAll(
    ".pk-table-wrap, .pk-table-wrap .md-typeset__scrollwrap, .pk-table-wrap .md-typeset__table, .pk-table-wrap table")]
  .filter(el => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + "." + el.className + " scrolls: " + el.scrollWidth + " > " + el.clientWidth)"""
_ACTIVE_JS = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), cls: el.className || "", href: el.getAttribute("href") || "", id: el.id,
          role: el.getAttribute("role") || "", label: el.getAttribute("aria-label") || "",
          text: (el.textContent || "").trim().slice(0, 80),
          inArticle: !!el.closest("article"), inTable: !!el.closest("table"),
          inPrimaryNav: !!el.closest(".md-sidebar--primary")};
}"""
# axe's WCAG A and AA rules on the document: its violations, and what it could not decide. axe leaves a text's
# contrast undecided when another element overlaps it (Material lays its logo over the drawer's title; the open
# drawer's overlay and the back-to-top button cover parts of the article): such texts are measured here against
# the backgrounds they sit on (their own and their ancestors', composed over white as axe does), WCAG 1.4.3.
# Anything else axe could not decide is reported, so nothing passes unchecked.
_AXE_JS = """async tags => {
  const parse = text => {
    const m = text.match(/^rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?\\)$/);
    return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const luminance = rgb => {
    const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = el => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return "background image " + style.backgroundImage.slice(0, 80) + " on " + node.tagName + "." + node.className;
      if (+style.opacity < 1) return "translucent (opacity " + style.opacity + ")";
      const bg = parse(style.backgroundColor);
      if (!bg) return "unreadable background " + style.backgroundColor;
      layers.push(bg);
    }
    let under = [255, 255, 255];
    for (const layer of layers.reverse()) under = over(layer, under);
    const style = getComputedStyle(el);
    const color = parse(style.color);
    if (!color) return "unreadable colour " + style.color;
    const [light, dark] = [luminance(over(color, under)), luminance(under)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    return ratio >= needed ? "" : "contrast " + ratio.toFixed(2) + " < " + needed;
  };
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations", "incomplete"], elementRef: true});
  const found = result.violations.flatMap(v => v.nodes.map(
    n => v.id + " (" + v.impact + "): " + JSON.stringify(n.target) + " " + n.failureSummary.slice(0, 200)));
  for (const v of result.incomplete) {
    for (const n of v.nodes) {
      const problem = v.id === "color-contrast" && n.element ? contrast(n.element) : "undecided by axe";
      if (problem) found.push(v.id + " (measured): " + n.html.slice(0, 120) + ": " + problem);
    }
  }
  return found;
}"""
_SETTLED_JS = "document.getAnimations().every(a => a.playState !== 'running')"


@pytest.fixture(scope="module")
def sites(built: BuiltSite, built_public: BuiltSite,
          built_split: dict[str, BuiltSite]) -> dict[tuple[str, str], BuiltSite]:
    """The built site of each (profile, build)."""
    return {("internal", "sample"): built, ("public", "sample"): built_public,
            **{(profile, "split"): site for profile, site in built_split.items()}}


@pytest.fixture(scope="module")
def urls(site_url: str, public_url: str, built_split: dict[str, BuiltSite]) -> Iterator[dict[tuple[str, str], str]]:
    """Base URL of each (profile, build)."""
    with serving(built_split["internal"].root) as internal, serving(built_split["public"].root) as public:
        yield {("internal", "sample"): site_url, ("public", "sample"): public_url,
               ("internal", "split"): internal, ("public", "split"): public}


@pytest.fixture(scope="module")
def tabs(browser: Any, urls: dict[tuple[str, str], str]) -> Iterator[dict[tuple[str, str, str], Any]]:
    """One browser tab per (profile, build, scheme); the dark scheme is chosen with the palette toggle, as a
    visitor would (the choice is remembered per site)."""
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `make test`, which installs it with npm")
    opened: dict[tuple[str, str, str], Any] = {}
    for (profile, build), url in urls.items():
        for scheme in SCHEMES:
            context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
            page = context.new_page()
            page.goto(f"{url}/index.html")
            if scheme == "slate":
                page.locator("label.md-header__button[for='__palette_1']").click()
            assert _scheme(page) == scheme
            opened[(profile, build, scheme)] = page
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


def _search(page: Any, url: str, query: str) -> None:
    """Send a query from the header's search field of the home page and wait for the search page's answer."""
    page.goto(f"{url}/index.html")
    page.locator(SEARCH_FIELD).fill(query)
    page.locator(SEARCH_FIELD).press("Enter")
    page.wait_for_url("**/haku.html?q=*")
    page.locator(".pk-search__status").filter(has_text=re.compile(r"\S")).wait_for()


def _wait_for_results(page: Any) -> None:
    """Wait for the search page to show its results (the index is fetched in parts as the query needs)."""
    page.wait_for_url("**/haku.html?q=*")
    page.locator(SEARCH_RESULT).first.wait_for()


def _filter_query(site: BuiltSite, names: list[str]) -> str:
    """Return a word that several of the listed names hold."""
    folded = [name.lower() for name in names]
    words = {w.lower() for name in names for w in re.findall(r"\w{3,}", name)}
    return max(sorted(words), key=lambda w: sum(w in name for name in folded))


def _type_into_filter(page: Any, query: str, matches: bool) -> None:
    """Type into the listing's filter as a visitor does and wait for its answer: some rows, or none."""
    field = page.locator(FILTER_FIELD)
    field.wait_for()
    field.press_sequentially(query, delay=20)
    # A slow machine may answer a part of the query first: wait for the answer to all of it.
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query)
    status = page.locator(FILTER_STATUS)
    status.filter(has_text="Näytetään" if matches else "Ei yhtään kumppania").wait_for()
    shown = page.locator("article .pk-partner-table tbody tr").count()
    if matches:
        count = int(re.search(r"Näytetään (\d+)", status.inner_text()).group(1))
        assert shown == min(count, 100) and shown > 0
    else:
        assert page.locator("article .pk-partner-table table").is_hidden()


def _bring_into_state(page: Any, url: str, site: BuiltSite, profile: str, state: str) -> None:
    """Load a page and bring it into the state by typing and clicking, as a visitor does."""
    if state == "search-results":
        _search(page, url, _search_query(site)[0])
        assert page.locator(SEARCH_RESULT).count() > 0
    elif state == "search-empty":
        _search(page, url, NOWHERE)
        assert page.locator(SEARCH_RESULT).count() == 0
        assert "ei löytynyt" in page.locator(".pk-search__status").inner_text()
    elif state == "search-narrowed":
        # Search, then narrow the hits to partners with the search page's type choice.
        _search(page, url, _search_query(site)[0])
        page.locator("#pk-search-type").select_option("Kumppani")
        page.locator(".pk-search__status").filter(has_text="rajauksella Kumppani").wait_for()
        assert page.locator(SEARCH_RESULT).count() > 0
    elif state == "tier-filter-cards":
        # A field group chosen on a phone: the filtered rows are cards.
        page.set_viewport_size({"width": PHONE, "height": 844})
        page.goto(f"{url}/{page_of_type(site, 'tier', profile)}")
        page.locator(".pk-filter[data-ready]").wait_for(state="attached")
        group = page.locator("#pk-filter-group option").nth(1).get_attribute("value")
        page.locator("#pk-filter-group").select_option(group)
        page.locator(FILTER_STATUS).filter(has_text="Näytetään").wait_for()
        row = page.locator("article .pk-partner-table tbody tr").first
        assert row.evaluate("r => getComputedStyle(r).display") == "block"
    elif state.startswith(("tier-filter", "partners-filter")):
        listing = page_of_type(site, state.split("-")[0], profile)
        page.goto(f"{url}/{listing}")
        names = page.locator("article .pk-partner-table th[scope=row] > a:first-child").all_inner_texts()
        assert names, f"no partners listed on {listing}"
        if state.endswith("results"):
            _type_into_filter(page, _filter_query(site, names), True)
        else:
            assert not any(NOWHERE in name.lower() for name in names)
            _type_into_filter(page, NOWHERE, False)
    elif state == "menu-open":
        page.set_viewport_size({"width": PHONE, "height": 844})
        # The public build has no tier pages: its drawer is opened on the services page.
        page.goto(f"{url}/{page_of_type(site, 'tier' if profile == 'internal' else 'services', profile)}")
        page.locator("label.md-header__button[for='__drawer']").click()
        assert page.evaluate("document.getElementById('__drawer').checked")
        page.wait_for_function(_SETTLED_JS)
        assert page.locator(".md-sidebar--primary").is_visible()
    else:
        raise AssertionError(f"unknown state {state}")


def _axe(page: Any) -> list[str]:
    """Run axe on the page; return its violations and whatever it could not decide and we could not check."""
    page.add_script_tag(path=str(AXE))
    return list(page.evaluate(_AXE_JS, AXE_TAGS))


@pytest.mark.parametrize("profile", PROFILES)
def test_every_page_type_has_an_axe_case(profile: str, sites: dict[tuple[str, str], BuiltSite]) -> None:
    # The types are read from what the site renderer makes (conftest.render_page_types, render_split), so a new
    # kind of page, or a page that changes when listings are split, fails here until it has an axe case.
    sample = sites[(profile, "sample")]
    built_pages = {str(p.relative_to(sample.root)) for p in sample.root.rglob("*.html")}
    editor = set(EDITOR_PAGES) if profile == "internal" else set()
    assert built_pages - set(sample.types) == set(THEME_PAGES) | editor
    assert set(sample.types) <= built_pages
    found = set(sample.types.values()) | set(THEME_PAGES.values())
    cased = set(page_types(profile))
    assert {"without an axe case": found - cased, "cased but never made": cased - found} == {
        "without an axe case": set(), "cased but never made": set()}
    split = sites[(profile, "split")]
    changed = {kind for path, kind in split.types.items() if sample.sources.get(path) != split.sources[path]}
    cased = set(SPLIT_PAGE_TYPES[profile])
    assert {"split, without an axe case": changed - cased, "split, cased but unchanged": cased - changed} == {
        "split, without an axe case": set(), "split, cased but unchanged": set()}
    # The page each case opens is of its type.
    for build, page_type in ((b, t) for p, b, t in CASES if p == profile and t not in THEME_PAGES.values()):
        site = sites[(profile, build)]
        assert site.types[page_of_type(site, page_type, profile)] == page_type


def test_every_page_template_makes_pages_under_axe() -> None:
    # Every page template of the site is met in some profile and build above (a template the sample never
    # reaches would escape the check).
    templates = {path.name.split(".")[0] for path in (ROOT / "templates" / "site").glob("*.md.j2")}
    assert templates - {t for _, _, t in CASES} == set(), "page templates no axe case opens"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("profile", "build", "page_type"), CASES)
def test_page_type_has_no_axe_violations(
    tabs: dict[tuple[str, str, str], Any], urls: dict[tuple[str, str], str],
    sites: dict[tuple[str, str], BuiltSite], profile: str, build: str, page_type: str, scheme: str,
) -> None:
    page = tabs[(profile, build, scheme)]
    page.goto(f"{urls[(profile, build)]}/{page_of_type(sites[(profile, build)], page_type, profile)}")
    assert _scheme(page) == scheme
    assert _axe(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("profile", "state"), STATE_CASES)
def test_page_state_has_no_axe_violations(
    tabs: dict[tuple[str, str, str], Any], urls: dict[tuple[str, str], str],
    sites: dict[tuple[str, str], BuiltSite], profile: str, state: str, scheme: str,
) -> None:
    page = tabs[(profile, "sample", scheme)]
    try:
        _bring_into_state(page, urls[(profile, "sample")], sites[(profile, "sample")], profile, state)
        assert _scheme(page) == scheme
        assert _axe(page) == []
    finally:
        page.set_viewport_size({"width": DESKTOP, "height": 900})


@pytest.mark.parametrize(("profile", "width", "scheme"), LAYOUT_CASES)
def test_layout_holds_and_screenshots_are_saved(
    tabs: dict[tuple[str, str, str], Any], urls: dict[tuple[str, str], str],
    sites: dict[tuple[str, str], BuiltSite], profile: str, width: int, scheme: str,
) -> None:
    problems = []
    ARTIFACTS.mkdir(exist_ok=True)
    visits = [(build, page_type) for p, build, page_type in CASES if p == profile] + [("sample", "search-results")]
    for build in ("sample", "split"):
        page = tabs[(profile, build, scheme)]
        page.set_viewport_size({"width": width, "height": 900 if width == DESKTOP else 844})
    try:
        for build, page_type in visits:
            page = tabs[(profile, build, scheme)]
            url, site = urls[(profile, build)], sites[(profile, build)]
            if page_type == "search-results":
                _bring_into_state(page, url, site, profile, page_type)
            else:
                page.goto(f"{url}/{page_of_type(site, page_type, profile)}")
            # A transition (the navigation drawer sliding shut) can reach outside the window for a moment.
            page.wait_for_function(_SETTLED_JS)
            name = f"{profile}-{page_type}{'-split' if build == 'split' else ''}-{width}-{scheme}"
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if overflow[0] > overflow[1]:
                problems.append(f"{name}: page is {overflow[0]} px wide in a {overflow[1]} px window")
            problems.extend(f"{name}: {item}" for item in page.evaluate(_CLIPPED_JS))
            if width == PHONE:
                problems.extend(f"{name}: {item}" for item in page.evaluate(_SCROLLING_TABLES_JS))
                # Material lays the header and navigation out anew at phone width: axe looks at that layout too.
                problems.extend(f"{name}: {item}" for item in _axe(page))
    finally:
        for build in ("sample", "split"):
            tabs[(profile, build, scheme)].set_viewport_size({"width": DESKTOP, "height": 900})
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
