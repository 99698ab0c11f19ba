"""What the search index holds of each page (render/search.py): type, tiers, sentences; no chrome, no fact dumps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from partnerkit.render.search import (EXPANSION_MARK, KINDS, SEARCH_BUNDLE_PAGES, SearchEntry, deal_documents,
                                      narrowing_term, search_bundles, search_document, search_documents)
from tests.conftest import MINIMAL, site_for, toolbox_of

SAMPLE = Path(__file__).resolve().parents[1]


def documents_of(audience: str) -> dict[str, str]:
    """Return the minimal project's search documents in the profile."""
    files = site_for(toolbox_of(MINIMAL), audience, make_environment(SHIPPED_TEMPLATES))
    return search_documents(files.search)


def body_of(document: str) -> str:
    """Return the text Pagefind indexes of a document (its body without the narrowing terms, tags removed)."""
    body = document.split("<body>", 1)[1]
    assert body.startswith('<p data-pagefind-weight="0">^^pk')
    return re.sub(r"<[^>]*>", " ", body.split("</p>", 1)[1])


def terms_of(document: str) -> list[str]:
    """Return the narrowing terms of a document."""
    first = document.split("<body>", 1)[1].split("</p>", 1)[0]
    return [word[len(EXPANSION_MARK):] for word in re.sub(r"<[^>]*>", "", first).split()]


def test_a_partner_is_indexed_with_its_type_tiers_field_and_sentences_only() -> None:
    document = documents_of("internal")["kumppanit/alfa-oy.html"]
    assert '<meta data-pagefind-meta="title[content]" content="Alfa &amp; Beta &#34;Testi&#34; Oy">' in document
    assert '<meta data-pagefind-meta="tyyppi[content]" content="Kumppani">' in document
    assert '<meta data-pagefind-meta="taso[content]" content="Arjen kumppanuudet · Kehittämiskumppanuudet">' in document
    assert terms_of(document) == [narrowing_term("tyyppi", "Kumppani"), narrowing_term("taso", "arki"),
                                  narrowing_term("taso", "kehittaminen")]
    assert '<meta data-pagefind-meta="tarkenne[content]" content="Ravintola-ala">' in document
    assert " ".join(body_of(document).split()) == (
        "Alfa &amp; Beta &quot;Testi&quot; Oy Ravintola-ala Työpaikalla järjestettävää koulutusta. Yhteinen kehityshanke.")


def test_facts_people_and_chrome_of_a_page_are_not_indexed() -> None:
    documents = documents_of("internal")
    text = " ".join(body_of(d) for d in documents.values())
    # Dates, addresses, e-mail and phone (fact lists), people named on partner pages, labels and the filter's
    # drop-down options are not words anyone searches a page by.
    for chrome in ("1.3.2026", "https://alfa.example", "maija.malli@testi.example", "040 000 0001",
                   "Tiedot tarkistettu", "Kaikki toimialat", "Suodata", "Lataa taulukkona", "Yhteyshenkilö:"):
        assert chrome not in text, chrome
    assert "Maija Malli" not in body_of(documents["kumppanit/alfa-oy.html"])
    # The person is found on her own page, by name and job title.
    assert "Maija Malli" in body_of(documents["henkilot/maija-malli.html"])
    # A tier page holds its own sentences, not the partners of its table nor the field choices of its filter.
    assert "Ravintola-ala" not in body_of(documents["tasot/arki.html"])
    assert "Alfa" not in body_of(documents["tasot/arki.html"])
    # Listings are found by their title only; the search page and alphabetical pages not at all.
    assert " ".join(body_of(documents["kumppanit/index.html"]).split()) == "Kumppanit"
    assert "haku.html" not in documents


