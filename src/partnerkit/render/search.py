"""The site search index's input: one small HTML document per searchable page, for Pagefind. Pure.

Pagefind indexes these documents instead of the built site: parsing 20,000 full pages of theme markup costs
seconds that their text does not need. A record's page (partner, method, guide, person, team, tier, the home page)
is indexed from the record itself, as the profile's view holds it: its title, its type and tiers (Pagefind
metadata, so a hit says what it is, and narrowing terms, so search can be narrowed by type and tier) and its
sentences. Nothing else of the page goes in: no navigation, footer, filter form or drop-down option, no fact list
(dates, business IDs, addresses), no table or people list that repeats other records, so an excerpt is a sentence
of the page's own subject and a field word finds the partners of that field, not every listing that offers it as a
choice. Pages that are not a record's (the statements, the Moodle guide) are indexed from their generated text
with the same chrome left out; listings by their title only.

Words that are not on the page but should find it are added right after the word they belong to, marked with
EXPANSION_MARK: Pagefind indexes them at that place, and the search page leaves them out of the excerpt it shows
(marking the page's own word instead). The documents are never shown to anyone, nor read by a screen reader: the
page a visitor opens is MkDocs' page.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from ..audience import Profile
from ..model import Toolbox
from ..schema import METHOD_KINDS
from .browse import is_listing_page

SEARCH_PAGE = "haku.md"
TYPE_KEY = "tyyppi"  # Pagefind metadata keys and the narrowing terms' names (the search page reads them)
TIER_KEY = "taso"
# Starts a word added for search (never a word of the page: see _visible_word). Pagefind drops "^" from the word
# it indexes (unlike "_", which Pagefind 1.5 keeps in words by default), so "^^saattohoito" is found as saattohoito.
EXPANSION_MARK = "^^"
# The types of hits in the order the search page offers them.
KIND_PARTNER, KIND_SERVICE, KIND_PERSON, KIND_METHOD, KIND_GUIDE, KIND_TIER, KIND_TEAM, KIND_LIST, KIND_PAGE = (
    "Kumppani", "Palvelu", "Henkilö", "Menetelmä", "Ohje", "Taso", "Tiimi", "Luettelo", "Muu sivu")
KINDS = (KIND_PARTNER, KIND_SERVICE, KIND_PERSON, KIND_METHOD, KIND_GUIDE, KIND_TIER, KIND_TEAM, KIND_LIST,
         KIND_PAGE)
# The staff's working tools: the public build has no method or tier pages (render/site.py).
_STAFF_KINDS = frozenset({KIND_METHOD, KIND_TIER})
# Pages that list other records (and are searchable on their own pages): found by their title only.
_LISTINGS = frozenset({"partners.md.j2", "contacts.md.j2", "teams.md.j2", "methods.md.j2", "guides.md.j2",
                       "ended.md.j2", "changes.md.j2", "review.md.j2", "services.md.j2"})
# The annual plans' pages (plans index, plan, year view) are not in the search index: reached from the navigation
# and the team pages. As title-only hits they changed how a large site's pages are dealt to index bundles, and the
# bundled index's recall fell (site_tests/test_search_recall.py); see the plans helper's report.
UNSEARCHED_FOLDERS = ("suunnitelmat/",)

# Pagefind holds a whole index in memory while it writes it: about 65 kB per page here, 1.5 GB for the 22,700
# pages of 20,000 partners. A site of more than twice this many searchable pages therefore gets its index as
# bundles of at most this many pages, and the search page merges them (Pagefind's mergeIndex). Pagefind indexes
# on one core, so two bundles are made at a time (builders/pagefind.py): two half-size bundles take the memory of
# one full one. A smaller site has the one bundle it always had.
SEARCH_BUNDLE_PAGES = 3000
SEARCH_BUNDLE = "pagefind"

# Expansions: (word of the page) -> words added after it for search.
Expand = Callable[[str], tuple[str, ...]]


@dataclass(frozen=True)
class SearchEntry:
    """What the search index holds of one page: plain texts, not yet escaped."""

    title: str
    kind: str  # one of KINDS
    tiers: tuple[tuple[str, str], ...] = ()  # (id, title) of the page's tiers, in the toolbox's order
    detail: str = ""  # a short line shown with the hit: a partner's field, a person's job title, a method's kind
    lead: tuple[str, ...] = ()  # weighted above the body: a field, a summary
    body: tuple[str, ...] = ()  # the page's sentences
    # Words the page is found by without showing them, weighted as the lead: the names and synonyms of a partner's
    # or service's field group and field (content/fields.yaml), so "ravintola" finds every restaurant partner.
    terms: tuple[str, ...] = ()


def search_synonyms(toolbox: Toolbox) -> tuple[tuple[str, ...], ...]:
    """Return the groups of words that mean the same in search: the declared synonyms, each concept's names."""
    concepts = tuple((c.term, *c.aliases) for c in toolbox.concepts if c.aliases)
    return (*toolbox.synonyms, *concepts)


