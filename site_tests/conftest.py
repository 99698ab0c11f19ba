"""One real build of the sample toolbox per test session (MkDocs --strict), served on localhost for the browser."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from partnerkit.audience import PROFILES, view_for
from partnerkit.builders import quiet
from partnerkit.model import Toolbox
from partnerkit.pipeline import Project, build_outputs, read_toolbox

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

    def html(self, relative: str) -> str:
        """Return the text of a built page."""
        return (self.root / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build the bundled sample content once, exactly as `python build.py` does."""
    project = Project(ROOT)
    toolbox = read_toolbox(project)
    target = tmp_path_factory.mktemp("built") / "site"
    build_outputs(project, toolbox, "internal", target, None, quiet)
    return BuiltSite(toolbox, target)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def built_public(tmp_path_factory: pytest.TempPathFactory, built: BuiltSite) -> BuiltSite:
    """Build the public profile of the sample once (the session's one extra MkDocs build); toolbox is the full one."""
    target = tmp_path_factory.mktemp("built-public") / "site"
    build_outputs(Project(ROOT), built.toolbox, "public", target, None, quiet)
    return BuiltSite(built.toolbox, target)


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


PAGE_TYPES = ("home", "tier", "partner", "partners", "method", "methods", "contact", "contacts", "team", "teams",
              "guides", "guide", "404", "accessibility", "privacy")
INTERNAL_ONLY_PAGE_TYPES = ("contact", "contacts")


def page_of_type(site: BuiltSite, page_type: str, audience: str = "internal") -> str:
    """Return the built path of one page of the type: the heaviest one where size or length can break things."""
    toolbox = site.toolbox
    # Partners and guides as the profile shows them (the public site has fewer of both).
    shown = view_for(toolbox, PROFILES[audience])
    partners = list(shown.partners)
    coops = [c for p in toolbox.partners for c in p.cooperations]
    tier = max(toolbox.tiers, key=lambda t: sum(c.tier == t.id for c in coops))
    contact = max(toolbox.contacts, key=lambda k: (sum(k.id in c.contacts for c in coops), k.id))
    paths = {
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
        "accessibility": "saavutettavuusseloste.html",
        "privacy": "tietosuojaseloste.html",
    }
    return paths[page_type]