@pytest.mark.parametrize(("path", "kind"), [("kumppanit/alfa-oy.html", "Kumppani"), ("henkilot/maija-malli.html",
                         "Henkilö"), ("menetelmat/tyopaikkakaynti.html", "Menetelmä"), ("oppaat/ohje.html", "Ohje"),
                         ("tasot/arki.html", "Taso"), ("tiimit/ravintola.html", "Tiimi"), ("index.html", "Muu sivu"),
                         ("henkilot/index.html", "Luettelo"), ("saavutettavuusseloste.html", "Muu sivu")])
def test_every_hit_says_what_it_is(path: str, kind: str) -> None:
    document = documents_of("internal")[path]
    assert f'<meta data-pagefind-meta="tyyppi[content]" content="{kind}">' in document
    assert terms_of(document)[0] == narrowing_term("tyyppi", kind)


def test_every_page_has_one_type_and_terms_are_no_words_nor_prefixes_of_each_other() -> None:
    documents = documents_of("internal")
    for path, document in documents.items():
        kinds = re.findall(r'data-pagefind-meta="tyyppi\[content\]" content="([^"]*)"', document)
        assert len(kinds) == 1 and kinds[0] in KINDS, path
    terms = {term for document in documents.values() for term in terms_of(document)}
    assert not [(a, b) for a in terms for b in terms if a != b and b.startswith(a)]
    assert not [term for term in terms if term in " ".join(body_of(d) for d in documents.values())]


def test_public_index_names_no_partner_tier_and_no_person() -> None:
    documents = documents_of("public")
    assert terms_of(documents["kumppanit/alfa-oy.html"]) == [narrowing_term("tyyppi", "Kumppani")]
    assert 'data-pagefind-meta="taso' not in documents["kumppanit/alfa-oy.html"]
    assert not [path for path in documents if path.startswith("henkilot/")]
    assert "Sisäinen huomio" not in " ".join(documents.values())
    # No method or tier pages (the staff's working tools, issue 15), so no tier narrowing at all.
    assert not [path for path in documents if path.startswith(("menetelmat/", "tasot/"))]
    assert not [term for document in documents.values() for term in terms_of(document)
                if term.startswith(narrowing_term("taso", "")[:-1])]


def test_hostile_text_is_escaped_and_cannot_pose_as_an_added_word() -> None:
    entry = SearchEntry('<script>x</script> "Oy"', "Kumppani", (("a", "A & B"),), 'Ala">', ("^^salainen sana",))
    document = search_document(entry, lambda word: ("lisä",) if word == "sana" else ())
    assert "<script>" not in document and 'Ala">' not in document
    assert 'content="A &amp; B"' in document
    # A word of the page that starts with the mark loses it: only added words carry it.
    assert "<p data-pagefind-weight=\"2\">^salainen sana ^^lisä</p>" in document
    assert EXPANSION_MARK == "^^"


def test_a_large_site_gets_bundles_of_at_most_the_set_size() -> None:
    # Up to twice the bundle size, one index (made alongside MkDocs); above it, bundles of at most the size.
    assert search_bundles(0) == search_bundles(2 * SEARCH_BUNDLE_PAGES) == ("pagefind",)
    assert search_bundles(2 * SEARCH_BUNDLE_PAGES + 1) == ("pagefind", "pagefind-2", "pagefind-3")
    assert search_bundles(22_749) == ("pagefind", *(f"pagefind-{number}" for number in range(2, 9)))
    assert search_bundles(6, bundle_pages=3) == ("pagefind",)
    assert search_bundles(7, bundle_pages=3) == ("pagefind", "pagefind-2", "pagefind-3")


def test_documents_are_dealt_to_the_bundles_in_path_order_whatever_order_they_come_in() -> None:
    documents = {f"kumppanit/{name}.html": name for name in ("e", "a", "d", "b", "c")}
    dealt = deal_documents(documents, ("pagefind", "pagefind-2"))
    assert dealt == {"pagefind": {"kumppanit/a.html": "a", "kumppanit/c.html": "c", "kumppanit/e.html": "e"},
                     "pagefind-2": {"kumppanit/b.html": "b", "kumppanit/d.html": "d"}}
    assert deal_documents(dict(reversed(documents.items())), ("pagefind", "pagefind-2")) == dealt
    assert deal_documents(documents, ("pagefind",)) == {"pagefind": documents}