def search_kinds(profile: Profile) -> tuple[str, ...]:
    """Return the types of hits a build of the profile has, in the order the search page offers them."""
    return tuple(kind for kind in KINDS
                 if (kind != KIND_PERSON or profile.people) and (kind not in _STAFF_KINDS or profile.staff_only))


def search_entries(pages: Mapping[str, str], emitted: Mapping[str, tuple[str, Mapping[str, Any]]],
                   toolbox: Toolbox, to_html: Callable[[str], str]) -> dict[str, SearchEntry]:
    """Return {built HTML path: entry} for every searchable page.

    pages are the generated pages, emitted their template and values by docs path (as the site renderer made
    them), toolbox the profile's view; to_html renders a Markdown text as the pages do.
    """
    tiers = {tier.id: tier.title for tier in toolbox.tiers}
    field_terms = {entry.name: (group.name, *group.synonyms, *entry.synonyms)
                   for group in toolbox.field_groups for entry in group.fields}
    order = {tier.id: number for number, tier in enumerate(toolbox.tiers)}
    teams = {team.id: team.name for team in toolbox.teams}
    contact_tiers: dict[str, set[str]] = defaultdict(set)
    for partner in toolbox.partners:
        for coop in partner.cooperations:
            for contact_id in (*coop.contacts, coop.deputy):
                if contact_id and coop.tier:
                    contact_tiers[contact_id].add(coop.tier)

    def tier_titles(ids: Any) -> tuple[tuple[str, str], ...]:
        # A view without tier classification has empty tier ids: no tier is named then.
        return tuple((t, tiers[t]) for t in sorted(set(ids), key=lambda t: order.get(t, 0)) if t in tiers)

    def text(markdown: str) -> str:
        return plain_text(to_html(markdown)) if markdown else ""

    entries: dict[str, SearchEntry] = {}
    for path in sorted(pages):
        if path == SEARCH_PAGE or is_listing_page(path) or path.startswith(UNSEARCHED_FOLDERS):
            continue
        template, values = emitted.get(path, ("", {}))
        entry: SearchEntry
        if template == "partner.md.j2":
            partner = values["partner"]
            entry = SearchEntry(partner.name, KIND_PARTNER, tier_titles(c.tier for c in partner.cooperations),
                                partner.field, (partner.field,),
                                (*(text(c.description) for c in partner.cooperations), text(partner.notes)),
                                field_terms.get(partner.field, ()))
        elif template == "method.md.j2":
            method = values["method"]
            kind = METHOD_KINDS[method.kind]
            entry = SearchEntry(method.title, KIND_METHOD, tier_titles(method.tiers),
                                "" if kind == KIND_METHOD else kind, (method.summary,), (text(method.body),))
        elif template == "guide.md.j2":
            guide = values["guide"]
            entry = SearchEntry(guide.title, KIND_GUIDE, (), "", (guide.summary,), (text(guide.body),))
        elif template == "service.md.j2":
            service = values["service"]
            entry = SearchEntry(service.title, KIND_SERVICE, tier_titles(service.tiers), ", ".join(service.fields),
                                (service.summary, *service.fields),
                                (text(service.for_whom), text(service.benefits), text(service.how_to_start)))
        elif template == "contact.md.j2":
            contact = values["contact"]
            # A person is found by name and job title first; the team's name is on the page but is the team
            # page's subject (as lead it lifted short person pages above partners of the team's field).
            entry = SearchEntry(contact.name, KIND_PERSON, tier_titles(contact_tiers.get(contact.id, ())),
                                contact.title, (contact.title,), (teams.get(contact.team, ""),))
        elif template == "team.md.j2":
            team = values["team"]
            entry = SearchEntry(team.name, KIND_TEAM, (), "", (), (text(team.description),))
        elif template == "tier.md.j2":
            tier = values["tier"]
            entry = SearchEntry(tier.title, KIND_TIER, ((tier.id, tier.title),), tier.motto, (tier.motto,),
                                (text(tier.definition), *tier.focus_points, text(tier.transitions)))
        elif template == "home.md.j2":
            concepts = [f"{c.term}: {text(c.definition)}" for c in toolbox.concepts]
            entry = SearchEntry(toolbox.title, KIND_PAGE, (), "", (),
                                (text(toolbox.introduction), text(toolbox.how_to_use), *concepts))
        else:
            title, page = page_text(pages[path])
            if template in _LISTINGS:
                entry = SearchEntry(title, KIND_LIST)
            else:
                entry = SearchEntry(title, KIND_PAGE, body=(page,))
        entries[path[: -len(".md")] + ".html"] = entry
    return entries


