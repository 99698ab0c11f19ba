"""Markdown in content fields to safe HTML, one implementation for the site and the Moodle packages."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape as html_escape

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
_BLOCK_START = re.compile(r"\s*(?:[-+*>=]|\d+[.)])(?:\s|$)")
_HEADING = re.compile(r"<(/?)h([1-6])>")
# Text the outputs read as their own: the MkDocs plugin's placeholders are made of noncharacters, and Moodle's
# restore reads $@NULL@$ and @@PLUGINFILE@@. The check refuses them written out, but the sanitiser decodes character
# references (&#64;, &#xfdd0;), so whatever it decodes into one of them is written back as references.
_RESERVED = re.compile(r"[\ufdd0-\ufdef\ufffe\uffff]|@@PLUGINFILE@@|\$@NULL@\$")



def render_markdown(text: str) -> str:
    """Return Markdown text as sanitised HTML: no scripts, no event handlers, only http(s) and mailto links."""
    stripped = text.strip()
    if not stripped:
        return ""
    # Most descriptions are one plain sentence; skipping the Markdown parser for them keeps large builds fast.
    if not _MARKDOWN_SIGNS.search(stripped) and not _BLOCK_START.match(stripped):
        return f"<p>{stripped}</p>"
    if find_markdown_problem(stripped) is not None:
        # Only content that skipped the check gets here: shown as written, as plain text.
        return "<p>" + html_escape(stripped).replace("\n", "<br>\n") + "</p>"
    html = make_markdown().convert(stripped)
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
        self.html = lru_cache(maxsize=limit)(render_markdown)

    def inline(self, text: str) -> str:
        """Return one line of Markdown as sanitised inline HTML, from the cache when rendered before."""
        return inline_of(self.html(text))
