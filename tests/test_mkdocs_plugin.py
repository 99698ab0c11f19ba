"""partnerkit's MkDocs plugin: its shortcuts must give exactly the HTML that MkDocs gives without them."""

from __future__ import annotations

import random
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

from partnerkit.messages import RenderError
from partnerkit.mkdocs_plugin import (PROVEN_EXTENSIONS, PROVEN_EXTRA, PROVEN_FEATURES, PartnerkitPlugin,
                                      restore_html, set_aside_html)
from partnerkit.builders import source_date
from partnerkit.builders.mkdocs_runner import build_date, run_mkdocs
from partnerkit.pipeline import Project, read_edit_base, read_toolbox
from partnerkit.render import make_environment
from partnerkit.render.site import SiteSettings, render_site
from partnerkit.write import write_tree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate, write_project  # noqa: E402

EXTENSIONS = ["toc", "attr_list"]


def _convert(text: str, shortcuts: bool) -> str:
    converter = markdown.Markdown(extensions=EXTENSIONS)
    if not shortcuts:
        return converter.convert(text)
    aside, blocks = set_aside_html(text)
    return restore_html(converter.convert(aside), blocks)


CASES = [
    "<dl>\n<dt>a</dt><dd>b</dd>\n</dl>",
    "# Otsikko\n\n<div class=\"x\">\n<div>\n<p>sisä</p>\n</div>\n</div>\n\n## Toinen {: #toinen }\n\nteksti",
    "<p>a</p>\n\n<p>b</p>\n",
    "alku\n<div>heti rivin perään</div>\n\nloppu",  # no blank line before: left to Markdown
    "<div>\n<p>a</p>\n</div> perässä tekstiä\n\nx",  # text after the closing tag: left to Markdown
    "<div>\n<script>var a = '<div>';</script>\n</div>\n\nx",  # opaque content: left to Markdown
    "<div>\n<!-- <div> -->\n</div>\n\nx",
    "<ul class=\"pk-people\">\n<li><a href=\"../a.html\">A &amp; B</a></li>\n</ul>\n\n\n\n### Kolmas\n",
    "<hr>\n\nteksti\n\n<hr />",
    "    <div>koodia</div>\n\nx",  # indented: a code block, not HTML
    "<div>\n<p>avoin\n\nx",  # never closed: left to Markdown
    "<table>\n<tr><td>1</td></tr>\n</table>\n<p>kiinni</p>\n\nx",
    "<div><div>a</div></div>\n\n<div>\nb\n</div>",
    "<details>\n<summary>Lisää</summary>\n<p>x</p>\n</details>\n",
    "<section>\n<h2 id=\"a\">A</h2>\n</section>\n\n## B\n",
    "<divider>ei lohko</divider>\n\nx",
    # A block holding a forged placeholder (a noncharacter that reached the page some way): nothing is set aside.
    "<div>\n<p>\ufdd0PARTNERKITRAWHTML1\ufdd1</p>\n</div>\n\n<dl>\n<dt>a</dt><dd>b</dd>\n</dl>\n\nx",
]


@pytest.mark.parametrize("text", CASES)
def test_setting_html_aside_gives_what_markdown_gives(text: str) -> None:
    assert _convert(text, shortcuts=True) == _convert(text, shortcuts=False)


def test_only_well_formed_blocks_are_set_aside() -> None:
    aside, blocks = set_aside_html(CASES[1])
    assert blocks == ['<div class="x">\n<div>\n<p>sisä</p>\n</div>\n</div>']
    assert "## Toinen" in aside
    for left_alone in (CASES[3], CASES[4], CASES[5], CASES[6], CASES[9], CASES[10], CASES[-1]):
        assert set_aside_html(left_alone)[1] == []


