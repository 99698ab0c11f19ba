"""partnerkit's MkDocs plugin: generated pages from memory, and no repeated work that gives the same HTML.

Four things cost most of MkDocs' time per page on a big toolbox, and none of them changes the result:

- reading 20,000 generated Markdown files back from disk: the pages are handed over in memory instead;
- parsing our pre-rendered, already sanitised HTML blocks again with Python's HTML parser (about a third of the
  Markdown conversion): each whole block is set aside and put back verbatim, exactly as Python-Markdown's own
  raw-HTML stash would;
- running Python-Markdown over what is left of a generated page, mostly headings between placeholders: such a
  page is converted as Python-Markdown converts it (HeadingPages), with each heading's HTML learnt from
  Python-Markdown itself under the site's own Markdown settings and checked against it before the build uses it;
- rendering Material's navigation sidebar and header for every page: for a page outside the navigation nothing
  in them is active, and their links are relative to the page's folder, so they are rendered once per folder
  and reused (the header all but the page title, and the footer, which has no previous and next page there);
  the theme's configuration script, stylesheet links and scripts likewise, on every page.

mkdocs.yml is the institution's own file, so the shortcuts hold only for the settings they were proven
identical with: tests/test_mkdocs_plugin.py builds a site over a matrix of Material's features and options
with and without them and compares every byte. With any setting outside these lists (unproven_settings) the
plugin takes MkDocs' plain path; only the pages from memory remain, compared once against MkDocs reading the
same pages from a docs folder.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from html import unescape as unescape_html
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import markdown
from markupsafe import Markup, escape
from markdown.core import BLOCK_LEVEL_ELEMENTS
from markdown.extensions.toc import nest_toc_tokens, unique
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc
from mkdocs.utils.templates import TemplateContext

from .messages import RenderError

# Tags that start a raw HTML block in Python-Markdown (its BLOCK_LEVEL_ELEMENTS that our templates use).
_BLOCK_START = re.compile(r"<(div|dl|ul|ol|p|table|form|nav|section|details|figure|h[1-6]|hr|blockquote)[\s>/]")
# Inside these, a tag-counting scan could be fooled by text that looks like a tag; such blocks are left to Markdown.
_OPAQUE = re.compile(r"<(?:script|style|textarea|pre|code)\b|<!--|<\?|<!\[", re.I)
# Noncharacters around it: the check refuses U+FDD0-U+FDEF in content and markup.py writes decoded ones back as
# references; a page that holds one all the same is left to Markdown (set_aside_html), so no text forges a placeholder.
_PLACEHOLDER = "\ufdd0PARTNERKITRAWHTML{}\ufdd1"
# What Python-Markdown may take for the start of a raw HTML block: a block-level tag, a comment or declaration.
_MAY_START_BLOCK = re.compile(
    r"<(?:!|\?|/?(?:" + "|".join(sorted(BLOCK_LEVEL_ELEMENTS, key=len, reverse=True)) + r")(?![\w-]))", re.I)
# A heading HeadingPages writes itself: words that no proven extension reads, single spaces between them, starting
# with a letter, a digit or a bracket. Besides letters, digits and plain punctuation, its text may hold what
# escape_markdown writes for a hyphen, a full stop, brackets, an ampersand and quotes (their forms are learnt from
# Python-Markdown); a colon only before a space or at the end, so that nothing reads as an emoji's :name:. Any other
# heading leaves the page to Markdown.
_ESCAPES = ("\\-", "\\.", "\\(", "\\)", "&amp;", "&#39;", "&#34;")
_ESCAPE = re.compile("|".join(map(re.escape, _ESCAPES)))
_TOKEN = rf"(?:[^\W_]|[,;?/’–—().'-]|:(?= |$)|{_ESCAPE.pattern})"
_PLAIN_HEADING = re.compile(rf"(#{{1,6}}) ((?:[^\W_]|\(|{_ESCAPE.pattern})(?:{_TOKEN}| (?=\S))*)")
_PLACEHOLDER_LINE = re.compile(re.escape(_PLACEHOLDER).replace(re.escape("{}"), "[0-9]+"))
# What an id may hold to be written as it is (the serializer would escape the rest).
_PLAIN_ID = re.compile(r"[^&<>\"\s\x00]+")
# MkDocs keeps a page's links to anchors only above its debug level (Page.render does the same test).
_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")


def walk_order(src_uri: str) -> tuple[Any, ...]:
    """Return the sort key of a docs path in MkDocs' walk of a docs folder (files before subfolders, index first)."""
    parts = src_uri.split("/")
    return (*((1, part) for part in parts[:-1]), (0, parts[-1].rsplit(".", 1)[0] not in ("index", "README"),
                                                  parts[-1]))