def tree_of(folder: Path) -> dict[str, bytes]:
    """Return {relative path: bytes} of every file under folder."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def bundled_documents() -> dict[str, dict[str, str]]:
    """Return the minimal project's search documents dealt to three bundles."""
    return deal_documents(documents_of("internal"), ("pagefind", "pagefind-2", "pagefind-3"))


def test_bundles_indexed_two_at_a_time_equal_bundles_indexed_one_after_another(tmp_path, monkeypatch) -> None:
    from partnerkit.builders import pagefind

    trees = []
    for parallel in (1, 2):
        monkeypatch.setattr(pagefind, "PARALLEL_BUNDLES", parallel)
        site = tmp_path / f"site-{parallel}"
        site.mkdir()
        with pagefind.indexing_search(bundled_documents(), tmp_path / f"work-{parallel}", site):
            pass
        trees.append(tree_of(site))
    assert sorted({name.split("/")[0] for name in trees[0]}) == ["pagefind", "pagefind-2", "pagefind-3"]
    assert trees[0] == trees[1]


def test_a_failing_bundle_stops_the_others_and_moves_nothing_in(tmp_path) -> None:
    from partnerkit.builders import pagefind
    from partnerkit.write import OutputError

    site, work = tmp_path / "site", tmp_path / "work"
    site.mkdir()
    # Pagefind cannot write the second bundle's index where a file stands in the way.
    (work / "pagefind-2").mkdir(parents=True)
    (work / "pagefind-2" / "index").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as raised:
        with pagefind.indexing_search(bundled_documents(), work, site):
            pass
    assert raised.value.key == "out_os" and "pagefind-2" in str(raised.value)
    assert list(site.iterdir()) == []


@pytest.fixture(scope="module")
def sample_search() -> dict[str, dict[str, SearchEntry]]:
    """The sample's search entries in each profile (it has services and a field vocabulary)."""
    toolbox = toolbox_of(SAMPLE)
    return {audience: site_for(toolbox, audience, make_environment(SHIPPED_TEMPLATES)).search
            for audience in ("internal", "public")}


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_service_pages_are_found_as_services(sample_search: dict[str, dict[str, SearchEntry]], audience: str) -> None:
    entries = sample_search[audience]
    assert entries["palvelut/index.html"].kind == "Luettelo"
    services = {path: entry for path, entry in entries.items()
                if path.startswith("palvelut/") and path != "palvelut/index.html"}
    assert len(services) > 3 and {entry.kind for entry in services.values()} == {"Palvelu"}, services.keys()
    document = search_documents({"palvelut/x.html": next(iter(services.values()))})["palvelut/x.html"]
    assert terms_of(document)[0] == narrowing_term("tyyppi", "Palvelu")


def test_a_partner_is_found_by_its_field_groups_words_without_showing_them(
        sample_search: dict[str, dict[str, SearchEntry]]) -> None:
    # Lilja's field is "Kahvila- ja ravintola-ala" in the restaurant group, whose synonyms include "ruokapalvelut"
    # and "kokki": search finds the partner by them, weighted as its field; the page's own text stays as it was.
    entry = sample_search["internal"]["kumppanit/liljas-deli-bistro.html"]
    assert entry.lead == ("Kahvila- ja ravintola-ala",)
    assert {"Ravintola- ja ruokapalvelut", "ravintola", "kokki", "ruokapalvelut"} <= set(entry.terms)
    document = search_documents({"k.html": entry})["k.html"]
    added = re.search(r'<p data-pagefind-weight="2">(\^\^[^<]*)</p>', document)
    assert added is not None and {"^^kokki", "^^ruokapalvelut", "^^ravintola"} <= set(added.group(1).split())
    assert all(word.startswith(EXPANSION_MARK) for word in added.group(1).split())