def test_random_mixtures_of_blocks_convert_the_same() -> None:
    pieces = ["# Otsikko", "## Väli {: #vali }", "kappale *korostettu*", "- lista\n- toinen",
              "<dl>\n<dt>a</dt><dd>b</dd>\n</dl>", "<div class=\"pk-coop\">\n<p>x</p>\n<p>y</p>\n</div>",
              "<p><strong>Yhteyshenkilö:</strong> <a href=\"a.html\">A</a></p>", "<hr>", "<div>\navoin",
              "</div>", "<ul>\n<li>a</li>\n</ul> jälkeen", "    sisennetty", "<table>\n<tr><td>1</td></tr>\n</table>"]
    generator = random.Random(5)
    set_aside = 0
    for _ in range(300):
        # Every other page has only well-formed blocks between blank lines, so that many take the shortcut.
        tidy = generator.random() < 0.5
        choices = pieces[:8] + pieces[-1:] if tidy else pieces
        joiners = [generator.choice(["\n\n", "\n\n\n"] if tidy else ["\n", "\n\n"]) for _ in range(8)]
        chosen = [generator.choice(choices) for _ in range(8)]
        text = "".join(piece + joiner for piece, joiner in zip(chosen, joiners))
        assert _convert(text, shortcuts=True) == _convert(text, shortcuts=False), text
        set_aside += bool(set_aside_html(text)[1])
    assert set_aside > 60  # the comparison covered pages where the shortcut was taken, not only refusals


def test_a_lost_placeholder_is_an_error_not_a_silent_gap() -> None:
    with pytest.raises(RenderError, match="^kumppanit/x.md: sisältöä ei voitu muuntaa"):
        restore_html("<p>muuta</p>", ["<div>x</div>"], "kumppanit/x.md")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("source", ["sample", "generated"])