def set_aside_html(markdown: str) -> tuple[str, list[str]]:
    """Replace the well-formed raw HTML blocks of markdown with placeholders; return the text and the blocks.

    If the page has any other raw HTML that Python-Markdown could take as the start of a block (an unclosed
    tag, a comment, a tag after text), nothing is set aside: such a block can swallow what follows it, and
    only Markdown's own parser knows how far. Nor is anything set aside from a page that holds the placeholder's
    first character: a block of it could carry a forged placeholder that another block would then replace.
    """
    if _PLACEHOLDER[0] in markdown:
        return markdown, []
    blocks: list[str] = []
    lines = markdown.split("\n")
    out: list[str] = []
    index, previous_blank = 0, True
    while index < len(lines):
        line = lines[index]
        end = _block_end(lines, index) if previous_blank and line.startswith("<") else None
        if end is None:
            if _MAY_START_BLOCK.match(line.lstrip(" ")):
                return markdown, []
            out.append(line)
            previous_blank = not line.strip()
            index += 1
            continue
        out.append(_PLACEHOLDER.format(len(blocks)))
        blocks.append("\n".join(lines[index:end + 1]))
        index = end + 1
        previous_blank = False
    return "\n".join(out), blocks


def _block_end(lines: list[str], start: int) -> int | None:
    """Return the last line of the raw HTML block starting at lines[start], or None to leave it to Markdown."""
    match = _BLOCK_START.match(lines[start])
    if not match:
        return None
    tag = match.group(1)
    if tag == "hr":
        return start if lines[start].rstrip().endswith(">") and _ends_block(lines, start) else None
    opening = re.compile(rf"<{tag}[\s>/]")
    closing = f"</{tag}>"
    depth = 0
    for index in range(start, len(lines)):
        line = lines[index]
        if _OPAQUE.search(line):
            return None
        depth += len(opening.findall(line)) - line.count(closing)
        if depth <= 0:
            # Python-Markdown ends the block at the closing tag; text after it on the line would start a new
            # paragraph, which this shortcut does not imitate.
            return index if line.rstrip().endswith(closing) and depth == 0 and _ends_block(lines, index) else None
    return None


def _ends_block(lines: list[str], index: int) -> bool:
    return index + 1 == len(lines) or not lines[index + 1].strip()


def restore_html(html: str, blocks: list[str], where: str = "") -> str:
    """Put the blocks set aside by set_aside_html back in place of their placeholder paragraphs."""
    for number, block in enumerate(blocks):
        placeholder = f"<p>{_PLACEHOLDER.format(number)}</p>"
        if placeholder not in html:
            raise RenderError(where, f"raw HTML block {number} lost its place in the converted page")
        # Python-Markdown's stash keeps the newline after the block; its final strip() drops it at the very end.
        html = html.replace(placeholder, block + "\n", 1)
    return html.strip()


