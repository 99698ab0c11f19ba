"""One real build of the sample toolbox per test session (MkDocs --strict), served on localhost for the browser."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from partnerkit.model import Toolbox
from partnerkit.pipeline import Project, build_site, read_toolbox

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
    build_site(project, toolbox, "internal", target, lambda message: None)
    return BuiltSite(toolbox, target)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site_url(built: BuiltSite) -> Iterator[str]:
    """Serve the built site on a free localhost port."""
    handler = functools.partial(_QuietHandler, directory=str(built.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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
