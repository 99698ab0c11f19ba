"""The site: generated pages built by MkDocs, with Pagefind's search index built alongside."""

from __future__ import annotations

import ctypes
import re
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..aside import allowed_processes
from ..audience import Profile, history_for
from ..history import read_history
from ..load import read_attachment
from ..project import Project
from ..model import Toolbox
from ..review import build_reference_date
from ..lexicon import Lexicon, open_morphology
from ..render.calendar import FeedSettings, render_feeds
from ..render.search import deal_documents, search_documents
from ..render.sheets import SheetMemo, render_sheets
from ..render import make_environment
from ..render.editor import (CMS_FILE_PATTERN, CMS_PACKAGE, CMS_SCRIPT, EditorSettings, read_repository,
                             render_editor_files)
from ..render.site import SiteFiles, SiteSettings, render_site
from ..render.suggest import SuggestTarget
from ..write import OutputError, write_tree
from . import Builder, Progress, quiet, rendering_aside, source_date
from .mkdocs_runner import build_date, run_mkdocs
from .pagefind import indexing_search


@dataclass(frozen=True)
class SiteReport:
    """What a site build produced."""

    pages: int
    seconds: float
    mkdocs_seconds: float
    search_seconds: float = 0.0  # waiting for the search index after MkDocs finished (it is built alongside)


_PLAIN_ADDRESS = {
    "repo_url": re.compile(r"https?://[^\s\"'<>`\\]+"),
    "site_url": re.compile(r"https?://[^\s\"'<>`\\]+"),
    "edit_uri": re.compile(r"[^\s\"'<>`\\:]*"),
}


def read_mkdocs_settings(project: Project) -> dict[str, Any]:
    """Return mkdocs.yml as a mapping whose repo_url, site_url and edit_uri are plain web addresses."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with project.mkdocs_file.open(encoding="utf-8") as stream:
            settings = yaml_load(stream) or {}
    except (ConfigurationError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise OutputError("out_mkdocs_read", file=project.mkdocs_file.name, detail=error) from error
    if not isinstance(settings, dict):
        raise OutputError("out_mkdocs_mapping", file=project.mkdocs_file.name)
    # Material prints these addresses into every page's links unescaped: only plain web addresses are taken.
    for key in ("repo_url", "site_url", "edit_uri"):
        value = settings.get(key)
        if value and not (isinstance(value, str) and _PLAIN_ADDRESS[key].fullmatch(value)):
            raise OutputError("out_mkdocs_address", file=project.mkdocs_file.name, key=key)
    return settings


def read_edit_base(project: Project) -> str:
    """Return the URL prefix of edit links (repo_url + edit_uri of mkdocs.yml), or '' when not configured."""
    settings = read_mkdocs_settings(project)
    repo_url = str(settings.get("repo_url") or "")
    edit_uri = str(settings.get("edit_uri") or "")
    if not repo_url or not edit_uri:
        return ""
    return repo_url.rstrip("/") + "/" + edit_uri.strip("/") + "/"


def read_site_url(project: Project) -> str:
    """Return the site's own address (site_url of mkdocs.yml) ending in "/", or '' when not configured."""
    value = str(read_mkdocs_settings(project).get("site_url") or "")
    return value if not value or value.endswith("/") else value + "/"


def site_settings(project: Project, profile: Profile) -> SiteSettings:
    """Return the renderer's settings for the profile: edit links only in the staff's site."""
    # The edit links lead into the institution's repository, which the public can neither reach nor use.
    edit_base = read_edit_base(project)  # read in every profile: it refuses addresses Material cannot print
    site_url = read_site_url(project)
    if not profile.staff_only:
        return SiteSettings(edit_base="", profile=profile, site_url=site_url)
    settings = read_mkdocs_settings(project)
    repository = read_repository(str(settings.get("repo_url") or ""), str(settings.get("edit_uri") or ""))
    suggest = SuggestTarget(repository, site_url=str(settings.get("site_url") or ""))
    return SiteSettings(edit_base=edit_base, profile=profile, suggest=suggest, site_url=site_url)


class SiteBuilder(Builder):
    """The MkDocs site of one profile, search index included."""

    name = "site"

    def render(self) -> None:
        """Render every page in memory; the previous release from Git feeds the changes page."""
        settings = site_settings(self.project, self.profile)
        history = history_for(read_history(self.project.root, self.project.content_dir), self.profile,
                              self.view)
        reference = build_reference_date(self.view, history.commit_date if history else None)
        with rendering_aside(render_downloads, self.view, self.profile, source_date(self.view), reference) as aside:
            files = render_site(self.view, settings, self.env, history, feeds=False)
            files = replace(files, static={**files.static, **aside()})
        self.files = with_editor(files, self.project, self.view, self.profile, self.progress)

    def write(self, folder: Path) -> None:
        """Build the site into folder with MkDocs and Pagefind; the pages' text goes to MkDocs and is not kept."""
        pages = len(self.files.pages)
        self.progress("cli_pages_rendering", pages=pages)
        # MkDocs' docs folder and Pagefind's work files go beside the site, in the same staging area.
        work = folder.with_name(folder.name + "-work")
        # As UTF-8: Python keeps a text with one character beyond Latin-1 (a dash) at two bytes a character, and
        # most pages have one (measured at 20,000 partners: 297 MB of text, 170 MB of UTF-8).
        encoded = {path: text.encode("utf-8") for path, text in self.files.pages.items()}
        self.files = replace(self.files, pages={})
        mkdocs_seconds, search_wait = build_site_files(self.project, source_date(self.view), self.files, work,
                                                       folder, progress=self.progress, pages=encoded)
        self.report = SiteReport(pages, time.perf_counter() - self.started, mkdocs_seconds, search_wait)