@dataclass(frozen=True)
class ConvertedPage:
    """What Page.render sets on a page, made by HeadingPages."""

    content: str
    toc_tokens: list[dict[str, Any]]
    title: str | None
    anchors: frozenset[str]
    self_links: tuple[str, ...]  # anchors the page links to on itself (permalinks), in order

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """Set on page what MkDocs' Page.render would set for the same Markdown."""
        # The page keeps its own class's render again, and this conversion is not kept alive by the page (at
        # 20,000 pages, the HTML before its blocks were put back would stay in memory to the end of the build).
        vars(page).pop("render", None)
        page.content = self.content
        # Like Python-Markdown's toc extension: tokens nested afresh for every page (MkDocs keeps the result).
        page.toc = get_toc(nest_toc_tokens([dict(token) for token in self.toc_tokens]))
        page._title_from_render = self.title
        page.present_anchor_ids = set(self.anchors)
        if _PAGES_LOG.getEffectiveLevel() > logging.DEBUG:
            links: dict[File, dict[str, str]] = {}
            for anchor in self.self_links:
                links.setdefault(page.file, {}).setdefault(anchor, "#" + anchor)
            page.links_to_anchors = links


class HeadingPages:
    """Pages of nothing but headings and set-aside blocks, converted exactly as Python-Markdown would convert them.

    After set_aside_html, a generated page is a few headings between placeholders, and Python-Markdown's cost for
    it is its per-page machinery. A heading's HTML is learnt from Python-Markdown itself under the site's own
    Markdown settings (one probe heading per level), and the whole conversion is compared with MkDocs' own
    Page.render on probe pages before any page uses it: if anything differs, usable is False and every page goes
    to Markdown.
    """

    _PROBES = ("Xqjv Zkw", "Wbn Fyhq")

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        # By Markdown level: the output level, the heading's HTML with \0T for its text and \0I for its id, the
        # page title's template if the heading is first on the page, and whether it links to itself.
        self.levels: dict[int, tuple[int, str, str | None, bool]] = {}
        self.escapes: dict[str, tuple[str, str, str]] = {}  # by escape in Markdown: its HTML, name and title forms
        self.usable = False
        converter = markdown.Markdown(extensions=config["markdown_extensions"],
                                      extension_configs=config["mdx_configs"] or {})
        # An abbreviation glossary (abbr's glossary option) would mark words in any heading.
        if "toc" not in converter.treeprocessors or any(getattr(extension, "glossary", None)
                                                        for extension in converter.registeredExtensions):
            return
        toc = converter.treeprocessors["toc"]
        self.slugify: Callable[[str, str], str] = toc.slugify  # type: ignore[attr-defined]
        self.separator = str(toc.sep)  # type: ignore[attr-defined]
        self.toc_levels = (toc.toc_top, toc.toc_bottom)  # type: ignore[attr-defined]
        self.usable = self._learn() and self._agrees()

    def _probe_page(self) -> Page:
        return Page(None, File("partnerkit-probe.md", None, self.config["site_dir"],
                               self.config["use_directory_urls"]), self.config)

    def _render(self, text: str) -> Page:
        """Return a probe page rendered by MkDocs itself."""
        page = self._probe_page()
        page.markdown = text
        Page.render(page, self.config, Files([page.file]))
        return page

    def _learn(self) -> bool:
        probe = self._PROBES[0]
        ident = self.slugify(probe, self.separator)
        if not ident or not _PLAIN_ID.fullmatch(ident) or ident in probe or probe in ident or "\0" in ident:
            return False
        for level in range(1, 7):
            page = self._render("#" * level + " " + probe)
            content = page.content or ""
            tag = re.match(r"<h([1-6])[ >]", content)
            if tag is None or content.count(probe) != 1 or page.present_anchor_ids != {ident}:
                return False
            title = page._title_from_render
            if title is not None and title.count(probe) != 1:
                return False
            links = (page.links_to_anchors or {}).get(page.file, {})
            if links not in ({}, {ident: "#" + ident}):
                return False
            template = content.replace(probe, "\0T").replace(ident, "\0I")
            self.levels[level] = (int(tag[1]), template, title.replace(probe, "\0T") if title else None,
                                  bool(links))
        # Each escape's forms in the heading's HTML, its name in the table of contents (which also gives its id)
        # and the page title, learnt at a level the table of contents lists. A form nothing shows (no level is
        # listed, no heading gives the title) is never used; the HTML form stands in for it.
        listed = [level for level in self.levels if self.toc_levels[0] <= self.levels[level][0] <= self.toc_levels[1]]
        level = (listed or [1])[0]
        before, after = probe.split(" ")
        for escape_ in _ESCAPES:
            page = self._render(f"{'#' * level} {before} {escape_} {after}")
            if bool(listed) != bool(page.toc.items):
                return False
            shown = _between(page.content or "", before + " ", " " + after)
            name = _between(page.toc.items[0].title, before + " ", " " + after) if listed else shown
            titled = None
            if self.levels[1][2] is not None:
                titled = page if level == 1 else self._render(f"# {before} {escape_} {after}")
            title = _between(titled._title_from_render or "", before + " ", " " + after) if titled else shown
            if shown is None or name is None or title is None:
                return False
            self.escapes[escape_] = (shown, name, title)
        return True

    def _agrees(self) -> bool:
        """Compare the conversion with MkDocs' own on probe pages: every level, repeated ids, blocks between."""
        first, second = self._PROBES
        placeholder = _PLACEHOLDER.format(0)
        pages = [f"{'#' * level} {second}" for level in range(1, 7)]
        pages.append("\n\n".join([f"## {first}", placeholder, f"# {second}", f"### {first}", placeholder,
                                   f"###### {first}", f"## {first}", placeholder, f"#### {second}"]))
        pages.append("\n\n".join([placeholder, f"# {first}", f"# {first}", placeholder]))
        spelled = " ".join(_ESCAPES)
        pages.append("\n\n".join([f"# {first} {spelled}", placeholder, f"## {spelled} {second}",
                                   f"## {spelled} {second}", f"### {first}: {second}"]))
        for text in pages:
            converted = self.convert(text)
            if converted is None:
                return False
            mine = self._probe_page()
            converted.render(mine, self.config, Files([]))
            theirs = self._render(text)
            if (mine.content, _toc_outline(mine.toc), mine._title_from_render, mine.present_anchor_ids,
                    _links(mine)) != (theirs.content, _toc_outline(theirs.toc), theirs._title_from_render,
                                      theirs.present_anchor_ids, _links(theirs)):
                return False
        return True

    def convert(self, text: str) -> ConvertedPage | None:
        """Return text's conversion, or None if it holds anything but headings and placeholders between blank lines."""
        lines = text.split("\n")
        parts: list[str] = []
        tokens: list[dict[str, Any]] = []
        used: set[str] = set()
        counters: dict[str, int] = {}
        self_links: list[str] = []
        title: str | None = None
        for number, line in enumerate(lines):
            if not line:
                continue
            if (number and lines[number - 1]) or (number + 1 < len(lines) and lines[number + 1]):
                return None
            if _PLACEHOLDER_LINE.fullmatch(line):
                parts.append(f"<p>{line}</p>")
                continue
            match = _PLAIN_HEADING.fullmatch(line)
            if match is None:
                return None
            markup = match[2]
            html_text = name = title_text = markup
            if "\\" in markup or "&" in markup:
                html_text, name, title_text = (_ESCAPE.sub(lambda found: self.escapes[found[0]][form], markup)
                                               for form in range(3))
            level, template, title_template, links_itself = self.levels[len(match[1])]
            ident = unique(self.slugify(unescape_html(name), self.separator), used, counters)
            if not _PLAIN_ID.fullmatch(ident):
                return None
            if not parts and title_template is not None:
                title = title_template.replace("\0T", title_text)
            parts.append(template.replace("\0I", ident).replace("\0T", html_text))
            if self.toc_levels[0] <= level <= self.toc_levels[1]:
                tokens.append({"level": level, "id": ident, "name": name, "html": html_text, "data-toc-label": ""})
            if links_itself:
                self_links.append(ident)
        if not parts:
            return None
        return ConvertedPage("\n".join(parts), tokens, title, frozenset(used), tuple(self_links))