def test_the_site_is_byte_identical_with_and_without_the_shortcuts(tmp_path: Path, source: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if source == "sample":
        project = Project(ROOT)
    else:
        write_project(generate(60, seed=11, methods=12, contacts=40, teams=5), tmp_path / "project")
        project = Project(tmp_path / "project")
    toolbox = read_toolbox(project)
    files = render_site(toolbox, SiteSettings(edit_base=read_edit_base(project)),
                        make_environment(project.templates_dir), None)
    write_tree(tmp_path / "docs", dict(files.static))
    sites = {}
    rendered: list[str] = []
    real_memo = PartnerkitPlugin.memo

    def recording_memo(self: PartnerkitPlugin, key: str | None, caller: Callable[[], str]) -> str:
        return real_memo(self, key, lambda: rendered.append(str(key)) or caller())

    monkeypatch.setattr(PartnerkitPlugin, "memo", recording_memo)
    with build_date(source_date(toolbox)):
        for shortcuts in (True, False):
            site = tmp_path / f"site-{shortcuts}"
            run_mkdocs(project.mkdocs_file, tmp_path / "docs", site, files.nav, project.templates_dir / "theme",
                       files.pages, files.extra, shortcuts=shortcuts)
            sites[shortcuts] = _tree(site)
            rendered.append("done")
    assert sorted(sites[True]) == sorted(sites[False])
    assert len([path for path in sites[True] if path.endswith(".html")]) > len(files.pages) * 0.99
    assert [path for path in sites[True] if sites[True][path] != sites[False][path]] == []
    # The shortcuts were really taken: most pages had their HTML set aside, and with them on the navigation
    # was rendered once per folder for the partner pages (then for every page again with them off).
    assert sum(bool(set_aside_html(text)[1]) for text in files.pages.values()) > 0.9 * len(files.pages)
    with_shortcuts = rendered[: rendered.index("done")]
    without = rendered[rendered.index("done"):]
    assert with_shortcuts.count("nav:kumppanit") == 1
    assert without.count("nav:kumppanit") > 40


# -------------------------------------------------------------------------------------------------------------
# mkdocs.yml is the institution's own: the shortcuts must give the same bytes for every Material setting they
# allow (mkdocs_plugin.PROVEN_*), and switch themselves off for any other.

SAMPLE_FEATURES = ["navigation.footer", "navigation.top", "content.action.edit"]
LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 3 1 9l11 6 9-4.9V17h2V9"/></svg>'


def _features(*names: str) -> dict[str, Any]:
    return {"theme": {"features": SAMPLE_FEATURES + list(names)}}


ALL_FEATURES = sorted(PROVEN_FEATURES - {"navigation.prune"})  # prune and expand exclude each other in Material
SETTINGS_MATRIX: dict[str, dict[str, Any]] = {
    "sample": {},
    "tabs": _features("navigation.tabs"),
    "sticky-tabs": _features("navigation.tabs", "navigation.tabs.sticky"),
    "sections-expand-indexes": _features("navigation.sections", "navigation.expand", "navigation.indexes"),
    "tabs-sections-indexes": _features("navigation.tabs", "navigation.sections", "navigation.indexes"),
    "instant": _features("navigation.instant", "navigation.instant.prefetch", "navigation.instant.progress",
                         "navigation.instant.preview", "navigation.tracking"),
    "prune-path": _features("navigation.prune", "navigation.path", "navigation.tabs", "navigation.tabs.sticky"),
    "toc-header": _features("toc.integrate", "toc.follow", "header.autohide", "announce.dismiss",
                            "content.action.view", "content.tooltips", "content.code.copy", "content.code.select",
                            "content.code.annotate", "content.tabs.link", "content.footnote.tooltips"),
    "palette-logo": {"theme": {"palette": {"scheme": "default", "primary": "indigo", "accent": "amber"},
                               "logo": "assets/logo.svg", "favicon": "assets/logo.svg", "font": {"text": "Roboto"},
                               "icon": {"repo": "fontawesome/brands/git-alt", "menu": "material/menu-open",
                                        "search": "material/text-search"}},
                     "repo_name": "kumppanuudet", "copyright": "© Järvilaakso"},
    "icon-logo-english": {"theme": {"language": "en", "direction": "ltr", "icon": {"logo": "material/school"},
                                    "palette": [{"media": "(prefers-color-scheme: light)", "scheme": "default",
                                                 "toggle": {"icon": "material/weather-night", "name": "Tumma"}},
                                                {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                                                 "toggle": {"icon": "material/weather-sunny", "name": "Vaalea"}}]}},
    "extra": {"extra": {"homepage": "https://www.jarvilaakso.example/", "version": {"provider": "mike"},
                        "alternate": [{"name": "Suomi", "link": "/fi/", "lang": "fi"},
                                      {"name": "English", "link": "/en/", "lang": "en"}],
                        "social": [{"icon": "fontawesome/brands/mastodon", "link": "https://mastodon.example/@x"}],
                        "status": {"new": "Uusi"}, "generator": False},
              "site_url": "https://kumppanit.jarvilaakso.example/"},
    "extensions": {"markdown_extensions": [{"toc": {"permalink": True}}, "attr_list", "admonition", "def_list",
                                           "footnotes", "abbr", "md_in_html", "sane_lists", "pymdownx.details",
                                           "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite",
                                           "pymdownx.mark", "pymdownx.emoji"]},
    "toc-options": {"markdown_extensions": [{"toc": {"permalink": "#", "permalink_title": "Linkki tähän",
                                                     "anchorlink": True, "baselevel": 2, "toc_depth": "2-4",
                                                     "separator": "_"}}, "attr_list"]},
    "everything": {"theme": {"features": ALL_FEATURES, "logo": "assets/logo.svg",
                             "palette": {"scheme": "slate", "primary": "teal"}},
                   "repo_name": "kumppanuudet", "extra": {"homepage": "https://www.jarvilaakso.example/"}},
}


def _merged(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in change.items():
        merged[key] = _merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Any]:
    """A small generated toolbox rendered once: its project folder, toolbox and site files."""
    folder = tmp_path_factory.mktemp("matrix")
    write_project(generate(6, seed=3, methods=4, contacts=5, teams=2), folder / "project")
    project = Project(folder / "project")
    toolbox = read_toolbox(project)
    files = render_site(toolbox, SiteSettings(edit_base=read_edit_base(project)),
                        make_environment(project.templates_dir), None)
    return folder, toolbox, files


def _build_with(folder: Path, toolbox: Any, files: Any, settings: dict[str, Any], name: str,
                monkeypatch: pytest.MonkeyPatch) -> tuple[dict[bool, dict[str, bytes]], list[str], list[list[str]]]:
    """Build the site with and without the shortcuts under settings; return both trees, memo keys and unproven.

    The memo keys reused end with "converted:N", the pages HeadingPages converted in the build with shortcuts.
    """
    config = folder / f"{name}.yml"
    config.write_text(yaml.safe_dump(_merged(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")),
                                             settings), allow_unicode=True), encoding="utf-8")
    docs = folder / f"docs-{name}"
    write_tree(docs, {**files.static, "assets/logo.svg": LOGO_SVG})
    reused: list[str] = []
    unproven: list[list[str]] = []
    real_memo, real_config = PartnerkitPlugin.memo, PartnerkitPlugin.on_config

    def recording_memo(self: PartnerkitPlugin, key: str | None, caller: Callable[[], str]) -> str:
        if self.shortcuts and key and key in self._memo:
            reused.append(key)
        return real_memo(self, key, caller)

    plugins: list[PartnerkitPlugin] = []

    def recording_config(self: PartnerkitPlugin, config: Any) -> Any:
        result = real_config(self, config)
        unproven.append(self.unproven)
        plugins.append(self)
        return result

    monkeypatch.setattr(PartnerkitPlugin, "memo", recording_memo)
    monkeypatch.setattr(PartnerkitPlugin, "on_config", recording_config)
    sites = {}
    with build_date(source_date(toolbox)):
        for shortcuts in (True, False):
            site = folder / f"site-{name}-{shortcuts}"
            run_mkdocs(config, docs, site, files.nav, ROOT / "templates" / "theme", files.pages, files.extra,
                       shortcuts=shortcuts)
            sites[shortcuts] = _tree(site)
    reused.append(f"converted:{plugins[0].converted}")
    return sites, reused, unproven


@pytest.mark.parametrize("name", sorted(SETTINGS_MATRIX))
def test_shortcuts_give_the_same_site_for_every_proven_material_setting(
        name: str, small_site: tuple[Path, Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, toolbox, files = small_site
    sites, reused, unproven = _build_with(folder, toolbox, files, SETTINGS_MATRIX[name], name, monkeypatch)
    assert unproven == [[], []]  # every setting of the matrix is on the proven lists
    assert sorted(sites[True]) == sorted(sites[False])
    assert [path for path in sites[True] if sites[True][path] != sites[False][path]] == []
    # The shortcuts were taken: the header and the sidebar of partner pages came from the memo, and most pages
    # were converted by HeadingPages.
    assert "header-start:kumppanit/" in reused and "nav:kumppanit" in reused
    assert int(reused[-1].split(":")[1]) > 0.6 * len(files.pages)


def test_the_matrix_covers_every_proven_feature() -> None:
    named = {feature for settings in SETTINGS_MATRIX.values()
             for feature in settings.get("theme", {}).get("features", [])}
    assert named == set(PROVEN_FEATURES)
    extensions = {next(iter(item)) if isinstance(item, dict) else item
                  for item in SETTINGS_MATRIX["extensions"]["markdown_extensions"]}
    assert extensions | {"tables", "fenced_code"} == set(PROVEN_EXTENSIONS)  # MkDocs adds those two always
    assert set(SETTINGS_MATRIX["extra"]["extra"]) == set(PROVEN_EXTRA)


@pytest.mark.parametrize("settings, reason", [
    (_features("navigation.tabs", "navigation.sidebar.autohide"), "theme.features: navigation.sidebar.autohide"),
    ({"theme": {"custom_dir": "overrides"}}, "theme.custom_dir"),
    ({"extra": {"tags": {"Kumppani": "kumppani"}}}, "extra.tags"),
    ({"markdown_extensions": ["toc", "pymdownx.snippets"]}, "markdown_extensions: pymdownx.snippets"),
    ({"plugins": ["search"]}, "plugins: material/search"),
])
def test_an_unproven_setting_switches_the_shortcuts_off(settings: dict[str, Any], reason: str,
                                                        small_site: tuple[Path, Any, Any],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, toolbox, files = small_site
    (folder / "overrides").mkdir(exist_ok=True)
    name = "unproven-" + reason.split(":")[-1].strip().replace(".", "-").replace("/", "-")
    sites, reused, unproven = _build_with(folder, toolbox, files, settings, name, monkeypatch)
    assert unproven[0] == [reason] and unproven[1] == [reason]
    assert reused == ["converted:0"]  # the plain path: nothing was reused or converted
    assert sites[True] == sites[False]


def test_pages_from_memory_equal_mkdocs_reading_a_docs_folder(small_site: tuple[Path, Any, Any]) -> None:
    # The plugin hands MkDocs the pages from memory (and takes every shortcut); plain MkDocs reads the same
    # pages from a docs folder, with the navigation and extra settings in its mkdocs.yml and no shortcuts.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    folder, toolbox, files = small_site
    write_tree(folder / "docs-memory", dict(files.static))
    write_tree(folder / "docs-plain", {**files.static, **files.pages})
    settings = _merged(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")),
                       {"nav": files.nav, "extra": files.extra, "use_directory_urls": False, "strict": True,
                        "docs_dir": str(folder / "docs-plain"), "site_dir": str(folder / "site-plain"),
                        "theme": {"custom_dir": str(ROOT / "templates" / "theme")}})
    (folder / "plain.yml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    with build_date(source_date(toolbox)):
        run_mkdocs(ROOT / "mkdocs.yml", folder / "docs-memory", folder / "site-memory", files.nav,
                   ROOT / "templates" / "theme", files.pages, files.extra, shortcuts=True)
        config = load_config(config_file=str(folder / "plain.yml"))
        # The theme's templates call partnerkit_memo and include material/ partials; with no pages given and the
        # shortcuts off, the plugin only provides those (memo renders every block as it stands).
        config.plugins["partnerkit"] = PartnerkitPlugin({}, set(), shortcuts=False)
        build(config)
    memory, plain = _tree(folder / "site-memory"), _tree(folder / "site-plain")
    assert sorted(memory) == sorted(plain)
    assert [path for path in memory if memory[path] != plain[path]] == []


@pytest.mark.parametrize("name", ["sticky-tabs", "everything"])
def test_parallel_build_gives_the_same_site_under_other_material_settings(
        name: str, small_site: tuple[Path, Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # The other shortcut: pages outside the navigation built by several processes and merged.
    from partnerkit.builders import mkdocs_runner

    folder, toolbox, files = small_site
    config = folder / f"parallel-{name}.yml"
    config.write_text(yaml.safe_dump(_merged(yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")),
                                             SETTINGS_MATRIX[name]), allow_unicode=True), encoding="utf-8")
    docs = folder / f"docs-parallel-{name}"
    write_tree(docs, {**files.static, "assets/logo.svg": LOGO_SVG})
    monkeypatch.setattr(mkdocs_runner, "MIN_SHARDED_PAGES", 5)
    merged: list[int] = []
    real_merge = mkdocs_runner._merge_sites
    monkeypatch.setattr(mkdocs_runner, "_merge_sites",
                        lambda parts, *rest: merged.append(len(parts)) or real_merge(parts, *rest))
    sites = {}
    with build_date(source_date(toolbox)):
        for jobs in (1, 2):
            site = folder / f"site-parallel-{name}-{jobs}"
            run_mkdocs(config, docs, site, files.nav, ROOT / "templates" / "theme", files.pages, files.extra,
                       jobs=jobs)
            sites[jobs] = _tree(site)
    assert merged == [2]
    assert sorted(sites[1]) == sorted(sites[2])
    assert [path for path in sites[1] if sites[1][path] != sites[2][path]] == []


# -------------------------------------------------------------------------------------------------------------
# HeadingPages: pages of headings and set-aside blocks converted without Python-Markdown. Compared with MkDocs'
# own Page.render under many table-of-contents settings, on pages it takes and pages it must leave to Markdown.

import pymdownx.slugs  # noqa: E402
from markdown.extensions.toc import slugify_unicode  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402

from partnerkit.mkdocs_plugin import HeadingPages  # noqa: E402

TOC_SETTINGS: dict[str, dict[str, Any]] = {
    "default": {},
    "permalink": {"permalink": True},
    "permalink-leading": {"permalink": "#", "permalink_title": "", "permalink_class": "pk-link",
                          "permalink_leading": True},
    "anchorlink": {"anchorlink": True, "anchorlink_class": "pk-self", "permalink": "¶"},
    "baselevel-2": {"baselevel": 2, "toc_depth": "2-4"},
    "baselevel-6": {"baselevel": 6, "toc_depth": 2},
    "separator": {"separator": "_", "title": "Sisällys", "marker": ""},
    "unicode-slugs": {"slugify": slugify_unicode},
    "pymdownx-slugs": {"slugify": pymdownx.slugs.slugify(case="lower", percent_encode=True)},
}
OTHER_EXTENSIONS = ["attr_list", "abbr", "pymdownx.emoji", "pymdownx.mark", "pymdownx.inlinehilite", "def_list",
                    "footnotes", "md_in_html", "admonition"]
# Headings as the site's templates write them (escape_markdown's escapes included): the shortcut takes these.
TAKEN = ["Kumppanuus\\- ja palveluverkostot", "Lilja&#39;s Deli &amp; Bistro", "Kumppanit: K \\(1/2\\)",
         "Tänä vuonna tämän kumppanin kanssa (2026)", "Nuorisoyhdistys &#34;Nuotta&#34; ry",
         "Yhteistyö tasoittain", "Yhteistyö tasoittain", "Sähkö\\-Virranvaara Oy", "2026 \\- 2027",
         "Ääni ja Kuva – Ö’Connor", "Oy\\. Ab\\.", "(Ei tasoa)"]
# Headings any extension might read: each leaves its page to Markdown.
LEFT = ["Väli {: #vali }", "a *b*", "x_y_", ":smile: hei", "==merkitty==", "A &copy; B", "A\\*B", "[linkki](a.md)",
        "`koodi`", "x:y", "kaksi  väliä", "- viiva", "loppu ", "Otsikko #"]


def _mkdocs_config(tmp_path: Path, toc: dict[str, Any], extra: list[Any] | None = None) -> Any:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: Koe\n", encoding="utf-8")
    return load_config(config_file=str(tmp_path / "mkdocs.yml"),
                       markdown_extensions=[{"toc": toc}, *(extra or [])])


def _by_mkdocs(config: Any, text: str) -> tuple[Any, ...]:
    page = Page(None, File("koe.md", None, config["site_dir"], False), config)
    page.markdown = text
    page.render(config, Files([]))
    return _page_result(page)


def _by_shortcut(headings: HeadingPages, config: Any, text: str) -> tuple[Any, ...] | None:
    converted = headings.convert(text)
    if converted is None:
        return None
    page = Page(None, File("koe.md", None, config["site_dir"], False), config)
    converted.render(page, config, Files([]))
    return _page_result(page)


def _page_result(page: Page) -> tuple[Any, ...]:
    def outline(items: Any) -> list[Any]:
        return [(item.title, item.id, item.level, getattr(item, "active", None), outline(item.children))
                for item in items]

    links = {file.src_uri: dict(anchors) for file, anchors in (page.links_to_anchors or {}).items()}
    return page.content, outline(page.toc), page._title_from_render, page.present_anchor_ids, links


@pytest.mark.parametrize("name", sorted(TOC_SETTINGS))
def test_heading_pages_convert_as_mkdocs_does_under_every_toc_setting(name: str, tmp_path: Path) -> None:
    config = _mkdocs_config(tmp_path, TOC_SETTINGS[name], OTHER_EXTENSIONS)
    headings = HeadingPages(config)
    assert headings.usable
    generator = random.Random(name)
    taken = left = 0
    for _ in range(150):
        hostile = generator.random() < 0.5
        blocks = []
        for number in range(generator.randint(1, 7)):
            if generator.random() < 0.4:
                blocks.append(f"\ufdd0PARTNERKITRAWHTML{number}\ufdd1")
            else:
                text = generator.choice(LEFT if hostile and number == 2 else TAKEN)
                blocks.append("#" * generator.randint(1, 6) + " " + text)
        text = generator.choice(["\n\n", "\n\n\n"]).join(blocks) + generator.choice(["", "\n"])
        mine = _by_shortcut(headings, config, text)
        if mine is None:
            left += 1
            assert any(block.endswith(tuple(LEFT)) for block in blocks) or "\n" not in text, text
        else:
            taken += 1
            assert mine == _by_mkdocs(config, text), text
    assert taken > 80 and left > 20


def test_a_heading_on_the_line_next_to_a_block_is_left_to_markdown(tmp_path: Path) -> None:
    config = _mkdocs_config(tmp_path, {})
    headings = HeadingPages(config)
    assert headings.convert("# A\n\n\ufdd0PARTNERKITRAWHTML0\ufdd1") is not None
    assert headings.convert("# A\n\ufdd0PARTNERKITRAWHTML0\ufdd1") is None
    assert headings.convert("# A\nteksti") is None
    assert headings.convert("") is None


@pytest.mark.parametrize("toc, extra", [
    ({}, [{"abbr": {"glossary": {"Oy": "osakeyhtiö"}}}]),  # an abbreviation in any heading: not plain text
    ({"slugify": lambda text, separator: 'a"b'}, []),  # ids the serializer would escape
    ({"slugify": lambda text, separator: text}, []),  # an id equal to its text: the probe cannot tell them apart
])
def test_settings_the_shortcut_cannot_reproduce_switch_it_off(toc: dict[str, Any], extra: list[Any],
                                                               tmp_path: Path) -> None:
    config = _mkdocs_config(tmp_path, toc, extra)
    assert not HeadingPages(config).usable


def test_headings_of_random_unicode_text_convert_as_mkdocs_does(tmp_path: Path) -> None:
    # Any script, symbol or mark a name may hold, among the punctuation the shortcut reads: whatever it takes
    # must come out as MkDocs makes it, under slug functions that keep or drop such characters.
    characters = [chr(code) for code in range(0x20, 0x30000)
                  if unicodedata.category(chr(code)) not in ("Cs", "Co", "Cn")]
    generator = random.Random(7)
    taken = 0
    for toc in ({}, {"permalink": True}, {"slugify": slugify_unicode},
                {"slugify": pymdownx.slugs.slugify(case="lower")}):
        config = _mkdocs_config(tmp_path, toc, ["attr_list", "pymdownx.emoji", "abbr"])
        headings = HeadingPages(config)
        for _ in range(400):
            words = ["".join(generator.choice(characters) if generator.random() < 0.5
                             else generator.choice("abcåäöÄÖ019-.,()&;:'’")
                             for _ in range(generator.randint(1, 8))) for _ in range(generator.randint(1, 4))]
            level = "#" * generator.randint(1, 6)
            text = f"{level} {' '.join(words)}\n\n\ufdd0PARTNERKITRAWHTML0\ufdd1\n\n## {words[0]}"
            mine = _by_shortcut(headings, config, text)
            if mine is not None:
                taken += 1
                assert mine == _by_mkdocs(config, text), text
    assert taken > 400
