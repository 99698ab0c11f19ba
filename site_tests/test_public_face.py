"""The public build is a page for companies: what we offer and one way in, found by search engines (sitemap,
canonical links, descriptions, Open Graph, schema.org JSON-LD parsed by a JSON-LD processor), with no staff page or
staff chrome; and a company visitor's tasks in Chromium within their click budgets."""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from markupsafe import escape
from pyld import jsonld

from partnerkit.audience import PUBLIC, view_for
from partnerkit.builders.site import read_site_url
from partnerkit.pipeline import Project
from site_tests.conftest import ROOT, BuiltSite

SCHEMA = "https://schema.org/"
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _article(text: str) -> str:
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', text, re.S)
    assert match, "page has no article"
    return match.group(1)


def _pages(site: BuiltSite) -> list[str]:
    return sorted(p.relative_to(site.root).as_posix() for p in site.root.rglob("*.html"))


def test_public_home_is_a_page_for_a_company(built_public: BuiltSite) -> None:
    toolbox = built_public.toolbox
    public = toolbox.public
    assert public is not None
    article = _article(built_public.html("index.html"))
    assert f">{html.escape(public.title)}</h1>" in article
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", article)
    assert headings == ["Mitä tarjoamme", "Miksi tehdä yhteistyötä kanssamme", "Näin pääsette alkuun",
                        "Yhteys aloittain", "Kumppaneitamme"]
    # Texts the templates write are escaped by Jinja (markupsafe: an apostrophe is &#39;).
    # What we offer: every service, linked; why: every benefit; one way in, then one channel per field.
    for service in toolbox.services:
        assert f'href="palvelut/{service.id}.html">{escape(service.title)}</a>' in article
    assert all(escape(benefit) in article for benefit in public.benefits)
    teams = {team.id: team for team in toolbox.teams}
    channel = teams[public.contact_team].email if public.contact_team else public.contact_email
    assert f'Ota yhteyttä: <a href="mailto:{channel}">' in article
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td><a href="mailto:([^"]+)">', article)
    assert rows == [(escape(item.field), teams[item.team].email if item.team else item.email)
                    for item in public.field_contacts]
    # The published partners as references, and nothing of the staff's introduction.
    for partner in view_for(toolbox, PUBLIC).partners:
        assert f'href="kumppanit/{partner.id}.html">{escape(partner.name)}</a>' in article
    assert toolbox.introduction.split(".")[0] not in html.unescape(built_public.html("index.html"))
    assert "Näin käytät työkalupakkia" not in article and "Keskeiset käsitteet" not in article


def test_public_build_has_no_staff_page_or_chrome(built: BuiltSite, built_public: BuiltSite) -> None:
    repo = "git.jarvilaakso.example"
    # The staff build has them all (so the markers below are the real ones) ...
    staff = built.html("index.html")
    # (The staff build has no repository button either since main's Finnish chrome; the public scan still looks.)
    assert repo in staff and "Julkaisu Moodleen" in staff
    assert 'id="pk-filter-team"' in built.html("kumppanit/index.html")
    assert 'rel="edit"' in built.html("kumppanit/index.html") or 'rel="edit"' in built.html("oppaat/index.html")
    # ... the public build none: no repository button or edit links, no team filter, no staff pages or guides.
    for folder in ("yllapito", "muutokset", "tasot", "menetelmat", "henkilot"):
        assert not (built_public.root / folder).exists(), folder
    for guide in built_public.toolbox.guides:
        assert (built_public.root / "oppaat" / f"{guide.id}.html").exists() == (not guide.staff_only), guide.id
    found = []
    for path in _pages(built_public):
        text = built_public.html(path)
        for marker in ('class="md-source"', repo, 'rel="edit"', 'id="pk-filter-team"', "Julkaisu Moodleen",
                       "Muutokset ja tarkistukset", "intra.jarvilaakso.example", 'href="yllapito/',
                       'muutokset/index.html'):
            if marker in text:
                found.append(f"{path}: {marker}")
    assert found == []