def _between(text: str, start: str, end: str) -> str | None:
    """Return what text holds between start and end, if it holds each once."""
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        return None
    return text[text.index(start) + len(start):text.index(end)]


def _toc_outline(toc: TableOfContents | list[AnchorLink]) -> list[Any]:
    return [(item.title, item.id, item.level, getattr(item, "active", None), _toc_outline(item.children))
            for item in toc]


def _links(page: Page) -> dict[str, dict[str, str]]:
    return {file.src_uri: links for file, links in (page.links_to_anchors or {}).items()}


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept by a preview session, one per template name (Jinja's key)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill bucket from memory if this template was compiled before (Jinja drops it if the source changed)."""
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep bucket's freshly compiled code, in place of the template's earlier code."""
        self.compiled[bucket.key] = bucket.bytecode_to_string()

# What the shortcuts were proven identical for (tests/test_mkdocs_plugin.py, SETTINGS_MATRIX). The memoised
# parts (Material's partials/header.html, nav.html, nav-item.html, tabs.html, tabs-item.html, logo.html,
# source.html, palette.html, alternate.html, footer.html, copyright.html, social.html, icons.html and base.html's
# config, styles and scripts blocks) read the theme's options and
# features, site_name, repo_url, repo_name, extra and the plugins; the HTML set aside is affected by Markdown
# extensions, plugins and hooks. Anything else named in these settings switches the shortcuts off.
PROVEN_FEATURES = frozenset({
    "announce.dismiss", "content.action.edit", "content.action.view", "content.code.annotate", "content.code.copy",
    "content.code.select", "content.footnote.tooltips", "content.tabs.link", "content.tooltips", "header.autohide",
    "navigation.expand", "navigation.footer", "navigation.indexes", "navigation.instant",
    "navigation.instant.prefetch", "navigation.instant.preview", "navigation.instant.progress", "navigation.path",
    "navigation.prune", "navigation.sections", "navigation.tabs", "navigation.tabs.sticky", "navigation.top",
    "navigation.tracking", "toc.follow", "toc.integrate",
})
PROVEN_THEME_OPTIONS = frozenset({"name", "locale", "language", "direction", "features", "font", "icon", "favicon",
                                  "palette", "logo"})
PROVEN_EXTRA = frozenset({"homepage", "alternate", "version", "social", "status", "generator"})
PROVEN_EXTENSIONS = frozenset({"toc", "tables", "fenced_code", "attr_list", "admonition", "def_list", "footnotes",
                               "abbr", "md_in_html", "sane_lists", "pymdownx.details", "pymdownx.superfences",
                               "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.emoji", "pymdownx.mark"})


def unproven_settings(config: MkDocsConfig) -> list[str]:
    """Return the settings of config the shortcuts were not proven identical for; empty means they may be used."""
    theme = config.theme
    found = [] if theme.name == "material" else [f"theme.name: {theme.name}"]
    if theme.custom_dir:
        found.append("theme.custom_dir")
    found += [f"theme.{key}" for key in sorted(theme) if key not in PROVEN_THEME_OPTIONS]
    found += [f"theme.static_templates: {name}" for name in sorted(set(theme.static_templates)
                                                                     - {"404.html", "sitemap.xml"})]
    found += [f"theme.features: {name}" for name in sorted(theme.get("features") or []) if name not in PROVEN_FEATURES]
    found += [f"extra.{key}" for key in sorted(config.extra)
              if key not in PROVEN_EXTRA and not key.startswith("partnerkit_")]
    found += [f"markdown_extensions: {name}" for name in config.markdown_extensions
              if isinstance(name, str) and name.removeprefix("markdown.extensions.") not in PROVEN_EXTENSIONS]
    found += [f"plugins: {name}" for name in sorted(config.plugins) if name != "partnerkit"]
    found += [f"hooks: {name}" for name in sorted(config.hooks or [])]
    return found


class PartnerkitPlugin(BasePlugin):  # type: ignore[type-arg]
    """Adds the generated pages and the shortcuts above to one MkDocs build."""

    def __init__(self, pages: Mapping[str, str | bytes], nav_pages: set[str], shortcuts: bool = True,
                 compiled: MemoryBytecodeCache | None = None) -> None:
        self.pages = pages
        self.nav_pages = nav_pages
        self.shortcuts = shortcuts
        self.compiled = compiled
        self.unproven: list[str] = []
        self._blocks: dict[str, list[str]] = {}
        self._memo: dict[str, str] = {}
        self.headings: HeadingPages | None = None
        self.converted = 0  # pages HeadingPages converted in this build

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Switch the shortcuts off for settings they were not proven identical with."""
        self.unproven = unproven_settings(config)
        if self.unproven:
            self.shortcuts = False
        self.headings = HeadingPages(config) if self.shortcuts else None
        # Material prints these plain text settings into HTML, sometimes escaped and sometimes not (the <title>,
        # meta tags, the drawer): escaped once here and marked safe, every place shows them as written.
        for name in ("site_name", "site_description", "site_author"):
            if isinstance(config[name], str) and not isinstance(config[name], Markup):
                config[name] = Markup(escape(config[name]))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add the generated pages, held in memory, to the static files found in docs_dir."""
        # In the order MkDocs' own walk of a docs folder gives (a folder's files, index first, then its subfolders
        # by name): the sitemap lists pages in files' order, as a build reading the pages from disk would.
        for src_uri in sorted(self.pages, key=walk_order):
            files.append(File.generated(config, src_uri, content=self.pages[src_uri]))
        return files

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Let our theme reach Material's own partials under material/ and memoise fragments."""
        # The theme's folders after ours: Material's templates, then MkDocs' own.
        material = [folder for folder in config.theme.dirs if Path(folder, "partials", "nav.html").is_file()
                    and "material" in Path(folder).parts]
        env.loader = jinja2.ChoiceLoader([
            env.loader,  # type: ignore[list-item]
            jinja2.PrefixLoader({"material": jinja2.FileSystemLoader(material[:1])}),
        ])
        env.globals["partnerkit_memo"] = self.memo
        # MkDocs makes a new environment per build; the preview builds again after every edit, and compiling
        # Material's templates anew each time would cost it almost half a second: it hands its cache in.
        if self.compiled is not None:
            env.bytecode_cache = self.compiled
        return env

    def memo(self, key: str | None, caller: Callable[[], str]) -> str:
        """Return the body of a `{% call partnerkit_memo(key) %}` block, rendered once per key (never if None)."""
        if not key or not self.shortcuts:
            return caller()
        if key not in self._memo:
            self._memo[key] = caller()
        return self._memo[key]

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Set the page's raw HTML blocks aside before Python-Markdown parses the page."""
        if not self.shortcuts:
            return markdown
        text, blocks = set_aside_html(markdown)
        self._blocks[page.file.src_uri] = blocks
        converted = self.headings.convert(text) if self.headings is not None and self.headings.usable else None
        if converted is not None:
            # MkDocs calls page.render next: this page's conversion is already made.
            page.render = partial(converted.render, page)  # type: ignore[method-assign]
            self.converted += 1
        return text

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Put the page's raw HTML blocks back."""
        blocks = self._blocks.pop(page.file.src_uri, [])
        return restore_html(html, blocks, page.file.src_uri) if blocks else html

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        """Tell the theme under which keys this page's shared parts (sidebar, header, settings) may be reused."""
        # Links are relative: pages in one folder get the same theme parts; the sidebar and the header only if
        # nothing in them is active, that is for pages outside the navigation. The template context takes any
        # key; the TypedDict only lists MkDocs' own.
        folder = posixpath.dirname(page.file.dest_uri)  # "" is the site root
        keys: dict[str, Any] = context  # type: ignore[assignment]
        outside_nav = page.file.src_uri not in self.nav_pages
        keys["partnerkit_folder_key"] = folder + "/"
        # The header holds Material's sticky tabs (navigation.tabs.sticky), which mark the active section.
        keys["partnerkit_header_key"] = folder + "/" if outside_nav else None
        keys["partnerkit_nav_key"] = "nav:" + folder if outside_nav else None
        return context
