"""The search page over the sample's real index in Chromium: hits say what they are, excerpts are sentences, page
chrome is not found, and search can be narrowed by type and tier (kept in the address)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from .conftest import BuiltSite

STATUS = ".pk-search__status"
HITS = ".pk-search__results li"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def hits(page: Any) -> list[dict[str, str]]:
    """Return every hit shown: its page, title, type line and excerpt."""
    page.locator(STATUS).filter(has_text=re.compile(r"\S")).wait_for()
    return [{"href": str(li.locator("a").get_attribute("href")), "title": li.locator("a").inner_text(),
             "type": li.locator(".pk-search__type").inner_text(),
             "excerpt": li.locator(".pk-search__excerpt").inner_text() if li.locator(".pk-search__excerpt").count()
             else ""} for li in page.locator(HITS).all()]


def test_a_field_word_finds_partners_and_people_not_every_listing(page: Any, site_url: str) -> None:
    # The tier pages' filter offers every field in a drop-down: those options are not indexed.
    page.goto(f"{site_url}/haku.html?q=ravintola")
    found = hits(page)
    assert "kumppanit/ravintola-kuusiranta.html" in [hit["href"] for hit in found]
    assert not [hit["href"] for hit in found if hit["href"].startswith("tasot/") or hit["href"].endswith("/index.html")]


def test_hits_say_what_they_are_and_excerpts_are_sentences(page: Any, site_url: str, built: BuiltSite) -> None:
    page.goto(f"{site_url}/haku.html?q={quote('koulutussopimus')}")
    found = hits(page)
    kinds = {hit["type"].split(" · ")[0] for hit in found}
    assert {"Kumppani", "Menetelmä"} <= kinds <= {"Kumppani", "Palvelu", "Henkilö", "Menetelmä", "Ohje", "Taso",
                                                  "Tiimi", "Luettelo", "Muu sivu"}
    for hit in found:
        # No fact dumps (dates, business IDs, addresses), no added search words, never the title again.
        assert not re.search(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{7}-\d|https?:|\^\^", hit["excerpt"]), hit
        assert not hit["excerpt"].startswith(hit["title"]), hit
    assert "<mark>" not in page.locator(HITS).first.inner_text()
    assert page.locator(f"{HITS} mark").count() > 0
    # A partner's hit names its type, field and tiers; its excerpt opens with the cooperation's first sentence.
    partner = next(p for p in built.toolbox.partners if p.id == "ravintola-kuusiranta")
    page.goto(f"{site_url}/haku.html?q=Kuusiranta")
    hit = next(hit for hit in hits(page) if hit["href"] == f"kumppanit/{partner.id}.html")
    assert hit["type"] == f"Kumppani · {partner.field} · Arjen kumppanuudet · Kehittämiskumppanuudet"
    first = " ".join(partner.cooperations[0].description.split()).split(". ")[0]
    assert hit["excerpt"].startswith(first), hit


def test_search_is_narrowed_by_type_and_tier_and_the_address_keeps_it(page: Any, site_url: str) -> None:
    page.goto(f"{site_url}/haku.html?q=koulutussopimus")
    everything = hits(page)
    page.locator("#pk-search-type").select_option(label="Kumppani")
    page.locator(STATUS).filter(has_text=re.compile(r"rajauksella Kumppani[.;]")).wait_for()
    page.locator("#pk-search-tier").select_option(label="Kehittämiskumppanuudet")
    page.locator(STATUS).filter(has_text="rajauksella Kumppani, Kehittämiskumppanuudet").wait_for()
    narrowed = hits(page)
    assert 0 < len(narrowed) < len(everything)
    assert all(hit["type"].startswith("Kumppani · ") and "Kehittämiskumppanuudet" in hit["type"] for hit in narrowed)
    assert page.url.endswith("haku.html?q=koulutussopimus&tyyppi=Kumppani&taso=kehittaminen")
    # The narrowed search is a link that can be shared: opening it gives the same hits, choices made.
    page.goto(page.url)
    assert hits(page) == narrowed
    assert page.locator("#pk-search-tier").input_value() == "kehittaminen"
    # Without a query, the narrowing lists all of that type and tier.
    page.goto(f"{site_url}/haku.html?q=&tyyppi={quote('Henkilö')}&taso=strateginen")
    people = hits(page)
    assert people and all(hit["href"].startswith("henkilot/") and "Strategiset kumppanuudet" in hit["type"]
                          for hit in people)
    # A value the page does not offer is not taken from the address.
    page.goto(f"{site_url}/haku.html?q=koulutussopimus&tyyppi=%3Cscript%3E")
    assert page.locator("#pk-search-type").input_value() == ""
    assert len(hits(page)) == len(everything)
