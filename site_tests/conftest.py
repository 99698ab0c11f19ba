"""One real build of the sample toolbox per test session (MkDocs --strict), served on localhost for the browser."""

from __future__ import annotations

import functools
import http.server
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jinja2
import pytest

from partnerkit.audience import PROFILES, history_for, view_for
from partnerkit.builders import quiet, source_date
from partnerkit.builders.site import SiteBuilder, build_site_files, site_settings
from partnerkit.history import read_history
from partnerkit.model import Toolbox
from partnerkit.pipeline import Project, build_outputs, make_view, read_toolbox
from partnerkit.render import make_environment
from partnerkit.render.site import SiteFiles, html_path, render_site

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"


@dataclass(frozen=True)
class BuiltSite:
    """The sample toolbox and the site built from it."""

    toolbox: Toolbox
    root: Path
    # Every page the site renderer made for this build: {built HTML path: page type} (see render_page_types).
    types: dict[str, str] = field(default_factory=dict)
    # The Markdown the renderer made for each page: {built HTML path: text}.
    sources: dict[str, str] = field(default_factory=dict)

    def html(self, relative: str) -> str:
        """Return the text of a built page."""
        return (self.root / relative).read_text(encoding="utf-8")


class _TypeRecorder:
    """A page template that notes which page it renders: the template's name is the page's type."""

    def __init__(self, template: jinja2.Template, seen: dict[str, str]) -> None:
        self.template, self.seen = template, seen

    def render(self, values: dict[str, Any]) -> str:
        """Render the page, noting its docs path under the template's name (site/tier.md.j2 -> "tier")."""
        self.seen[values["here"]] = posixpath.basename(str(self.template.name)).split(".")[0]
        return self.template.render(values)


def recording_environment(project: Project, seen: dict[str, str]) -> jinja2.Environment:
    """Return the renderer's template environment, noting in seen the template of every page rendered with it."""
    env = make_environment(project.templates_dir)
    load = env.get_template

    # The renderer asks for a page's template without a parent; includes, imports and extends always name theirs.
    def get_template(name: Any, parent: str | None = None, globals: Any = None) -> Any:  # noqa: A002
        template = load(name, parent, globals)
        return _TypeRecorder(template, seen) if parent is None else template

    env.get_template = get_template  # type: ignore[method-assign]
    return env


