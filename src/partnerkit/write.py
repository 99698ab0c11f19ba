"""The only module that writes output: staging, the MkDocs build, and the atomic swap into place."""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_RENAME_EXCHANGE = 2
STAGING_PREFIX = ".partnerkit-tmp-"


class OutputError(Exception):
    """Raised when the output cannot be produced; the previous output is left exactly as it was."""


@contextmanager
def staging_area(output_root: Path) -> Iterator[Path]:
    """Yield an empty directory beside the outputs (same filesystem, so renames are atomic); remove it after."""
    output_root.mkdir(parents=True, exist_ok=True)
    remove_stale_stages(output_root)
    # The process id in the name tells a later build whether this directory's owner is still running.
    stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=output_root))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def remove_stale_stages(output_root: Path) -> list[Path]:
    """Remove staging directories left by builds that were killed; return what was removed."""
    removed: list[Path] = []
    for entry in sorted(output_root.glob(STAGING_PREFIX + "*")):
        owner = entry.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and _is_running(int(owner)):
            continue  # another build (or this one) is still using it
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True


def write_tree(directory: Path, files: Mapping[str, str | bytes]) -> None:
    """Write {relative path: content} under directory, in sorted order."""
    base = directory.resolve()
    # Plain strings and one resolve() per folder, not per file: a site of 20,000 pages has few folders, and
    # pathlib's per-file work cost more than the writing itself.
    inside: set[str] = set()
    for relative in sorted(files):
        target = os.path.join(directory, relative)
        parent, name = os.path.split(target)
        if parent not in inside:
            if not Path(parent).resolve().is_relative_to(base):
                raise OutputError(f"refusing to write outside the output directory: {relative}")
            os.makedirs(parent, exist_ok=True)
            inside.add(parent)
        if name in ("", ".", "..") or (os.path.islink(target) and not Path(target).resolve().is_relative_to(base)):
            raise OutputError(f"refusing to write outside the output directory: {relative}")
        content = files[relative]
        with open(target, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, nav: list[Any], theme_dir: Path,
               extra: Mapping[str, Any] | None = None, jobs: int = 1) -> None:
    """Build the site with MkDocs in strict mode; any warning fails the build. extra is merged into `extra:`.

    With jobs > 1 and enough pages, the pages outside the navigation are built by that many processes at once
    (see _plan_shards); the merged result is the same site a single build gives.
    """
    shards = _plan_shards(docs_dir, nav, jobs)
    if not shards:
        _build_mkdocs(str(config_file), str(docs_dir), str(site_dir), nav, str(theme_dir), dict(extra or {}))
        return
    _build_sharded(config_file, docs_dir, site_dir, nav, theme_dir, dict(extra or {}), shards)


# Below this many pages outside the navigation, starting a second process costs more than it saves.
MIN_SHARDED_PAGES = 1000


