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
        remove_staging(stage)


# From this many files up, the old output is deleted by a background process (see remove_staging).
BACKGROUND_REMOVAL_FILES = 5000


def remove_staging(stage: Path) -> None:
    """Remove a staging directory (by then holding the previous output); a big one is removed in the background."""
    # Deleting the 45,000 files of a 20,000-partner site takes seconds that the finished build need not wait
    # for: the new output is already in place. The directory keeps its name, so if the background removal
    # is cut short, the next build's remove_stale_stages finishes it.
    if _count_files(stage, BACKGROUND_REMOVAL_FILES) >= BACKGROUND_REMOVAL_FILES:
        import subprocess
        import sys

        try:
            remover = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
            subprocess.Popen([sys.executable, "-c", remover, str(stage)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd="/")
            return
        except OSError:
            pass
    shutil.rmtree(stage, ignore_errors=True)


def _count_files(folder: Path, enough: int) -> int:
    """Return the number of files under folder, counting no further than enough."""
    count = 0
    for _, _, names in os.walk(folder):
        count += len(names)
        if count >= enough:
            break
    return count


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
               pages: Mapping[str, str], extra: Mapping[str, Any] | None = None, jobs: int = 1,
               shortcuts: bool = True) -> None:
    """Build the site with MkDocs in strict mode; any warning fails the build. extra is merged into `extra:`.

    pages are the generated Markdown pages {docs path: text}, handed to MkDocs in memory; docs_dir holds the
    static files. With jobs > 1 and enough pages, the pages outside the navigation are built by that many
    processes at once (see _plan_shards); the merged result is the same site a single build gives. shortcuts
    switches partnerkit's MkDocs plugin's shortcuts (see mkdocs_plugin), which must not change a byte.
    """
    shards = _plan_shards(pages, nav, jobs)
    common = (str(config_file), nav, str(theme_dir), dict(extra or {}), shortcuts)
    if not shards:
        _build_mkdocs(str(docs_dir), str(site_dir), dict(pages), *common)
        return
    _build_sharded(docs_dir, site_dir, [{path: pages[path] for path in shard} for shard in shards], common)


# Below this many pages outside the navigation, starting a second process costs more than it saves.
MIN_SHARDED_PAGES = 1000


def _plan_shards(pages: Mapping[str, str], nav: list[Any], jobs: int) -> list[list[str]]:
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


def _build_sharded(docs_dir: Path, site_dir: Path, shards: list[dict[str, str]], common: tuple[Any, ...]) -> None:
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
    _merge_sites([site for _, site in parts], site_dir)
    for docs, _ in parts[1:]:
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


def _build_mkdocs(docs_dir: str, site_dir: str, pages: dict[str, str], config_file: str, nav: list[Any],
                  theme_dir: str, extra: dict[str, Any], shortcuts: bool) -> None:
    """Run one MkDocs build (in this process or a worker); MkDocs errors become OutputError."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from .mkdocs_plugin import PartnerkitPlugin

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
        config.plugins["partnerkit"] = PartnerkitPlugin(pages, set(nav_pages(nav)), shortcuts)
        build(config)
    except (Abort, ConfigurationError) as error:
        raise OutputError(f"MkDocs: {error}") from error


@contextmanager
def indexing_search(documents: Mapping[str, str], work_dir: Path, target: Path, lang: str = "fi") -> Iterator[None]:
    """Run Pagefind over documents while the with-block runs; on success its index is written to target."""
    # Pagefind is a separate program: it indexes on another core while MkDocs renders the pages. The documents
    # go to it through its service protocol, not as 20,000 files written to disk and deleted again.
    work_dir.mkdir(parents=True, exist_ok=True)
    log_file = work_dir / "pagefind.log"
    # Written beside the site, and moved in when MkDocs is done with it.
    indexer = _PagefindIndexer(documents, work_dir / "index", lang, log_file)
    indexer.start()
    try:
        yield
    except BaseException:
        indexer.stop()
        raise
    indexer.finish()
    os.rename(work_dir / "index", target)


def _encode_request(message_id: int, payload: dict[str, Any]) -> bytes:
    """Return one request of Pagefind's service protocol: base64 of its JSON, then a comma."""
    import base64
    import json

    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")) + b","


