"""MkDocs, run over the generated pages: in strict mode, in several processes for a big site, or for a few pages.

A big site is split into shards (see _plan_shards) built by parallel processes and merged into the site one
process would build; tests/test_scale.py compares the two byte for byte. The preview builds only the pages an
edit changed (build_pages).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..write import OutputError

SITEMAP_NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@contextmanager
def build_date(timestamp: int) -> Iterator[None]:
    """Give MkDocs (and its worker processes) this content's date for the length of one build."""
    # Set per build and restored after, so a long-running preview follows the content instead of its first build;
    # a date the caller set explicitly (reproducible-builds convention) is left alone.
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(timestamp)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, nav: list[Any], theme_dir: Path,
               pages: Mapping[str, str | bytes], extra: Mapping[str, Any] | None = None, jobs: int = 1,
               shortcuts: bool = True, compiled: Any = None) -> None:
    """Build the site with MkDocs in strict mode; any warning fails the build. extra is merged into `extra:`.

    pages are the generated Markdown pages {docs path: text or its UTF-8}, handed to MkDocs in memory; docs_dir
    holds the static files. With jobs > 1 and enough pages, the pages outside the navigation are built by that many
    processes at once (see _plan_shards); the merged result is the same site a single build gives. shortcuts
    switches partnerkit's MkDocs plugin's shortcuts (see mkdocs_plugin), which must not change a byte;
    compiled is a session's cache of compiled theme templates (mkdocs_plugin.MemoryBytecodeCache), if any.
    """
    # Another plugin (Material's search, say) may write one file from all pages, which no shard has: with any
    # plugin in mkdocs.yml the site is built in one process, as MkDocs would.
    shards = _plan_shards(pages, nav, jobs)
    if shards and _configured_plugins(config_file, docs_dir):
        shards = []
    common = (str(config_file), nav, str(theme_dir), dict(extra or {}), shortcuts)
    if not shards:
        _build_mkdocs(str(docs_dir), str(site_dir), dict(pages), *common, compiled=compiled)
        return
    _build_sharded(docs_dir, site_dir, [{path: pages[path] for path in shard} for shard in shards], common)


# Below this many pages outside the navigation, starting a second process costs more than it saves.
MIN_SHARDED_PAGES = 1000


def _configured_plugins(config_file: Path, docs_dir: Path) -> list[str]:
    """Return the plugins mkdocs.yml turns on (MkDocs' default, search, when it names none)."""
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        return sorted(load_config(config_file=str(config_file), docs_dir=str(docs_dir)).plugins)
    except Exception:  # noqa: BLE001 - the build itself reports a broken mkdocs.yml with its own message
        return ["?"]


def _plan_shards(pages: Mapping[str, str | bytes], nav: list[Any], jobs: int) -> list[list[str]]:
    """Return, per process, the pages it builds: every one gets the navigation's pages, the rest are split."""
    if jobs < 2:
        return []
    shared = sorted(set(nav_pages(nav)) & set(pages))
    own = sorted(set(pages) - set(shared))
    if len(own) < MIN_SHARDED_PAGES:
        return []
    # Pages outside the navigation render the same in any process: MkDocs copies only the navigation into them.
    size = -(-len(own) // jobs)
    return [shared + own[i * size:(i + 1) * size] for i in range(jobs) if own[i * size:(i + 1) * size]]


def nav_pages(nav: Any) -> list[str]:
    """Return the docs paths of the pages in a MkDocs navigation."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in nav_pages(item)]
    return []


def _build_sharded(docs_dir: Path, site_dir: Path, shards: list[dict[str, str | bytes]],
                   common: tuple[Any, ...]) -> None:
    """Build each shard's pages in its own process and merge the sites; shared output must come out identical."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Static files (assets, data files, attachments) are copied once, by the first process.
    parts = [(docs_dir, site_dir.with_name(f"{site_dir.name}-0"))]
    for number in range(1, len(shards)):
        empty_docs = docs_dir.with_name(f"{docs_dir.name}-{number}")
        shutil.rmtree(empty_docs, ignore_errors=True)
        empty_docs.mkdir()
        parts.append((empty_docs, site_dir.with_name(f"{site_dir.name}-{number}")))
    # spawn, not fork: the child starts clean instead of sharing a copy of this process's memory and threads.
    with ProcessPoolExecutor(len(parts) - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_build_mkdocs, str(docs), str(site), shard, *common)
                   for (docs, site), shard in zip(parts[1:], shards[1:])]
        _build_mkdocs(str(parts[0][0]), str(parts[0][1]), shards[0], *common)
        for future in futures:
            future.result()
    _merge_sites([site for _, site in parts], site_dir, common[0], common[2], str(docs_dir))
    for docs, _ in parts[1:]:
        shutil.rmtree(docs, ignore_errors=True)


