"""The built sample site: every record where it should be, every internal link resolving."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from partnerkit.collation import collation_key
from site_tests.conftest import BuiltSite


class _Links(HTMLParser):
    """Collect link targets and element ids of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(str(values[name]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _main(html: str) -> str:
    """Return the page's article, without navigation and header."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert match, "page has no article"
    return match.group(1)


def test_every_page_exists(built: BuiltSite) -> None:
    toolbox = built.toolbox
    expected = ["index.html", "kumppanit/index.html", "menetelmat/index.html", "oppaat/index.html",
                "henkilot/index.html", "tiimit/index.html", "404.html"]
    expected += [f"tasot/{t.id}.html" for t in toolbox.tiers]
    expected += [f"kumppanit/{p.id}.html" for p in toolbox.partners]
    expected += [f"menetelmat/{m.id}.html" for m in toolbox.methods]
    expected += [f"oppaat/{g.id}.html" for g in toolbox.guides]
    expected += [f"henkilot/{c.id}.html" for c in toolbox.contacts]
    expected += [f"tiimit/{t.id}.html" for t in toolbox.teams]
    missing = [page for page in expected if not (built.root / page).is_file()]
    assert missing == []
    assert len(expected) > 100


def test_every_internal_link_resolves(built: BuiltSite) -> None:
    pages = sorted(built.root.rglob("*.html"))
    ids = {page: _parse(page).ids for page in pages}
    broken = []
    checked = 0
    for page in pages:
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            # Only the 404 page uses root-relative links (it is served for any missing path).
            base = built.root if parts.path.startswith("/") else page.parent
            target = (base / unquote(parts.path.lstrip("/"))).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(built.root)} -> {link}")
            # A fragment starting with "/" is a route inside the web editor's page (muokkaa/), not an anchor.
            elif parts.fragment and not parts.fragment.startswith("/") and target.suffix == ".html" \
                    and parts.fragment not in ids.get(target, _parse(target).ids):
                broken.append(f"{page.relative_to(built.root)} -> {link} (no such anchor)")
    assert broken == []
    assert checked > 2000


def test_tier_pages_list_their_partners_methods_and_contacts(built: BuiltSite) -> None:
    toolbox = built.toolbox
    contacts = {c.id: c for c in toolbox.contacts}
    for tier in toolbox.tiers:
        article = _main(built.html(f"tasot/{tier.id}.html"))
        # Ended cooperations stay out of the tier tables (their pages and the list of ended ones keep them).
        partners = [(p, c) for p in toolbox.partners if p.status != "ended" for c in p.cooperations if c.tier == tier.id]
        ended = [p for p in toolbox.partners if p.status == "ended" and any(c.tier == tier.id for c in p.cooperations)]
        assert not any(f'href="../kumppanit/{p.id}.html"' in article for p in ended), tier.id
        methods = [m for m in toolbox.methods if tier.id in m.tiers]
        for partner, coop in partners:
            assert f'href="../kumppanit/{partner.id}.html"' in article, (tier.id, partner.id)
            for contact_id in coop.contacts:
                assert f'<a href="../henkilot/{contact_id}.html">{contacts[contact_id].name}</a>' in article
        for method in methods:
            assert f'href="../menetelmat/{method.id}.html"' in article, (tier.id, method.id)
        assert article.count("<tr>") == len(partners) + 1
        assert article.index("Määritelmä") < article.index("Menetelmät ja työkalut") < article.index("Kumppanit")


def test_partner_at_two_tiers_is_on_both_tier_pages_and_has_one_page(built: BuiltSite) -> None:
    multi = [p for p in built.toolbox.partners if len(p.cooperations) >= 2 and p.status != "ended"]
    assert len(multi) >= 5
    for partner in multi:
        for coop in partner.cooperations:
            assert f'href="../kumppanit/{partner.id}.html"' in built.html(f"tasot/{coop.tier}.html")
        page = _main(built.html(f"kumppanit/{partner.id}.html"))
        for coop in partner.cooperations:
            assert f'href="../tasot/{coop.tier}.html"' in page
        people = page.split("Kaikki tämän kumppanin kanssa työskentelevät", 1)[1]
        for contact_id in partner.contact_ids:
            assert f'href="../henkilot/{contact_id}.html"' in people
    # One page per partner, the index, and the list of ended partnerships.
    assert len(list((built.root / "kumppanit").glob("*.html"))) == len(built.toolbox.partners) + 2
    assert (built.root / "kumppanit" / "paattyneet.html").is_file()


def test_contact_pages_list_what_they_are_contact_for(built: BuiltSite) -> None:
    for contact in built.toolbox.contacts:
        page = _main(built.html(f"henkilot/{contact.id}.html"))
        for partner in built.toolbox.partners:
            if contact.id in partner.contact_ids:
                assert f'href="../kumppanit/{partner.id}.html"' in page, (contact.id, partner.id)
        assert f'href="../tiimit/{contact.team}.html"' in page


def test_navigation_follows_tier_order(built: BuiltSite) -> None:
    html = built.html("index.html")
    nav = html[html.index('class="md-nav md-nav--primary"'):]
    positions = [nav.index(f"{number}. {tier.heading}") for number, tier in enumerate(built.toolbox.tiers, start=1)]
    assert positions == sorted(positions)
    assert nav.index(built.toolbox.tiers[-1].heading) < nav.index("Ohjeita ja oppaita")


def test_navigation_stays_small(built: BuiltSite) -> None:
    # The navigation is copied into every page; listing partners there makes the build quadratic.
    partner = built.toolbox.partners[0]
    nav_links = re.findall(r'class="md-nav__link', built.html(f"kumppanit/{partner.id}.html"))
    assert 10 < len(nav_links) < 40
    assert not any(f"kumppanit/{p.id}.html" in built.html("index.html") for p in built.toolbox.partners)


def test_generated_pages_link_to_their_yaml_source(built: BuiltSite) -> None:
    for partner in built.toolbox.partners[:10]:
        html = built.html(f"kumppanit/{partner.id}.html")
        assert re.search(rf'href="[^"]+/{re.escape(partner.source)}"[^>]*rel="edit"', html), partner.id
    assert re.search(r'href="[^"]+/content/tiers\.yaml"[^>]*rel="edit"', built.html("tasot/arki.html"))


def test_site_language_is_finnish(built: BuiltSite) -> None:
    assert '<html lang="fi"' in built.html("index.html")


def test_footer_has_no_english_theme_credit(built: BuiltSite) -> None:
    pages = sorted(built.root.rglob("*.html"))
    assert pages
    assert [p for p in pages if "Made with" in p.read_text(encoding="utf-8")] == []


# English or Git words Material would put into the staff site's chrome (the header's repository button reads
# "Git" and is titled "Mene repositoryyn"); a page's own content may of course name Git.
_CHROME_WORDS = ("Mene repositoryyn", "md-source", "md-header__source", "Made with")
_GIT_WORDS = re.compile(r"\bGit\b|\bcommit|\btag(?:i|it|ia|eja|in)?\b|repositor|\bpull request|\bmerge|"
                        r"\bbranch|\bhaara(?:ssa|an)?\b", re.I)
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
_ISO_DATE = re.compile(r">[^<]*\b20\d\d-\d\d-\d\d\b[^<]*<")
_CODE = re.compile(r"<pre.*?</pre>|<code.*?</code>", re.S)  # examples of YAML files keep the files' own format


def test_staff_chrome_is_finnish_and_dates_read_d_m_yyyy(built: BuiltSite) -> None:
    pages = sorted(built.root.rglob("*.html"))
    assert len(pages) > 50
    chrome = {str(p.relative_to(built.root)): [w for w in _CHROME_WORDS if w in p.read_text(encoding="utf-8")]
              for p in pages}
    assert {page: words for page, words in chrome.items() if words} == {}
    # Nor Git's words in what the site writes itself (the changes and review pages say "julkaisu" and "muutos"):
    # every page's text, without the guides' own texts (the team lead's guide may explain pull requests).
    guides = [html.escape(text, quote=False) for g in built.toolbox.guides for text in (g.summary, g.title)]
    git_words = {}
    for path in pages:
        relative = str(path.relative_to(built.root))
        if built.types.get(relative) == "guide" or relative.startswith("muokkaa/"):
            continue
        text = _TAGS.sub(" ", _CODE.sub("", path.read_text(encoding="utf-8")))
        for own in guides:
            text = text.replace(own, " ")
        if found := _GIT_WORDS.findall(text):
            git_words[relative] = found[:3]
    assert git_words == {}
    # Dates shown to readers are d.m.yyyy: no ISO date in any page's text (addresses and attributes may hold them).
    iso = {str(p.relative_to(built.root)): _ISO_DATE.findall(_CODE.sub("", p.read_text(encoding="utf-8")))[:2]
           for p in pages if "/muokkaa/" not in f"/{p.relative_to(built.root)}"}
    assert {page: found for page, found in iso.items() if found} == {}
    review = built.html("muutokset/tarkistettavat.html")
    assert re.search(r"Vertailupäivä on \d{1,2}\.\d{1,2}\.20\d\d ", review)


def test_methods_are_listed_by_title(built: BuiltSite) -> None:
    for tier in built.toolbox.tiers:
        html = built.html(f"tasot/{tier.id}.html")
        titles = re.findall(r'<li><a href="\.\./menetelmat/[^"]+\.html">([^<]+)</a>', html)
        assert titles and titles == sorted(titles, key=collation_key), tier.id