def _plan_shards(docs_dir: Path, nav: list[Any], jobs: int) -> list[list[str]]:
    """Return, per process, the docs files it builds: every one gets the navigation's pages, the rest are split."""
    if jobs < 2:
        return []
    shared = set(_nav_pages(nav))
    files: list[str] = []
    for folder, folders, names in os.walk(docs_dir):
        folders.sort()
        relative = Path(folder).relative_to(docs_dir)
        files.extend((relative / name).as_posix() for name in sorted(names))
    own = [f for f in files if f.endswith(".md") and f not in shared]
    if len(own) < MIN_SHARDED_PAGES:
        return []
    # Pages outside the navigation render the same in any process: MkDocs copies only the navigation into them.
    size = -(-len(own) // jobs)
    shards = [sorted(shared & set(files)) + own[i * size:(i + 1) * size] for i in range(jobs)]
    # Static files (assets, data files, attachments) are copied once, by the first process.
    shards[0].extend(f for f in files if not f.endswith(".md"))
    return [shard for shard in shards if shard]


def nav_pages(nav: Any) -> list[str]:
    """Return the docs paths of the pages in a MkDocs navigation."""
    return _nav_pages(nav)


def _nav_pages(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    return []


def _build_sharded(config_file: Path, docs_dir: Path, site_dir: Path, nav: list[Any], theme_dir: Path,
                   extra: dict[str, Any], shards: list[list[str]]) -> None:
    """Build each shard's pages in its own process and merge the sites; shared output must come out identical."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    parts = []
    for number, shard in enumerate(shards):
        shard_docs = docs_dir.with_name(f"{docs_dir.name}-{number}")
        shutil.rmtree(shard_docs, ignore_errors=True)
        for relative in shard:
            target = shard_docs / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(docs_dir / relative, target)
        parts.append((str(shard_docs), str(site_dir.with_name(f"{site_dir.name}-{number}"))))
    common = (str(config_file), nav, str(theme_dir), extra)
    # spawn, not fork: the child starts clean instead of sharing a copy of this process's memory and threads.
    with ProcessPoolExecutor(len(parts) - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_build_mkdocs, common[0], docs, site, *common[1:]) for docs, site in parts[1:]]
        _build_mkdocs(common[0], parts[0][0], parts[0][1], *common[1:])
        for future in futures:
            future.result()
    _merge_sites([Path(site) for _, site in parts], site_dir)
    for docs, _ in parts:
        shutil.rmtree(docs, ignore_errors=True)


def _merge_sites(parts: list[Path], site_dir: Path) -> None:
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
                    raise OutputError(f"MkDocs: rinnakkaisen koonnin osat tuottivat eri tiedoston {relative}")
    _merge_sitemaps([site_dir / "sitemap.xml", *sitemaps[1:]], site_dir)
    for part in parts[1:]:
        shutil.rmtree(part, ignore_errors=True)


def _merge_sitemaps(files: list[Path], site_dir: Path) -> None:
    """Write one sitemap of every shard's pages, in the order a single MkDocs build lists them."""
    import gzip
    import re

    texts = [file.read_text(encoding="utf-8") for file in files if file.exists()]
    if len(texts) < 2:
        return
    entry = re.compile(r"\n?[ \t]*<url>.*?</url>", re.S)
    entries = {re.search(r"<loc>(.*?)</loc>", match, re.S).group(1): match  # type: ignore[union-attr]
               for text in texts for match in entry.findall(text)}
    if not entries:
        return
    prefix = os.path.commonprefix(list(entries)) if len(entries) > 1 else ""
    prefix = prefix[: prefix.rfind("/") + 1]

    def walk_order(loc: str) -> tuple[Any, ...]:
        # MkDocs lists a folder's files (index first) before its subfolders, folders in name order.
        parts = loc[len(prefix):].split("/")
        return (*((1, part) for part in parts[:-1]), (0, parts[-1].split(".")[0] != "index", parts[-1]))

    first = texts[0]
    start = first.index("<urlset")
    start = first.index(">", start) + 1
    end = first.rindex("</urlset>")
    tail = first[start:end]
    trailing = tail[len(tail.rstrip()):] if not entry.findall(tail) else tail[tail.rfind("</url>") + len("</url>"):]
    merged = first[:start] + "".join(entries[loc] for loc in sorted(entries, key=walk_order)) + trailing + first[end:]
    (site_dir / "sitemap.xml").write_text(merged, encoding="utf-8")
    packed_file = site_dir / "sitemap.xml.gz"
    # The gzip header's time is MkDocs' build timestamp; the first shard wrote it already.
    mtime = int.from_bytes(packed_file.read_bytes()[4:8], "little") if packed_file.exists() else 0
    with open(packed_file, "wb") as stream:
        with gzip.GzipFile(fileobj=stream, filename=str(packed_file), mode="wb", mtime=mtime) as packed:
            packed.write(merged.encode("utf-8"))


def _build_mkdocs(config_file: str, docs_dir: str, site_dir: str, nav: list[Any], theme_dir: str,
                  extra: dict[str, Any]) -> None:
    """Run one MkDocs build (in this process or a worker); MkDocs errors become OutputError."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(
            config_file=config_file,
            docs_dir=docs_dir,
            site_dir=site_dir,
            nav=nav,
            strict=True,
            use_directory_urls=False,
        )
        # Our partials (edit links to the YAML source, footer links, styles) take precedence over the theme's.
        config.theme.dirs.insert(0, theme_dir)
        # Settings of the build profile (robots policy, footer links) win over the institution's own `extra:`.
        for key, value in sorted(extra.items()):
            config.extra[key] = value
        build(config)
    except (Abort, ConfigurationError) as error:
        raise OutputError(f"MkDocs: {error}") from error


@contextmanager
def indexing_search(documents: Mapping[str, str], work_dir: Path, target: Path, lang: str = "fi") -> Iterator[None]:
    """Run Pagefind over documents while the with-block runs; on success its index is moved to target."""
    # Pagefind is a separate program: it indexes on another core while MkDocs renders the pages.
    import subprocess

    from pagefind_bin import get_executable

    write_tree(work_dir / "pages", documents)
    log_file = work_dir / "pagefind.log"
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            [str(get_executable()), "--site", str(work_dir / "pages"), "--output-path", str(work_dir / "index"),
             "--force-language", lang, "--keep-index-url", "--quiet"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        # Pagefind usually finishes before MkDocs does; its 20,000 input files are then removed meanwhile
        # (deleting is slow on some disks, and it needs no processor time that MkDocs could use).
        cleaner = threading.Thread(target=_remove_when_done, args=(process, work_dir / "pages"), daemon=True)
        cleaner.start()
        try:
            yield
        except BaseException:
            process.kill()
            cleaner.join()
            raise
        cleaner.join()
    if process.returncode != 0:
        detail = log_file.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
        raise OutputError(f"Pagefind: hakuhakemiston koonti epäonnistui ({process.returncode}): {detail}")
    os.rename(work_dir / "index", target)


def _remove_when_done(process: Any, folder: Path) -> None:
    process.wait()
    shutil.rmtree(folder, ignore_errors=True)


def replace_directories(pairs: list[tuple[Path, Path]]) -> None:
    """Swap each staged directory new into place at target; afterwards new holds the old output, if there was one.

    If any swap fails, the swaps already made are undone, so either every target is new or none is.
    """
    for _, target in pairs:
        if target.exists() and (not target.is_dir() or target.is_symlink()):
            raise OutputError(f"{target} ei ole kansio; tulostetta ei kirjoiteta sen päälle. Valitse toinen kohdekansio.")
    done: list[tuple[Path, Path, bool]] = []
    try:
        for new, target in pairs:
            existed = target.exists()
            if existed:
                _exchange(new, target)
            else:
                os.rename(new, target)
            done.append((new, target, existed))
    except OSError:
        for new, target, existed in reversed(done):
            if existed:
                _exchange(new, target)
            else:
                os.rename(target, new)
        raise


def replace_directory(new: Path, target: Path) -> None:
    """Put directory new at target in one step; the old target, if any, is removed afterwards."""
    replace_directories([(new, target)])
    shutil.rmtree(new, ignore_errors=True)


def replace_file(content: bytes, target: Path) -> None:
    """Write bytes to target atomically (a temporary file renamed over it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".partnerkit-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _exchange(first: Path, second: Path) -> None:
    """Swap two paths atomically (Linux renameat2); elsewhere, by three renames with a short gap."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        # EINVAL/ENOSYS: the filesystem or kernel cannot exchange; anything else is a real failure.
        if code not in (errno.EINVAL, errno.ENOSYS):
            raise OSError(code, os.strerror(code), str(second))
    # There is a moment with no output at second, never one with half an output.
    parked = second.with_name(second.name + ".partnerkit-old")
    os.rename(second, parked)
    try:
        os.rename(first, second)
    except OSError:
        os.rename(parked, second)
        raise
    os.rename(parked, first)


def create_files(directory: Path, files: Mapping[str, str]) -> None:
    """Create new files under directory; refuse (OutputError) before writing anything if one already exists."""
    targets = {relative: directory / relative for relative in sorted(files)}
    for relative, target in targets.items():
        if not target.resolve().is_relative_to(directory.resolve()):
            raise OutputError(f"refusing to write outside the project: {relative}")
        if target.exists():
            raise OutputError(f"{relative}: tiedosto on jo olemassa, eikä sitä korvata.")
    for relative, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x": a file that appeared since the check above is still not overwritten.
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(files[relative])


def build_pages(config_file: Path, docs_dir: Path, site_dir: Path, nav: list[Any], theme_dir: Path,
                extra: Mapping[str, Any], pages: list[str], work_dir: Path) -> None:
    """Build only the given docs pages (and the navigation's) with MkDocs and put their HTML into site_dir."""
    # A page outside the navigation renders the same whichever other pages exist (see _plan_shards), so a
    # build of the changed pages alone gives the HTML a full build would; the preview uses this.
    mini_docs, mini_site = work_dir / "docs", work_dir / "site"
    shutil.rmtree(work_dir, ignore_errors=True)
    for relative in sorted(set(_nav_pages(nav)) | set(pages)):
        target = mini_docs / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(docs_dir / relative, target)
    _build_mkdocs(str(config_file), str(mini_docs), str(mini_site), nav, str(theme_dir), dict(extra))
    for relative in pages:
        html = relative[: -len(".md")] + ".html"
        (site_dir / html).parent.mkdir(parents=True, exist_ok=True)
        os.replace(mini_site / html, site_dir / html)
    shutil.rmtree(work_dir, ignore_errors=True)