def test_every_public_page_has_search_engine_metadata(built: BuiltSite, built_public: BuiltSite) -> None:
    site_url = read_site_url(Project(ROOT))
    assert site_url == "https://kumppanit.jarvilaakso.example/"
    pages = [path for path in _pages(built_public) if path != "404.html"]
    sitemap = gzip.decompress((built_public.root / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    assert sorted(re.findall(r"<loc>(.*?)</loc>", sitemap)) == sorted(site_url + path for path in pages)
    descriptions = {}
    for path in pages:
        head = built_public.html(path).split("</head>")[0]
        assert f'<link rel="canonical" href="{site_url}{path}">' in head, path
        assert f'<meta property="og:url" content="{site_url}{path}">' in head, path
        found = re.findall(r'<meta name="description" content="([^"]+)">', head)
        assert len(found) == 1 and found == re.findall(r'<meta property="og:description" content="([^"]+)">', head)
        assert re.search(r'<meta property="og:title" content="[^"]+">', head), path
        assert "Parasta" not in found[0] and len(html.unescape(found[0])) <= 160, path
        descriptions[path] = found[0]
    # Each page says what it is: no two pages share a description.
    assert len(set(descriptions.values())) == len(descriptions)
    # The staff build stays out of search engines, and carries none of this.
    assert '<meta name="robots" content="noindex, nofollow">' in built.html("index.html")
    assert "og:title" not in built.html("index.html") and "application/ld+json" not in built.html("index.html")


def _schema_org_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Resolve the schema.org context offline: every term in schema.org's vocabulary (as its own context does)."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA}}}


def _expanded(text: str) -> list[dict[str, Any]]:
    """Return a page's JSON-LD expanded by pyld (full IRIs); fails on anything that is not JSON-LD."""
    scripts = _JSON_LD.findall(text)
    assert len(scripts) == 1
    return jsonld.expand(json.loads(scripts[0]), {"documentLoader": _schema_org_loader})  # type: ignore[no-any-return]


def test_json_ld_of_the_institution_and_its_services(built_public: BuiltSite) -> None:
    toolbox = built_public.toolbox
    site_url = read_site_url(Project(ROOT))
    [home] = _expanded(built_public.html("index.html"))
    assert home["@type"] == [SCHEMA + "EducationalOrganization"]
    assert home[SCHEMA + "name"] == [{"@value": toolbox.institution}]
    offered = [offer[SCHEMA + "itemOffered"][0] for offer in home[SCHEMA + "makesOffer"]]
    assert [item[SCHEMA + "name"][0]["@value"] for item in offered] == [s.title for s in toolbox.services]
    assert all(item["@type"] == [SCHEMA + "Service"] for item in offered)
    teams = {team.id: team.email for team in toolbox.teams}
    for service in toolbox.services:
        [node] = _expanded(built_public.html(f"palvelut/{service.id}.html"))
        assert node["@type"] == [SCHEMA + "Service"]
        assert node[SCHEMA + "name"] == [{"@value": service.title}]
        assert node[SCHEMA + "url"] == [{"@id": f"{site_url}palvelut/{service.id}.html"}] or node[SCHEMA + "url"] == [
            {"@value": f"{site_url}palvelut/{service.id}.html"}]
        [provider] = node[SCHEMA + "provider"]
        assert provider["@type"] == [SCHEMA + "EducationalOrganization"] and provider["@id"] == site_url + "#organisaatio"
        [channel] = node[SCHEMA + "availableChannel"]
        email = teams[service.contact_team] if service.contact_team else service.contact_email
        assert channel[SCHEMA + "serviceUrl"][0]["@value"] == f"mailto:{email}"
    # Text that could end the script element is escaped inside it, and still reads back as written.
    assert all("</" not in script for path in _pages(built_public) for script in _JSON_LD.findall(
        built_public.html(path)))


# --- a company visitor's tasks in Chromium, each within its click budget -------------------------------------

@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def visitor(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A fresh tab at desktop or phone width."""
    context = browser.new_context(viewport={"width": request.param, "height": 900 if request.param > 400 else 844})
    page = context.new_page()
    yield page
    context.close()


def _follow(page: Any, words: re.Pattern[str]) -> None:
    """Click the first visible link of the page's article whose text matches words, as a reader scanning it."""
    links = page.locator("article a").filter(has_text=words)
    link = next(links.nth(i) for i in range(links.count()) if links.nth(i).is_visible())
    link.click()
    page.wait_for_load_state()


def test_a_company_finds_a_service_for_the_restaurant_field_and_its_contact(visitor: Any, public_url: str,
                                                                            built_public: BuiltSite) -> None:
    visitor.goto(f"{public_url}/index.html")
    clicks = 0
    while "Aloille:" not in visitor.locator("article").inner_text() or "Ravintola" not in visitor.locator(
            "article .pk-service-fields").first.inner_text():
        _follow(visitor, re.compile(r"Ravintola", re.I))
        clicks += 1
        assert clicks <= 3
    assert visitor.locator("article h1").inner_text().startswith("Ravintola")
    channel = visitor.locator("article .pk-channel a[href^='mailto:']")
    assert channel.is_visible()
    teams = {team.id: team.email for team in built_public.toolbox.teams}
    assert channel.get_attribute("href") == f"mailto:{teams['ravintola-ja-matkailu']}"
    assert clicks <= 3


def test_a_company_finds_whether_apprenticeships_are_offered(visitor: Any, public_url: str) -> None:
    visitor.goto(f"{public_url}/index.html")
    clicks = 0
    while visitor.locator("article h1").inner_text() != "Oppisopimuskoulutus":
        _follow(visitor, re.compile(r"oppisopimus", re.I))
        clicks += 1
        assert clicks <= 2
    assert "Näin pääsette alkuun" in visitor.locator("article").inner_text()
    assert visitor.locator("article .pk-channel a[href^='mailto:']").is_visible()
