"""Markdown in content fields to safe HTML, one implementation for the site and the Moodle packages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html import escape as html_escape
from html import unescape as html_unescape

import markdown
import nh3

from .validate import find_markdown_problem

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "blockquote", "code", "pre", "hr",
     "table", "thead", "tbody", "tr", "th", "td"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

_MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]<>#!|~&\n]")
# A line Python-Markdown could read as more than paragraph text: indented, ending in a hard break, a list item,
# a setext underline or a rule ("-- -" is one), or carrying a tab or a carriage return.
_NOT_PLAIN_LINE = re.compile(r"^\s|\s$|^(?:[-+*>=]|\d+[.)])(?:\s|$)|^[-=\s]+$|[\t\r]")
_HEADING = re.compile(r"<(/?)h([1-6])>")
# Text the outputs read as their own: the MkDocs plugin's placeholders are made of noncharacters, and Moodle's
# restore reads $@NULL@$ and @@PLUGINFILE@@. The check refuses them written out, but the sanitiser decodes character
# references (&#64;, &#xfdd0;), so whatever it decodes into one of them is written back as references.
_RESERVED = re.compile(r"[\ufdd0-\ufdef\ufffe\uffff]|@@PLUGINFILE@@|\$@NULL@\$")



def render_markdown(text: str, converter: markdown.Markdown | None = None) -> str:
    """Return Markdown text as sanitised HTML: no scripts, no event handlers, only http(s) and mailto links.

    converter, from make_markdown(), is reused between calls when given (building one costs more than most
    conversions); without it a new one is made.
    """
    stripped = text.strip()
    if not stripped:
        return ""
    # Most descriptions are plain sentences on one or more lines; skipping the Markdown parser for them keeps large
    # builds fast. The result is the parser's own (tests compare the two on generated texts).
    plain = render_plain(stripped)
    if plain is not None:
        return plain
    return render_parsed(stripped, converter)


def render_each(texts: Iterable[str], converter: markdown.Markdown | None = None) -> list[str]:
    """Return render_markdown of each text, in order."""
    converter = converter or make_markdown()
    return [render_markdown(text, converter) for text in texts]


def render_plain(text: str) -> str | None:
    """Return stripped text as Python-Markdown renders it when it is plain paragraphs of plain lines, else None."""
    if not text:
        return ""
    if _MARKDOWN_SIGNS.search(text.replace("\n", " ")):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if _NOT_PLAIN_LINE.search(line):
            return None
        paragraphs[-1].append(line)
    return "\n".join("<p>" + "\n".join(lines) + "</p>" for lines in paragraphs if lines)


def render_parsed(stripped: str, converter: markdown.Markdown | None = None) -> str:
    """Return stripped Markdown text through the parser and the sanitiser (render_markdown without its shortcut)."""
    if find_markdown_problem(stripped) is not None:
        # Only content that skipped the check gets here: shown as written, as plain text.
        return "<p>" + html_escape(stripped).replace("\n", "<br>\n") + "</p>"
    if converter is None:
        converter = make_markdown()
    html = converter.reset().convert(stripped)
    # The page has its own h1 and h2; content headings sit below them so the outline stays valid.
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 2)}>", html)
    html = html.replace("<th>", '<th scope="col">')
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
    return _RESERVED.sub(_as_references, clean)


_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def unlink_addresses(html: str, prefixes: tuple[str, ...]) -> str:
    """Return sanitised HTML with every link to an address starting with one of prefixes reduced to its text."""
    # The HTML comes from the sanitiser (nh3): double-quoted href, no nested links, so a pattern reads it exactly.
    if not prefixes or "<a " not in html:
        return html
    lowered = tuple(prefix.lower() for prefix in prefixes)

    def keep_text(match: re.Match[str]) -> str:
        address = html_unescape(match.group(1)).strip().lower()
        return match.group(2) if address.startswith(lowered) else match.group(0)

    return _LINK.sub(keep_text, html)


def _as_references(match: re.Match[str]) -> str:
    """Return reserved text as character references: browsers show the same, Moodle and the plugin read none."""
    return "".join(ch if ch.isalpha() else f"&#{ord(ch)};" for ch in match.group())


def make_markdown() -> markdown.Markdown:
    """Return Python-Markdown as content uses it: lists, tables, and no reference-style links."""
    # A reference repeats its address at every use ("[x]" 300 times after one long "[x]: ..." line), also inside
    # quotes and list items where a line-start rule cannot see it: without the processors, "[x]" stays text.
    converter = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    converter.parser.blockprocessors.deregister("reference")
    for pattern in ("reference", "short_reference", "image_reference", "short_image_ref"):
        converter.inlinePatterns.deregister(pattern)
    return converter


def render_inline(text: str) -> str:
    """Return one line of Markdown as sanitised inline HTML (without the surrounding paragraph)."""
    return inline_of(render_markdown(text))


def inline_of(html: str) -> str:
    """Return rendered Markdown without its paragraph, when it is one paragraph."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


# Texts kept per session: far more than the distinct texts of one page set, few enough to bound a preview that
# runs for days (a text is kept at most twice its size plus its HTML).
MARKDOWN_CACHE_SIZE = 1 << 16


class MarkdownCache:
    """Markdown rendered in one build or preview session, kept so a text shown on several pages is rendered once."""

    def __init__(self, limit: int = MARKDOWN_CACHE_SIZE) -> None:
        self.converter = make_markdown()
        # Texts rendered ahead (prime): each is taken into the bounded cache the first time it is asked for.
        self.primed: dict[str, str] = {}
        self.html = lru_cache(maxsize=limit)(self._render)

    def _render(self, text: str) -> str:
        primed = self.primed.pop(text, None)
        return primed if primed is not None else render_markdown(text, self.converter)

    def prime(self, texts: Mapping[str, str]) -> None:
        """Keep texts already rendered ({text: render_markdown(text)}) for their first use."""
        self.primed.update(texts)

    def inline(self, text: str) -> str:
        """Return one line of Markdown as sanitised inline HTML, from the cache when rendered before."""
        return inline_of(self.html(text))
