"""The site search index's input: each page's title and text as a small HTML document for Pagefind. Pure.

Pagefind indexes these small documents instead of the built site: parsing 20,000 full pages of theme markup
costs seconds that their text does not need. The text is the generated page itself with its markup removed,
so the index holds only what the page shows to its audience (and of that, what the page says of its own subject).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from .browse import is_listing_page

SEARCH_PAGE = "haku.md"
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_TITLE = re.compile(r"^title: (.*)$", re.M)
_TAG = re.compile(r"<[^>]*>")
# Left out of a page's search text: field labels ("Toimiala") that every page of a kind repeats, and the generated
# tables and people lists that repeat other records, which are searchable on their own pages. Without them the
# index is a third smaller, Pagefind needs far less memory to build it, and a search for a cooperation's words
# finds the partner, not every contact person's page that lists the cooperation too.
_NOT_SEARCHED = re.compile(r'<dt>.*?</dt>|<div class="pk-table-wrap">.*?</table>\s*</div>|<ul class="pk-people">.*?</ul>',
                           re.S)
_HEADING = re.compile(r"^#+ ", re.M)
_FIRST_HEADING = re.compile(r"^# .*$", re.M)
_ATTR_LIST = re.compile(r"\{:[^}\n]*\}")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_SPACE = re.compile(r"\s+")


def search_documents(pages: Mapping[str, str], lang: str = "fi") -> dict[str, str]:
    """Return {built HTML path: small HTML document with the page's title and text} for every searchable page."""
    documents: dict[str, str] = {}
    for path in sorted(pages):
        if path == SEARCH_PAGE or is_listing_page(path):
            continue
        title, text = page_text(pages[path])
        documents[path[: -len(".md")] + ".html"] = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{text}</p></body></html>\n"
        )
    return documents


def page_text(markdown: str) -> tuple[str, str]:
    """Return a generated page's title and its text with the markup removed, both still HTML-escaped."""
    title = ""
    front = _FRONT_MATTER.match(markdown)
    if front:
        found = _TITLE.search(front.group(1))
        # The renderer writes the title as a JSON string of already escaped HTML text.
        title = json.loads(found.group(1)) if found else ""
        markdown = markdown[front.end():]
    # The page's own "# Title" line would repeat the title at the start of every excerpt.
    text = _TAG.sub(" ", _NOT_SEARCHED.sub(" ", _FIRST_HEADING.sub("", markdown, count=1)))
    text = _ATTR_LIST.sub(" ", _HEADING.sub("", text))
    text = _MD_ESCAPE.sub(r"\1", text)
    return title, _SPACE.sub(" ", text).strip()