class _PagefindIndexer:
    """One `pagefind --service` process fed from two threads: one writes the requests, one reads the answers."""

    def __init__(self, documents: Mapping[str, str], target: Path, lang: str, log_file: Path) -> None:
        self.documents, self.target, self.lang, self.log_file = documents, target, lang, log_file
        self.error = ""
        self.process: Any = None
        self.threads: list[threading.Thread] = []
        self.answers: dict[int, dict[str, Any]] = {}  # only the answers to NewIndex (0) and WriteFiles (last)
        self.index_ready = threading.Event()

    def start(self) -> None:
        """Start Pagefind and the two threads that talk to it."""
        import subprocess

        from pagefind_bin import get_executable

        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen([str(get_executable()), "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log)
        self.threads = [threading.Thread(target=self._read, daemon=True),
                        threading.Thread(target=self._write, daemon=True)]
        for thread in self.threads:
            thread.start()

    def _write(self) -> None:
        stdin = self.process.stdin
        config = {"force_language": self.lang, "keep_index_url": True}
        try:
            stdin.write(_encode_request(0, {"type": "NewIndex", "config": config}))
            stdin.flush()
            self.index_ready.wait()
            index_id = self.answers.get(0, {}).get("index_id")
            if index_id is None:
                return
            # The URL each page has in the built site, as Pagefind's own crawl of the site would give it.
            for number, path in enumerate(sorted(self.documents), start=1):
                stdin.write(_encode_request(number, {"type": "AddFile", "index_id": index_id, "url": "/" + path,
                                                     "file_path": None, "file_contents": self.documents[path]}))
            stdin.write(_encode_request(len(self.documents) + 1, {"type": "WriteFiles", "index_id": index_id,
                                                                  "output_path": str(self.target)}))
            stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # Pagefind stopped; _read or finish() reports why

    def _read(self) -> None:
        import base64
        import json

        stdout = self.process.stdout
        buffer = b""
        while True:
            chunk = stdout.read1(1 << 16)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            for message in messages:
                answer = json.loads(base64.b64decode(message))
                payload = answer.get("payload") or {}
                number = answer.get("message_id")
                if payload.get("type") == "Error" and not self.error:
                    self.error = str(payload.get("message"))
                if number == 0:
                    self.answers[0] = payload
                    self.index_ready.set()
                elif number == len(self.documents) + 1:
                    self.answers[number] = payload
                    self.process.stdin.close()  # the index is written: the service may end
        self.index_ready.set()

    def stop(self) -> None:
        """Stop Pagefind without writing an index."""
        self.process.kill()
        self.process.wait()
        for thread in self.threads:
            thread.join()

    def finish(self) -> None:
        """Wait for the index to be written; raise OutputError if Pagefind failed."""
        self.threads[1].join()
        self.threads[0].join()
        code = self.process.wait()
        written = self.answers.get(len(self.documents) + 1, {}).get("type") == "WriteFiles"
        if self.error or not written:
            detail = self.error or self.log_file.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
            raise OutputError(f"Pagefind: hakuhakemiston koonti epäonnistui ({code}): {detail}")


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


def build_pages(config_file: Path, site_dir: Path, nav: list[Any], theme_dir: Path, extra: Mapping[str, Any],
                pages: Mapping[str, str], work_dir: Path) -> None:
    """Build just pages with MkDocs and put their HTML into site_dir."""
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
    _build_mkdocs(str(mini_docs), str(mini_site), wanted, str(config_file), nav, str(theme_dir), dict(extra), True)
    for relative in sorted(pages):
        html = relative[: -len(".md")] + ".html"
        (site_dir / html).parent.mkdir(parents=True, exist_ok=True)
        os.replace(mini_site / html, site_dir / html)
    shutil.rmtree(work_dir, ignore_errors=True)