def narrowing_term(key: str, value: str) -> str:
    """Return the word that narrows search to pages whose key (TYPE_KEY, TIER_KEY) is value."""
    # Pagefind 1.5.2 writes its filter index in hash-map order, so two builds of the same content would differ;
    # narrowing is done with indexed words instead (the word index is written in order). The value is spelt in
    # hexadecimal and ends in "x", so no term is a word of any page, nor the beginning of another term.
    return f"pk{key}{value.encode('utf-8').hex()}x"


def search_document(entry: SearchEntry, expand: Expand | None = None, lang: str = "fi",
                    rendered: dict[str, str] | None = None) -> str:
    """Return the small HTML document Pagefind indexes for one page (words added by expand after their own).

    rendered keeps each word as written in the document, for the next document with the same word.
    """
    rendered = {} if rendered is None else rendered
    title = str(escape(entry.title))
    head = [f'<meta data-pagefind-meta="title[content]" content="{title}">',
            f'<meta data-pagefind-meta="{TYPE_KEY}[content]" content="{escape(entry.kind)}">']
    if entry.tiers:
        names = " · ".join(name for _, name in entry.tiers)
        head.append(f'<meta data-pagefind-meta="{TIER_KEY}[content]" content="{escape(names)}">')
    if entry.detail:
        head.append(f'<meta data-pagefind-meta="tarkenne[content]" content="{escape(entry.detail)}">')
    # The narrowing terms come first, before any word of the page, and weigh nothing: they decide which pages
    # a narrowed search may find, never how the pages rank.
    terms = [narrowing_term(TYPE_KEY, entry.kind), *(narrowing_term(TIER_KEY, t) for t, _ in entry.tiers)]
    body = ['<p data-pagefind-weight="0">' + " ".join(EXPANSION_MARK + term for term in terms) + "</p>",
            f"<h1>{_words(entry.title, expand, rendered)}</h1>"]
    # The lead (a partner's field, a method's summary) says what the page is about: its words weigh more.
    body.extend(f'<p data-pagefind-weight="2">{_words(t, expand, rendered)}</p>' for t in entry.lead if t.strip())
    if entry.terms:
        # Added words, never shown: each marked as the expansions of the lead's words are.
        added = dict.fromkeys(EXPANSION_MARK + piece for term in entry.terms for word in term.split()
                              for piece in (_visible_word(word), *(part for extra in (expand(word) if expand else ())
                                                                       for part in extra.split())))
        body.append('<p data-pagefind-weight="2">' + html.escape(" ".join(added)) + "</p>")
    body.extend(f"<p>{_words(t, expand, rendered)}</p>" for t in entry.body if t.strip())
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            + "".join(head) + "</head><body>" + "".join(body) + "</body></html>\n")


