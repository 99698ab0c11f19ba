"""Finnish alphabetical order (collation.py): one key for every sorted listing, checked with planted names."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from partnerkit.collation import collation_key, initial_of
from partnerkit.render import make_environment
from partnerkit.render.browse import paginate
from tests.conftest import MINIMAL, site_for, toolbox_of

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# The planted names in the order a Finnish reader expects: accents ignored (É as E), W its own letter after V,
# Ü as Y, Å Ä Ö after Z in that order, Æ as Ä and Ø as Ö; case decides only between otherwise equal names.
EXPECTED = ["2. kerros", "abc-Palvelu", "Éclair Oy", "Ehta", "Vesi", "Wiki", "Über-kurssi", "Yhteys", "Zeta",
            "Åland-vierailu", "Ærø Oy", "Ääniopas", "Äänite", "Öljy", "Ørsted", "Östanå"]


def test_planted_names_sort_in_finnish_order() -> None:
    shuffled = sorted(EXPECTED, key=lambda name: name[::-1])
    assert sorted(shuffled, key=collation_key) == EXPECTED
    assert [initial_of(name) for name in ("Éclair", "Über", "Ærø", "Ørsted", "åbo", "ßaari", "'X'")] == \
        ["E", "Y", "Ä", "Ö", "Å", "S", "#"]
    # Names equal but for case: code point order decides, so the order never depends on the input's order.
    assert sorted(["abc", "Abc", "ABC"], key=collation_key) == ["ABC", "Abc", "abc"]


def test_every_listing_of_the_site_uses_the_finnish_order() -> None:
    toolbox = toolbox_of(MINIMAL)
    method, partner, contact = toolbox.methods[0], toolbox.partners[0], toolbox.contacts[0]
    shuffled = sorted(EXPECTED, key=lambda name: name[::-1])
    ids = {name: f"n{number}" for number, name in enumerate(shuffled)}
    toolbox = replace(
        toolbox,
        methods=tuple(replace(method, id=ids[n], title=n) for n in shuffled),
        partners=tuple(replace(partner, id=ids[n], name=n) for n in shuffled),
        contacts=(*toolbox.contacts, *(replace(contact, id=ids[n], name=n) for n in shuffled)))
    pages = site_for(toolbox, "internal", make_environment(TEMPLATES)).pages
    tier = method.tiers[0]
    titles = re.findall(r'<li><a href="\.\./menetelmat/n\d+\.html">([^<]+)</a>', pages[f"tasot/{tier}.md"])
    assert [t.replace("&amp;", "&") for t in titles] == EXPECTED
    # The methods page lists them under each tier; the partner list and the people page list everyone.
    for path in ("menetelmat/index.md", "kumppanit/index.md", "henkilot/index.md"):
        for section in pages[path].split("\n## "):
            found = [name for name in re.findall(r'<a href="[^"]*\bn\d+\.html">([^<]+)</a>', section)
                     if name in EXPECTED]
            assert found in ([], EXPECTED), path
        assert EXPECTED[0] in pages[path], path
    # Split listings file the same names under their letters in the same order.
    pages_of = paginate(sorted(shuffled, key=collation_key), str, "x", page_size=3)
    assert [n for page in pages_of for n in page.items] == EXPECTED
