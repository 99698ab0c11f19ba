"""A toolbox project's folders, and reading its content into a Toolbox: all that `check` needs.

Kept apart from pipeline.py so that `check` imports no template engine, renderer or MkDocs (about 0.1 s of a
0.7 s check at 20,000 partners); pipeline.py re-exports these names.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .aside import allowed_processes
from .load import list_attachments, load_content, read_check_cache, read_code_fingerprint
from .messages import Problem
from .model import Toolbox
from .schema import FILES_FOLDER
from .validate import build_toolbox

SHIPPED_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Project:
    """Where a toolbox project keeps its parts."""

    root: Path

    @property
    def content_dir(self) -> Path:
        """The folder of YAML content."""
        return self.root / "content"

    @property
    def mkdocs_file(self) -> Path:
        """The institution's MkDocs settings."""
        return self.root / "mkdocs.yml"

    @property
    def templates_dir(self) -> Path:
        """Jinja2 templates of the site and the Moodle packages: the project's own, else the shipped ones."""
        own = self.root / "templates"
        return own if own.is_dir() else SHIPPED_TEMPLATES

    @property
    def site_dir(self) -> Path:
        """Where the built site goes."""
        return self.root / "site"


@contextmanager
def pause_collector() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while content is loaded and checked."""
    # Loading 20,000 files makes millions of small containers, none of them in reference cycles; the collector
    # would walk them again and again as they pile up (measured: 0.8 s of a 2.4 s warm check, 4 s of a cold one).
    # Memory is still freed by reference counting; anything cyclic is collected after the pause.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_toolbox(project: Project, lang: str = "fi", cache: bool = False) -> Toolbox:
    """Load and validate the project's content; raise ContentError listing every problem.

    With cache, files unchanged since an earlier run reuse that run's per-file results (see checkcache.py).
    """
    with pause_collector():
        if not cache:
            return build_toolbox(load_content(project.content_dir, project.root, lang), lang)
        from .checkcache import CODE_MODULES, CheckMemo, store_key

        attachments = list_attachments(project.content_dir / FILES_FOLDER)
        cache_file = check_cache_file(project, lang)
        memo = CheckMemo(store_key(read_code_fingerprint(list(CODE_MODULES)), lang, attachments), lang, attachments,
                         read_check_cache(cache_file), jobs=allowed_processes())
        try:
            return build_toolbox(load_content(project.content_dir, project.root, lang, memo=memo), lang)
        finally:
            if memo.changed:
                from .write import replace_file

                try:
                    replace_file(memo.to_bytes(), cache_file)
                except OSError:
                    pass  # a cache that cannot be written only costs time next run


# Below this many partner files a check takes well under a second without the cache; a small project (and every
# test's temporary one) then leaves nothing in the user's cache folder.
CACHE_MIN_FILES = 1000


def wants_cache(project: Project) -> bool:
    """Return True when the check cache pays off: a large project, and PARTNERKIT_CACHE is not 0."""
    if os.environ.get("PARTNERKIT_CACHE") == "0":
        return False
    return count_partner_files(project) >= CACHE_MIN_FILES


def count_partner_files(project: Project) -> int:
    """Return the number of entries in content/partners (0 when it cannot be read)."""
    try:
        with os.scandir(project.content_dir / "partners") as entries:
            return sum(1 for _ in entries)
    except OSError:
        return 0


# From this many partner files a build reads its content in a forked process (read_toolbox_apart).
APART_MIN_FILES = 1000


def read_toolbox_apart(project: Project, lang: str = "fi", cache: bool = False) -> Toolbox:
    """Return read_toolbox(project, lang, cache), read in a forked process when the content is large.

    Reading builds every file's located node tree; CPython keeps the heap that held them (measured at 20,000
    partners: 475 MB after reading in-process, 104 MB in a process that gets only the model, for about 1 s of
    pickling). The model is the same either way: it is the same function's result, pickled and unpickled.
    Where forking is unsafe (another thread runs, as in the preview server) or unavailable, or the content is
    small, the content is read here.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods() \
            or count_partner_files(project) < APART_MIN_FILES:
        return read_toolbox(project, lang, cache)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        future = pool.submit(read_toolbox, project, lang, cache)
        try:
            return future.result()
        except BrokenProcessPool:
            pass  # the reading process died (killed, out of memory): read here, where any error shows as usual
    return read_toolbox(project, lang, cache)


def check_cache_file(project: Project, lang: str) -> Path:
    """Return where the check cache of this project lives: outside the project, so no commit can plant one."""
    base = os.environ.get("PARTNERKIT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    name = hashlib.sha256(str(project.root.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(base) / "partnerkit" / name / f"check-{lang}.marshal"


def read_notices(project: Project, toolbox: Toolbox) -> list[Problem]:
    """Return check's notices about the public build (internal links in public texts, a missing site_url)."""
    from .notices import find_internal_links, internal_link_notices, site_url_notice

    found = find_internal_links(toolbox)
    files: dict[str, str] = {}
    # Only the files whose public texts point inward are read again, to locate the addresses.
    for path in found:
        try:
            files[path] = (project.root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            files[path] = ""  # read a moment ago by the check; a file gone since has nothing to point to
    notices = internal_link_notices(found, files)
    try:
        mkdocs_text = project.mkdocs_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        mkdocs_text = ""
    missing = site_url_notice(toolbox, project.mkdocs_file.name, mkdocs_text)
    return notices + ([missing] if missing is not None else [])