def _words(text: str, expand: Expand | None, rendered: dict[str, str]) -> str:
    """Return text escaped for HTML, each word followed by its expansions."""
    # 20,000 partners' pages hold a few thousand distinct words: each is escaped and expanded once.
    out = []
    for word in text.split():
        found = rendered.get(word)
        if found is None:
            found = _word(word, expand)
            rendered[word] = found
        out.append(found)
    return " ".join(out)


def _word(word: str, expand: Expand | None) -> str:
    """Return one word of a page escaped for HTML, followed by the words added for it."""
    pieces = [_visible_word(word)]
    if expand is not None:
        # A synonym may be several words ("ammattiosaamisen näyttö"): each is marked as added.
        pieces.extend(EXPANSION_MARK + piece for extra in expand(word) for piece in extra.split())
    return html.escape(" ".join(pieces))


def _visible_word(word: str) -> str:
    # A word of the page that starts like an added one would lose its place in the excerpt: one mark is dropped.
    return word[1:] if word.startswith(EXPANSION_MARK) else word


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_TITLE = re.compile(r"^title: (.*)$", re.M)
_TAG = re.compile(r"<[^>]*>")
# Left out of a generated page's text: field labels that every page of a kind repeats, tables and people lists
# that repeat other records (searchable on their own pages), and the page's chrome: forms with their drop-down
# options, navigation, scripts.
_NOT_SEARCHED = re.compile(r"<dt>.*?</dt>|<div class=\"pk-table-wrap\">.*?</table>\s*</div>|<table.*?</table>"
                           r"|<ul class=\"pk-people\">.*?</ul>|<form.*?</form>|<nav.*?</nav>|<select.*?</select>"
                           r"|<script.*?</script>|<noscript>.*?</noscript>", re.S)
_HEADING = re.compile(r"^#+ ", re.M)
_FIRST_HEADING = re.compile(r"^# .*$", re.M)
_ATTR_LIST = re.compile(r"\{:[^}\n]*\}")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_SPACE = re.compile(r"\s+")


def plain_text(html_text: str) -> str:
    """Return rendered HTML as one line of plain text."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", html_text))).strip()


def page_text(markdown: str) -> tuple[str, str]:
    """Return a generated page's title and its text with the markup and chrome removed, as plain text."""
    title = ""
    front = _FRONT_MATTER.match(markdown)
    if front:
        found = _TITLE.search(front.group(1))
        # The renderer writes the title as a JSON string of already escaped HTML text.
        title = html.unescape(json.loads(found.group(1))) if found else ""
        markdown = markdown[front.end():]
    # The page's own "# Title" line would repeat the title at the start of every excerpt.
    text = _TAG.sub(" ", _NOT_SEARCHED.sub(" ", _FIRST_HEADING.sub("", markdown, count=1)))
    text = _ATTR_LIST.sub(" ", _HEADING.sub("", text))
    text = _MD_ESCAPE.sub(r"\1", text)
    return title, _SPACE.sub(" ", html.unescape(text)).strip()


def search_documents(entries: Mapping[str, SearchEntry], expand: Expand | None = None,
                     lang: str = "fi") -> dict[str, str]:
    """Return {built HTML path: the document Pagefind indexes} for every entry."""
    rendered: dict[str, str] = {}
    return {path: search_document(entry, expand, lang, rendered) for path, entry in sorted(entries.items())}


def search_bundles(count: int, bundle_pages: int = SEARCH_BUNDLE_PAGES) -> tuple[str, ...]:
    """Return the site folders of the search index for count searchable pages: pagefind, then pagefind-2 ..."""
    total = 1 if count <= 2 * bundle_pages else -(-count // bundle_pages)
    return (SEARCH_BUNDLE, *(f"{SEARCH_BUNDLE}-{number}" for number in range(2, total + 1)))


def deal_documents(documents: Mapping[str, str], bundles: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Return {bundle folder: its documents}: the documents in path order dealt to the bundles in turn."""
    # Dealt, not cut in runs: each bundle gets a like mix of page types, so the word statistics Pagefind ranks
    # by are alike in every bundle and merged results rank as one index's would.
    dealt: dict[str, dict[str, str]] = {bundle: {} for bundle in bundles}
    for number, path in enumerate(sorted(documents)):
        dealt[bundles[number % len(bundles)]][path] = documents[path]
    return dealt