def read_editor_settings(project: Project) -> EditorSettings:
    """Return the web editor's backend: the repository of mkdocs.yml and the sign-in settings under extra."""
    settings = read_mkdocs_settings(project)
    extra = settings.get("extra") if isinstance(settings.get("extra"), dict) else {}
    editor = extra.get("partnerkit_editor") if isinstance(extra.get("partnerkit_editor"), dict) else {}
    repository = read_repository(str(settings.get("repo_url") or ""), str(settings.get("edit_uri") or ""))
    return EditorSettings(repository, app_id=str(editor.get("app_id") or ""),
                          auth_url=str(editor.get("auth_url") or ""))


def read_cms_files(project: Project) -> dict[str, bytes] | None:
    """Return the CMS package's files the editor loads, from node_modules; None when it is not installed."""
    folder = project.root / "node_modules" / CMS_PACKAGE / "dist"
    if not (folder / CMS_SCRIPT).is_file():
        return None
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and CMS_FILE_PATTERN.fullmatch(path.name)}


def with_editor(files: SiteFiles, project: Project, view: Toolbox, profile: Profile,
                progress: Any = None) -> SiteFiles:
    """Return files with the web editor added (staff profile only); without the CMS package, a notice page."""
    if not profile.staff_only:
        return files
    cms_files = read_cms_files(project)
    if cms_files is None and progress is not None:
        progress("cli_editor_missing")
    # The editor's pages are not site pages: their own small template environment, not the pages' one.
    editor = render_editor_files(view, read_editor_settings(project), make_environment(project.templates_dir),
                                 cms_files)
    return replace(files, static={**files.static, **editor})


def render_downloads(view: Toolbox, profile: Profile, timestamp: int, reference: date) -> dict[str, bytes]:
    """Return the profile's downloadable partner lists and (staff only) the plans' calendar feeds, by site path."""
    # Rendered beside the pages, in a second process: at 20,000 partners and 6,000 plan actions they take about a
    # third as long as the pages.
    feeds = render_feeds(view, FeedSettings(reference, people=profile.people)) if profile.staff_only else {}
    return {**render_sheets(view, profile, timestamp), **feeds}


def with_sheets(files: SiteFiles, view: Toolbox, profile: Profile, memo: SheetMemo | None = None) -> SiteFiles:
    """Return files with the profile's downloadable partner lists (.xlsx, .csv) added to the static files."""
    return replace(files, static={**files.static, **render_sheets(view, profile, source_date(view), memo)})


def build_site_files(project: Project, timestamp: int, files: SiteFiles, work: Path,
                     site: Path | None = None, compiled: Any = None, progress: Progress = quiet,
                     pages: dict[str, str | bytes] | None = None) -> tuple[float, float]:
    """Build rendered site files into site (default work/site); return MkDocs' and the search index's extra time.

    work/docs gets the static files and attachments (MkDocs gets the pages in memory: pages, as text or UTF-8,
    if given, else files.pages), work/search Pagefind's work files; the full build and the preview's full rebuild
    both come here.
    """
    site = site or work / "site"
    attachments = {path: read_attachment(project.content_dir, file) for path, file in files.attachments.items()}
    write_tree(work / "docs", {**files.static, **attachments})
    started = time.perf_counter()
    documents = search_documents(files.search, search_lexicon(files, progress).expand)
    bundles = deal_documents(documents, files.search_bundles)
    # A small site's index is made on the other core while MkDocs builds. A large one (several bundles) is made
    # after MkDocs, whose processes then use both cores anyway: its memory is then not on top of theirs. With one
    # process allowed (PARTNERKIT_JOBS=1), nothing runs beside anything else.
    alongside = len(bundles) == 1 and allowed_processes() > 1
    with build_date(timestamp), indexing_search(bundles if alongside else {}, work / "search", site):
        run_mkdocs(project.mkdocs_file, work / "docs", site, files.nav, project.templates_dir / "theme",
                   files.pages if pages is None else pages, files.extra, jobs=allowed_processes(), compiled=compiled)
        mkdocs_seconds = time.perf_counter() - started
    if not alongside:
        # Pagefind's processes come on top of this one: what MkDocs' run here left freed is given back first.
        del pages
        return_freed_memory()
        with indexing_search(bundles, work / "search", site):
            pass
    return mkdocs_seconds, time.perf_counter() - started - mkdocs_seconds


def return_freed_memory() -> None:
    """Give the memory this process has freed back to the system, where the C library allows it (glibc)."""
    # glibc keeps freed memory for the process's own reuse; measured after MkDocs' run at 20,000 partners, the
    # build process went from 987 MB to 838 MB resident.
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # another C library: nothing to give back this way


def search_lexicon(files: SiteFiles, progress: Progress = quiet) -> Lexicon:
    """Return this build's lexicon for the search index: Voikko's Finnish morphology (when installed) and synonyms."""
    morphology, reason = open_morphology()
    if morphology is None:
        progress("cli_search_without_voikko", reason=reason)
    return Lexicon(morphology, files.search_synonyms)