def _merge_sites(parts: list[Path], site_dir: Path, config_file: str, theme_dir: str, docs_dir: str) -> None:
    """Move the shards' sites into site_dir; a file built by several shards must be byte-identical in each."""
    os.rename(parts[0], site_dir)
    sitemaps = [(parts[0] / "sitemap.xml")]
    for part in parts[1:]:
        for folder, _, names in os.walk(part):
            for name in names:
                source = Path(folder) / name
                relative = source.relative_to(part)
                target = site_dir / relative
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(source, target)
                elif relative.as_posix() == "sitemap.xml":
                    sitemaps.append(source)
                elif relative.as_posix() != "sitemap.xml.gz" and source.read_bytes() != target.read_bytes():
                    raise OutputError("out_mkdocs_shards", path=relative)
    merge_sitemaps([site_dir / "sitemap.xml", *sitemaps[1:]], site_dir, config_file, theme_dir, docs_dir)
    for part in parts[1:]:
        shutil.rmtree(part, ignore_errors=True)


def merge_sitemaps(files: list[Path], site_dir: Path, config_file: str, theme_dir: str, docs_dir: str) -> None:
    """Write one sitemap of every shard's pages, in the order a single MkDocs build lists them."""
    entries: dict[str, str | None] = {}
    for file in files:
        entries.update(read_sitemap(file))
    if len(files) < 2 or not entries:
        return
    packed_file = site_dir / "sitemap.xml.gz"
    # The gzip header's time is MkDocs' build timestamp; the first shard wrote it already.
    mtime = int.from_bytes(packed_file.read_bytes()[4:8], "little") if packed_file.exists() else 0
    write_sitemap(entries, site_dir, mtime, config_file, theme_dir, docs_dir)


def read_sitemap(file: Path) -> dict[str, str | None]:
    """Return {page address: last modification date or None} of a sitemap MkDocs wrote ({} without one)."""
    # The sitemaps are MkDocs' output of a moment ago in our own staging folder; expat does not fetch
    # external entities, and the standard parser is enough.
    import xml.etree.ElementTree as ElementTree

    entries: dict[str, str | None] = {}
    if file.exists():
        for url in ElementTree.parse(file).getroot().iter(SITEMAP_NAMESPACE + "url"):
            lastmod = url.find(SITEMAP_NAMESPACE + "lastmod")
            entries[url.findtext(SITEMAP_NAMESPACE + "loc", "")] = None if lastmod is None else lastmod.text
    return entries


def write_sitemap(entries: Mapping[str, str | None], site_dir: Path, mtime: int, config_file: str, theme_dir: str,
                  docs_dir: str) -> None:
    """Write sitemap.xml and sitemap.xml.gz of entries (page address: date) as one MkDocs build writes them."""
    import gzip

    if not entries:
        return
    prefix = os.path.commonprefix(list(entries)) if len(entries) > 1 else ""
    prefix = prefix[: prefix.rfind("/") + 1]

    def walk_order(loc: str) -> tuple[Any, ...]:
        # MkDocs lists a folder's files (index first) before its subfolders, folders in name order.
        parts = loc[len(prefix):].split("/")
        return (*((1, part) for part in parts[:-1]), (0, parts[-1].split(".")[0] != "index", parts[-1]))

    # Written by the theme's own sitemap template, as MkDocs writes it: a page's URL as its canonical URL.
    pages = [SimpleNamespace(page=SimpleNamespace(is_link=False, abs_url=None, canonical_url=loc,
                                                  update_date=entries[loc]))
             for loc in sorted(entries, key=walk_order)]
    # The build's own docs folder: MkDocs refuses a configuration whose docs_dir does not exist, and the
    # institution's project need not have one beside mkdocs.yml (a sitemap only has entries with site_url set).
    config = _load_config(config_file, theme_dir, docs_dir=docs_dir)
    merged = config.theme.get_env().get_template("sitemap.xml").render(pages=pages, config=config)
    (site_dir / "sitemap.xml").write_text(merged, encoding="utf-8")
    packed_file = site_dir / "sitemap.xml.gz"
    with open(packed_file, "wb") as stream:
        with gzip.GzipFile(fileobj=stream, filename=str(packed_file), mode="wb", mtime=mtime) as packed:
            packed.write(merged.encode("utf-8"))


