"""Viewing the toolbox makes no request to any third-party host (no CDN fonts, scripts or images), in both profiles."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest

from site_tests.conftest import BuiltSite, page_of_type, page_types

# Elements whose URL the browser fetches by itself when the page is shown (links to elsewhere are not requests).
_FETCHED = {"link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src",
            "audio": "src", "embed": "src", "object": "data"}


class _Fetched(HTMLParser):
    """Collect the URLs a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = _FETCHED.get(tag)
        if name and values.get(name) and not (tag == "link" and values.get("rel") in ("canonical", "alternate")):
            self.urls.append(str(values[name]))
        if values.get("srcset"):
            self.urls.extend(part.split()[0] for part in str(values["srcset"]).split(",") if part.strip())


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_pages_fetch_nothing_from_other_hosts(
    profile: str, request: pytest.FixtureRequest, browser: Any
) -> None:
    site: BuiltSite = request.getfixturevalue("built" if profile == "internal" else "built_public")
    base = request.getfixturevalue("site_url" if profile == "internal" else "public_url")
    own = urlsplit(base).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    # Context-wide, so requests made by workers are recorded as well as the page's own.
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    types = list(page_types(profile))
    paths = [page_of_type(site, t, profile) for t in types]
    for path in paths:
        page.goto(f"{base}/{path}", wait_until="networkidle")
    page.goto(f"{base}/index.html", wait_until="networkidle")
    page.locator("label.md-header__button[for='__palette_1']").click()
    # A word every build has on many pages (the public build names no tier).
    page.locator("#pk-header-search").fill(site.toolbox.institution.split()[0])
    page.locator("#pk-header-search").press("Enter")
    page.locator(".pk-search__results li a").first.wait_for()
    page.wait_for_load_state("networkidle")
    context.close()

    web = [url for url in requested if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    third_party = sorted({url for url in web if urlsplit(url).netloc != own})
    assert third_party == []
    # The recording saw real traffic: every page with its assets, and the parts of the search index a query needs.
    assert len(web) > len(paths) * 3
    assert any("/pagefind/" in url for url in web)
    assert all(urlsplit(url).scheme not in ("ftp", "file") for url in requested)


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_built_pages_refer_to_no_other_host(profile: str, request: pytest.FixtureRequest) -> None:
    site: BuiltSite = request.getfixturevalue("built" if profile == "internal" else "built_public")
    pages = sorted(site.root.rglob("*.html"))
    foreign = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parser = _Fetched()
        parser.feed(text)
        foreign.extend(f"{page.name}: {url}" for url in parser.urls if urlsplit(url).netloc or url.startswith("//"))
        if re.search(r"fonts\.(googleapis|gstatic)\.com", text):
            foreign.append(f"{page.name}: Google Fonts")
    stylesheets = sorted(site.root.rglob("*.css"))
    for sheet in stylesheets:
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text(encoding="utf-8")):
            if urlsplit(url).netloc or url.startswith("//"):
                foreign.append(f"{sheet.name}: {url}")
    assert foreign == []
    assert len(pages) > 30 and len(stylesheets) >= 2
