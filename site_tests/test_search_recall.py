"""Search recall in staff words: realistic queries over the sample, each with the page staff expect in the top 5.

The queries run through the site's own search page (haku.html?q=...) in Debian's Chromium against the real
Pagefind index of the session's staff build, exactly as a member of staff would type them into the header's search.
recall@5 is the share of queries whose expected page is among the first five hits. The test holds the figure
reached so far as a floor and names every miss; the figure and the misses are also written to
site_tests/artifacts/search-recall.txt.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from .conftest import ARTIFACTS, BuiltSite, serving

TOP = 5
# (query as staff type it, the page they are looking for). Inflected forms, base forms of words the content only
# has inflected, compounds' parts, field words and the words staff use where the content uses the official term.
QUERIES: tuple[tuple[str, str], ...] = (
    # The official term is "koulutussopimus"; staff still say "harjoittelupaikka" or "työssäoppiminen".
    ("harjoittelupaikoista", "menetelmat/sopimuksen-kaynnistamisen-muistilista.html"),
    ("harjoittelupaikka", "menetelmat/sopimuksen-kaynnistamisen-muistilista.html"),
    ("työssäoppiminen", "menetelmat/sopimuksen-kaynnistamisen-muistilista.html"),
    # A base form whose inflected form changes its consonants (saattohoito -> saattohoidon).
    ("saattohoito", "kumppanit/hoivakoti-laakson-helmi.html"),
    ("toimeksianto", "menetelmat/opiskelijaprojekti-yritykselle.html"),
    ("uusi kumppani", "oppaat/uuden-kumppanin-kirjaaminen.html"),
    ("ammattitaidon näyttö", "kumppanit/ravintola-kuusiranta.html"),
    ("hävikki", "kumppanit/ravintola-kuusiranta.html"),
    ("kirjanpito", "kumppanit/tilitoimisto-tasevarma.html"),
    ("yritysvierailut", "menetelmat/yritysvierailu.html"),
    # A compound's part finds the compound (oppisopimus -> oppisopimusjaksot, ruokalista -> kasvisruokalistaa).
    ("oppisopimus rautakauppa", "kumppanit/jarvilaakson-rautapiste.html"),
    ("oppisopimus puutalo", "kumppanit/pohjoisen-puutalo.html"),
    ("ruokalista", "kumppanit/ravintola-kuusiranta.html"),
    ("ohjaajakoulutus", "menetelmat/tyopaikkaohjaajakoulutus-tilaisuus.html"),
    ("myyjä", "kumppanit/jarvilaakson-rautapiste.html"),
    ("hitsaus", "kumppanit/konepaja-terastaipale.html"),
    ("palkanlaskenta", "kumppanit/tilitoimisto-tasevarma.html"),
    ("perehdytyskansio", "kumppanit/hoivakoti-laakson-helmi.html"),
    # Field words: a partner by its line of business.
    ("ravintola", "kumppanit/ravintola-kuusiranta.html"),
    ("ravintola", "kumppanit/liljas-deli-bistro.html"),
    ("kahvila", "kumppanit/liljas-deli-bistro.html"),
    ("ravitsemisala", "kumppanit/hotelli-jarvenselka.html"),
    ("ruokapalvelut", "kumppanit/jarvilaakson-kaupungin-ateriapalvelut.html"),
    ("päihdetyö", "kumppanit/jarvilaakson-mielenterveysyhdistys.html"),
    ("logistiikka", "kumppanit/lakeuden-logistiikka.html"),
    ("hoivakoti", "kumppanit/hoivakoti-laakson-helmi.html"),
    # People by name or by role.
    ("Tuomas Kivilahti", "henkilot/tuomas-kivilahti.html"),
    ("oppisopimussuunnittelija", "henkilot/laura-kaislanen.html"),
    ("työelämäkoordinaattori", "henkilot/mikko-harjuniemi.html"),
    ("rehtori", "henkilot/outi-kangasniemi.html"),
    ("lähihoitaja", "henkilot/eveliina-saarijoki.html"),
    # Methods and guides by what they are about.
    ("työpaikkaohjaajan perehdytys", "menetelmat/tyopaikkaohjaajan-perehdytys-muistilista.html"),
    ("vertaisarviointi", "menetelmat/laatuverkoston-vertaisarviointi.html"),
    ("rekrytointi", "menetelmat/rekrytointitapahtuma.html"),
    ("ennakointi", "menetelmat/ennakointityopaja.html"),
    ("alumnit", "menetelmat/alumnitoiminta.html"),
    ("työpaikkakäynti", "menetelmat/tyopaikkakaynnit.html"),
    ("koulupäivä", "menetelmat/koulupaiva-tyopaikalla.html"),
    ("kansainvälinen liikkuvuus", "menetelmat/kansainvalinen-liikkuvuus.html"),
    ("palvelulupaus", "menetelmat/palvelulupaus-kumppaneille.html"),
    ("tietosuoja", "oppaat/tietosuoja-yhteistyossa.html"),
    ("työelämäpalaute", "oppaat/tyoelamapalaute.html"),
    ("kumppanuussopimus", "oppaat/kumppanuussopimuksen-laatiminen.html"),
    ("vuosisuunnittelu", "oppaat/tyokalupakki-vuosisuunnittelussa.html"),
    # Tiers by their name.
    ("strateginen kumppanuus", "tasot/strateginen.html"),
    ("kehittämiskumppanuus", "tasot/kehittaminen.html"),
)
# recall@5 reached so far (hits out of len(QUERIES)): a change that makes search find less fails here.
# Before any search work (Pagefind over each page's whole text): 37/46 = 0.80. With each page's own text, base forms
# and compound parts from Voikko and the declared synonyms: 46/46.
RECALL_FLOOR = 46


def top_hits(page: Any, url: str, query: str) -> list[str]:
    """Return the site paths of the first TOP hits the search page shows for query."""
    page.goto(f"{url}/haku.html?q={quote(query)}")
    # The status line speaks once the whole answer is shown (results and their count, or "nothing found").
    page.locator(".pk-search__status").filter(has_text=re.compile(r"\S")).wait_for()
    hrefs = page.locator(".pk-search__results li > a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    if not hrefs:
        # No hits: the status line says why (nothing found, or the index could not be loaded).
        return ["(" + page.locator(".pk-search__status").inner_text() + ")"]
    return [str(href) for href in hrefs[:TOP]]


def _pages_of_bundle(folder: Path) -> set[str]:
    """Return the site paths of the pages one bundle of the search index holds (read from its fragments)."""
    pages = set()
    for fragment in folder.glob("fragment/*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
        pages.add(str(data["url"]).lstrip("/"))
    return pages


def run_queries(browser: Any, url: str) -> dict[str, list[str]]:
    """Return {query: its first TOP hits} for every query, through the search page of the site at url."""
    context = browser.new_context()
    try:
        page = context.new_page()
        return {query: top_hits(page, url, query) for query, _ in QUERIES}
    finally:
        context.close()


def recall_report(hits: dict[str, list[str]]) -> tuple[int, list[str]]:
    """Return the number of queries whose expected page is in their top hits, and a report naming every miss."""
    misses = [f"{query!r}: {expected} not in top {TOP} {hits[query]}" for query, expected in QUERIES
              if expected not in hits[query]]
    found = len(QUERIES) - len(misses)
    return found, [f"recall@{TOP}: {found}/{len(QUERIES)} = {found / len(QUERIES):.2f}", *misses]


@pytest.fixture(scope="module")
def single(site_url: str, browser: Any) -> dict[str, list[str]]:
    """The queries' top hits over the session's staff build (its index in one bundle)."""
    return run_queries(browser, site_url)


def test_staff_queries_find_their_page_in_the_top_five(built: BuiltSite, single: dict[str, list[str]]) -> None:
    """At least RECALL_FLOOR of the staff queries have their expected page among the first five hits."""
    for _, expected in QUERIES:
        assert (built.root / expected).is_file(), f"expected page {expected} is not in the sample's build"
    found, report = recall_report(single)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "search-recall.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    assert found >= RECALL_FLOOR, "\n".join(report)


def test_an_index_in_bundles_finds_what_one_index_finds(built: BuiltSite, single: dict[str, list[str]],
                                                       built_split: dict[str, BuiltSite], browser: Any) -> None:
    """A large site's index comes in bundles merged by the search page: the same recall, hits from every bundle."""
    split = built_split["internal"].root
    bundles = sorted(p.name for p in split.iterdir() if p.name.startswith("pagefind"))
    assert len(bundles) >= 3 and (built.root / "pagefind").is_dir(), bundles
    assert not [p for p in built.root.iterdir() if p.name.startswith("pagefind-")], "the sample needs one bundle"
    assert f'data-pagefind-merge="{" ".join(b + "/" for b in bundles[1:])}"' in (split / "haku.html").read_text(
        encoding="utf-8")
    with serving(split) as url:
        merged = run_queries(browser, url)
    found, report = recall_report(merged)
    same = sum(1 for query in single if single[query] == merged[query])
    report.append(f"top {TOP} the same as with one index: {same}/{len(single)}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "search-recall-bundles.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    assert found >= RECALL_FLOOR, "\n".join(report)
    # Each bundle holds a share of the pages, and hits come from all of them.
    dealt = {page: bundle for bundle in bundles for page in _pages_of_bundle(split / bundle)}
    assert {dealt[hit] for hits in merged.values() for hit in hits if hit in dealt} == set(bundles)