def _load_config(config_file: str, theme_dir: str, **settings: Any) -> Any:
    """Return MkDocs' configuration of a build: mkdocs.yml with our theme folder before the theme's own."""
    from mkdocs.config import load_config

    config = load_config(config_file=config_file, strict=True, use_directory_urls=False, **settings)
    # Our partials (edit links to the YAML source, footer links, styles) take precedence over the theme's.
    config.theme.dirs.insert(0, theme_dir)
    return config


def _build_mkdocs(docs_dir: str, site_dir: str, pages: dict[str, str | bytes], config_file: str, nav: list[Any],
                  theme_dir: str, extra: dict[str, Any], shortcuts: bool, compiled: Any = None) -> None:
    """Run one MkDocs build (in this process or a worker); MkDocs errors become OutputError."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    from ..mkdocs_plugin import PartnerkitPlugin

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = _load_config(config_file, theme_dir, docs_dir=docs_dir, site_dir=site_dir, nav=nav)
        # Settings of the build profile (robots policy, footer links) win over the institution's own `extra:`.
        for key, value in sorted(extra.items()):
            config.extra[key] = value
        if extra.get("partnerkit_repository") is False:
            # The public cannot reach the institution's repository: no source button, no edit or view links.
            config["repo_url"] = config["repo_name"] = config["edit_uri"] = None
        if extra.get("partnerkit_site_description"):
            config["site_description"] = extra["partnerkit_site_description"]
        config.plugins["partnerkit"] = PartnerkitPlugin(pages, set(nav_pages(nav)), shortcuts, compiled)
        build(config)
    except (Abort, ConfigurationError) as error:
        raise OutputError("out_mkdocs", detail=error) from error




def build_pages(config_file: Path, site_dir: Path, nav: list[Any], theme_dir: Path, extra: Mapping[str, Any],
                pages: Mapping[str, str], work_dir: Path, compiled: Any = None,
                sitemap: tuple[int, Collection[str]] | None = None) -> None:
    """Build just pages with MkDocs and put their HTML into site_dir.

    With sitemap (the build's timestamp and the docs paths of the pages removed since the site was built), the
    site's sitemap is brought up to date too: the pages removed leave it, the pages built join it, and every date
    is the timestamp's, as in a full build of the same pages.
    """
    # A page outside the navigation renders the same whichever other pages exist (see _plan_shards), so a
    # build of the changed pages alone gives the HTML a full build would; the preview uses this. MkDocs needs
    # the navigation's pages to exist, but every navigation entry has its own title, so their text does not
    # reach other pages: unchanged ones are given empty, and their HTML is not kept. The static files are in
    # site_dir already, so MkDocs gets an empty docs folder.
    mini_docs, mini_site = work_dir / "docs", work_dir / "site"
    shutil.rmtree(work_dir, ignore_errors=True)
    mini_docs.mkdir(parents=True)
    wanted = {path: "" for path in nav_pages(nav)}
    wanted.update(pages)
    with build_date(sitemap[0]) if sitemap is not None else nullcontext():
        _build_mkdocs(str(mini_docs), str(mini_site), wanted, str(config_file), nav, str(theme_dir), dict(extra),
                      True, compiled)
    for relative in sorted(pages):
        html = relative[: -len(".md")] + ".html"
        (site_dir / html).parent.mkdir(parents=True, exist_ok=True)
        os.replace(mini_site / html, site_dir / html)
    if sitemap is not None:
        built = read_sitemap(mini_site / "sitemap.xml")
        if built:
            # Every page of one build has the build's date; the addresses differ from the HTML paths only by the
            # site's address before them, which the home page's entry shows (it is in every navigation, and the
            # shortest address of an index page).
            base = min((loc for loc in built if loc.endswith("index.html")), key=len)[: -len("index.html")]
            removed = {base + relative[: -len(".md")] + ".html" for relative in sitemap[1]}
            day = next(iter(built.values()))
            entries = {loc: day for loc in read_sitemap(site_dir / "sitemap.xml") if loc not in removed}
            entries.update({base + relative[: -len(".md")] + ".html": day for relative in pages})
            packed = (mini_site / "sitemap.xml.gz").read_bytes()
            write_sitemap(entries, site_dir, int.from_bytes(packed[4:8], "little"), str(config_file),
                          str(theme_dir), str(mini_docs))
    shutil.rmtree(work_dir, ignore_errors=True)