def typed_pages(files: SiteFiles, seen: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Return ({built HTML path: page type}, {built HTML path: Markdown}) of rendered site files."""
    assert set(seen) == set(files.pages), "every page must be rendered through a recorded template"
    return ({html_path(path): seen[path] for path in files.pages},
            {html_path(path): text for path, text in files.pages.items()})


def render_page_types(project: Project, toolbox: Toolbox, audience: str) -> tuple[dict[str, str], dict[str, str]]:
    """Render the site exactly as the build does and return its pages' types and Markdown by built HTML path."""
    view, profile = make_view(toolbox, audience)
    seen: dict[str, str] = {}
    builder = SiteBuilder(project, view, profile, ROOT / "unused", quiet, recording_environment(project, seen))
    builder.render()
    return typed_pages(builder.files, seen)


# The split variant of the sample: the same content as it looks when listings are long and reviews neglected.
# Listings are split into pages of this many rows (render/browse.py; 300 in real builds), so the sample's tiers,
# partner index and review lists get their alphabetical pages ...
SPLIT_PAGE_SIZE = 3
# ... and the build's reference date is this many years after the latest commit, so every partner is overdue.
SPLIT_YEARS_LATER = 3
# Searchable pages per search index bundle in the split variant: the sample's index then comes in several bundles,
# as a site of many thousand pages does (render/search.py).
SPLIT_BUNDLE_PAGES = 40


def render_split(project: Project, toolbox: Toolbox, audience: str) -> tuple[SiteFiles, dict[str, str]]:
    """Render the split variant of a profile's site; return its files and {docs path: page type}."""
    view, profile = make_view(toolbox, audience)
    history = history_for(read_history(project.root, project.content_dir), profile, view)
    assert history is not None
    commit = history.commit_date or date(2026, 1, 1)  # no Git here: any fixed day, the split is what matters
    history = replace(history, commit_date=commit + timedelta(days=366 * SPLIT_YEARS_LATER))
    settings = replace(site_settings(project, profile), page_size=SPLIT_PAGE_SIZE,
                       search_bundle_pages=SPLIT_BUNDLE_PAGES)
    seen: dict[str, str] = {}
    files = render_site(view, settings, recording_environment(project, seen), history)
    return files, seen


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build the bundled sample content once, exactly as `python build.py` does."""
    project = Project(ROOT)
    toolbox = read_toolbox(project)
    target = tmp_path_factory.mktemp("built") / "site"
    build_outputs(project, toolbox, "internal", target, None, quiet)
    return BuiltSite(toolbox, target, *render_page_types(project, toolbox, "internal"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def built_public(tmp_path_factory: pytest.TempPathFactory, built: BuiltSite) -> BuiltSite:
    """Build the public profile of the sample once (the session's one extra MkDocs build); toolbox is the full one."""
    target = tmp_path_factory.mktemp("built-public") / "site"
    project = Project(ROOT)
    build_outputs(project, built.toolbox, "public", target, None, quiet)
    return BuiltSite(built.toolbox, target, *render_page_types(project, built.toolbox, "public"))


@pytest.fixture(scope="session")
def built_split(tmp_path_factory: pytest.TempPathFactory, built: BuiltSite) -> dict[str, BuiltSite]:
    """Build the split variant of the sample in both profiles (render_split; two small MkDocs builds)."""
    project = Project(ROOT)
    sites = {}
    for audience in PROFILES:
        files, seen = render_split(project, built.toolbox, audience)
        work = tmp_path_factory.mktemp(f"split-{audience}")
        view, _ = make_view(built.toolbox, audience)
        build_site_files(project, source_date(view), files, work)
        sites[audience] = BuiltSite(built.toolbox, work / "site", *typed_pages(files, seen))
    return sites


@contextmanager
def serving(root: Path) -> Iterator[str]:
    """Serve the folder root on a free localhost port; yield its base URL (no trailing slash)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built: BuiltSite) -> Iterator[str]:
    """Serve the built site on a free localhost port."""
    with serving(built.root) as url:
        yield url


@pytest.fixture(scope="session")
def public_url(built_public: BuiltSite) -> Iterator[str]:
    """Serve the public build on another free localhost port."""
    with serving(built_public.root) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (browser downloads are impossible here)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test`, which installs Debian's chromium package")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()




# Page types are named after the template that renders them (templates/site/<type>.md.j2); "404" is the theme's.
PAGE_TYPES = ("home", "tier", "partner", "partners", "method", "methods", "contact", "contacts", "team", "teams",
              "guides", "guide", "changes", "review", "publishing", "search", "404", "accessibility", "privacy", "ended",
              "service", "services", "public_home", "plans", "plan", "year")
# Ended partnerships are listed for staff only (the public view has no ended partner); so are the annual plans.
# The staff's home, tier, method, changes and publishing pages are theirs alone; the public home is for companies.
INTERNAL_ONLY_PAGE_TYPES = ("contact", "contacts", "review", "ended", "home", "tier", "method", "methods", "changes",
                            "publishing", "plans", "plan", "year")
PUBLIC_ONLY_PAGE_TYPES = ("public_home",)
# The page types of the split variant (render_split) that the sample's own build has not, or shows otherwise:
# the alphabetical pages of long listings, the pages that link to them instead of listing, and the review report
# with every partner overdue. Public builds list no partners by tier and have no review report.
# The search page changes too: the split variant's search index comes in bundles (SPLIT_BUNDLE_PAGES); and the
# staff build's partner pages, which with every review overdue carry their "Tarkistettava" mark.
SPLIT_PAGE_TYPES = {"internal": ("tier", "tier_partners", "partners", "partners_page", "partner", "review",
                                 "review_page", "search", "team", "plan", "year",
                                 # Their "this year" actions: the split variant's year has no plan.
                                 "method", "contact"),
                    # The public site (no method or tier pages) stays within one search index bundle.
                    "public": ("partners", "partners_page")}
THEME_PAGES = {"404.html": "404"}  # pages the theme makes, not the site renderer
# The web editor's page (render/editor.py, staff build only): Decap CMS draws it; test_editor.py runs axe on it.
EDITOR_PAGES = {"muokkaa/index.html": "editor"}


def page_types(audience: str) -> tuple[str, ...]:
    """Return the page types of the sample's build in the profile."""
    excluded = PUBLIC_ONLY_PAGE_TYPES if audience == "internal" else INTERNAL_ONLY_PAGE_TYPES
    return tuple(t for t in PAGE_TYPES if t not in excluded)


def page_of_type(site: BuiltSite, page_type: str, audience: str = "internal") -> str:
    """Return the built path of one page of the type: the heaviest one where size or length can break things."""
    toolbox = site.toolbox
    # Partners and guides as the profile shows them (the public site has fewer of both).
    shown = view_for(toolbox, PROFILES[audience])
    partners = list(shown.partners)
    coops = [c for p in toolbox.partners for c in p.cooperations]
    tier = max(toolbox.tiers, key=lambda t: sum(c.tier == t.id for c in coops))
    contact = max(toolbox.contacts, key=lambda k: (sum(k.id in c.contacts for c in coops), k.id))
    chosen = {
        "home": "index.html",
        "tier": f"tasot/{tier.id}.html",
        "partner": f"kumppanit/{max(partners, key=lambda p: (len(p.name), p.id)).id}.html",
        "partners": "kumppanit/index.html",
        "method": f"menetelmat/{max(toolbox.methods, key=lambda m: (len(m.body), m.id)).id}.html",
        "methods": "menetelmat/index.html",
        "contact": f"henkilot/{contact.id}.html",
        "contacts": "henkilot/index.html",
        "team": f"tiimit/{max(toolbox.teams, key=lambda t: (len(t.description), t.id)).id}.html",
        "teams": "tiimit/index.html",
        "guides": "oppaat/index.html",
        "guide": f"oppaat/{max(shown.guides, key=lambda g: (len(g.body), g.id)).id}.html",
        "404": "404.html",
    }
    if page_type in chosen:
        return chosen[page_type]
    # Any other type: its longest page as the renderer made it (the only one, for most of them).
    return max((len(text), path) for path, text in site.sources.items() if site.types[path] == page_type)[1]
