"""The build as a short list of steps: load, validate, render, write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import yaml

from .history import read_history
from .load import read_attachment
from .model import Toolbox
# The check path lives in project.py (it must not import the renderers); its names are re-exported here.
from .project import (CACHE_MIN_FILES, SHIPPED_TEMPLATES, Project, check_cache_file, read_toolbox,  # noqa: F401
                      wants_cache)
from .render import make_environment, package_slug
from .render.moodle import package_attachments, render_book_zip, render_course_backup, render_glossary_xml
from .render.search import search_documents
from .render.site import SiteFiles, SiteSettings, render_site
from .write import OutputError, indexing_search, replace_directories, run_mkdocs, staging_area, write_tree

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SiteReport:
    """What a site build produced."""

    pages: int
    seconds: float
    mkdocs_seconds: float
    search_seconds: float = 0.0  # waiting for the search index after MkDocs finished (it is built alongside)


def read_edit_base(project: Project) -> str:
    """Return the URL prefix of edit links (repo_url + edit_uri of mkdocs.yml), or '' when not configured."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with project.mkdocs_file.open(encoding="utf-8") as stream:
            settings = yaml_load(stream) or {}
    except (ConfigurationError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise OutputError(f"{project.mkdocs_file.name}: asetustiedostoa ei voi lukea: {error}") from error
    if not isinstance(settings, dict):
        raise OutputError(f"{project.mkdocs_file.name}: asetustiedoston pitää olla joukko asetuksia (avain: arvo).")
    repo_url = str(settings.get("repo_url") or "")
    edit_uri = str(settings.get("edit_uri") or "")
    if not repo_url or not edit_uri:
        return ""
    return repo_url.rstrip("/") + "/" + edit_uri.strip("/") + "/"


def source_date(toolbox: Toolbox) -> int:
    """Return the build timestamp derived from content (latest review date), so builds are reproducible."""
    latest = max((p.review_date for p in toolbox.partners), default=None)
    if latest is None:
        return 0
    return int(datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc).timestamp())


def check_output_dir(project: Project, target: Path, site: bool = False) -> None:
    """Refuse an output directory whose replacement would destroy the project, another one, or other files."""
    # The old output is deleted after the swap: `--site-dir .` or `--site-dir content` would delete the project.
    root = project.root.resolve()
    target = target.resolve()
    own = [project.content_dir, project.root / "templates", project.root / "schema", project.root / ".git"]
    reason = ""
    if root.is_relative_to(target):
        reason = "projektin kansio tai sen yläkansio"
    elif any(target.is_relative_to(folder.resolve()) for folder in own):
        reason = "projektin oma kansio"
    elif target.is_dir() and any((target / name).exists() for name in ("mkdocs.yml", "content", ".git")):
        reason = "toisen projektin kansio"
    elif site and target.is_dir() and any(target.iterdir()) and not _looks_like_site(target):
        # `--site-dir ~/Documents` must not delete the documents: only an earlier site is replaced.
        reason = "kansio, jossa on muuta kuin aiemmin rakennettu sivusto"
    if reason:
        raise OutputError(f"Kohdekansio {target} on {reason}, eikä sitä korvata. Valitse tulosteelle oma kansio, "
                          "esimerkiksi site.")


def _looks_like_site(folder: Path) -> bool:
    """Return True when folder holds a built MkDocs site (a home page and a sitemap or a 404 page)."""
    return (folder / "index.html").is_file() and any((folder / name).is_file() for name in ("sitemap.xml", "404.html"))


def build_site(project: Project, toolbox: Toolbox, audience: str, target: Path, progress: Progress) -> SiteReport:
    """Render the toolbox into a MkDocs site at target; the previous site stays intact if anything fails."""
    check_output_dir(project, target, site=True)
    with staging_area(target.parent) as stage:
        report = _stage_site(project, toolbox, audience, stage, progress)
        replace_directories([(stage / "site", target)])
    return report


def build_jobs() -> int:
    """Return how many processes MkDocs may use: PARTNERKIT_JOBS if set, else the usable cores (at most 4)."""
    configured = os.environ.get("PARTNERKIT_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


@contextmanager
def build_date(toolbox: Toolbox) -> Iterator[None]:
    """Give MkDocs (and its worker processes) this content's date for the length of one build."""
    # Set per build and restored after, so a long-running preview follows the content instead of its first build;
    # a date the caller set explicitly (reproducible-builds convention) is left alone.
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(source_date(toolbox))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def _stage_site(project: Project, toolbox: Toolbox, audience: str, stage: Path, progress: Progress) -> SiteReport:
    """Build the site into stage/site; nothing outside the staging area is touched."""
    started = time.perf_counter()
    settings = SiteSettings(edit_base=read_edit_base(project), audience=audience)
    # The previous release from Git feeds the changes page; without Git the page says why there is no list.
    files = render_site(toolbox, settings, make_environment(project.templates_dir),
                        read_history(project.root, project.content_dir))
    progress(f"Sivuja {len(files.pages)}; MkDocs rakentaa sivuston...")
    mkdocs_seconds, search_wait = build_site_files(project, toolbox, files, stage)
    return SiteReport(len(files.pages), time.perf_counter() - started, mkdocs_seconds, search_wait)


def build_site_files(project: Project, toolbox: Toolbox, files: SiteFiles, stage: Path) -> tuple[float, float]:
    """Build rendered site files into stage/site with its search index; return MkDocs' and the index's extra time.

    stage/docs gets the static files and attachments (MkDocs gets the pages in memory), stage/search Pagefind's
    work files; the full build and the preview's full rebuild both come here.
    """
    attachments = {path: read_attachment(project.content_dir, file) for path, file in files.attachments.items()}
    write_tree(stage / "docs", {**files.static, **attachments})
    mkdocs_started = time.perf_counter()
    documents = search_documents(files.pages)
    with build_date(toolbox), indexing_search(documents, stage / "search", stage / "site" / "pagefind"):
        run_mkdocs(project.mkdocs_file, stage / "docs", stage / "site", files.nav, project.templates_dir / "theme",
                   files.pages, files.extra, jobs=build_jobs())
        mkdocs_seconds = time.perf_counter() - mkdocs_started
    return mkdocs_seconds, time.perf_counter() - mkdocs_started - mkdocs_seconds


@dataclass(frozen=True)
class PackageReport:
    """What a package build produced: {file name: size in bytes} in dist/."""

    files: dict[str, int]
    seconds: float


def build_packages(project: Project, toolbox: Toolbox, audience: str, target_dir: Path,
                   progress: Progress) -> PackageReport:
    """Render the Moodle packages and put them in target_dir as a whole; a failed build leaves it as it was."""
    check_output_dir(project, target_dir)
    started = time.perf_counter()
    packages = render_packages(project, toolbox, audience)
    progress(f"Moodle-paketteja {len(packages)}; kirjoitetaan kansioon {target_dir}...")
    with staging_area(target_dir.parent) as stage:
        write_tree(stage / "dist", packages)
        replace_directories([(stage / "dist", target_dir)])
    return PackageReport({name: len(data) for name, data in sorted(packages.items())},
                         time.perf_counter() - started)


def render_packages(project: Project, toolbox: Toolbox, audience: str,
                    env: jinja2.Environment | None = None) -> dict[str, bytes]:
    """Return the Moodle packages in memory: {file name: bytes}; env defaults to the project's templates."""
    env = env or make_environment(project.templates_dir)
    slug = package_slug(toolbox)
    # The renderer stays pure: the attachments its pages link to are read here and handed to it.
    attachments = {file: read_attachment(project.content_dir, file) for file in package_attachments(toolbox, audience)}
    return {
        f"{slug}-{audience}.mbz": render_course_backup(toolbox, audience, source_date(toolbox), env, attachments),
        f"{slug}-oppaat-book.zip": render_book_zip(toolbox, audience, env, attachments),
        f"{slug}-kasitteet-glossary.xml": render_glossary_xml(toolbox, env),
    }


def build_outputs(project: Project, toolbox: Toolbox, audience: str, site_target: Path, dist_target: Path,
                  progress: Progress) -> tuple[SiteReport, PackageReport]:
    """Build the site and the Moodle packages, then swap both into place; if anything fails, neither changes."""
    check_output_dir(project, site_target, site=True)
    check_output_dir(project, dist_target)
    if site_target.resolve().is_relative_to(dist_target.resolve()) or dist_target.resolve().is_relative_to(
        site_target.resolve()
    ):
        raise OutputError(f"Sivusto ja Moodle-paketit tarvitsevat eri kansiot ({site_target}, {dist_target}).")
    started = time.perf_counter()
    # Packages are rendered in memory first: a renderer error must stop the build before anything is written.
    packages = render_packages(project, toolbox, audience)
    package_seconds = time.perf_counter() - started
    with ExitStack() as stages:
        site_stage = stages.enter_context(staging_area(site_target.parent))
        same_parent = dist_target.parent.resolve() == site_target.parent.resolve()
        dist_stage = site_stage if same_parent else stages.enter_context(staging_area(dist_target.parent))
        report = _stage_site(project, toolbox, audience, site_stage, progress)
        progress(f"Moodle-paketteja {len(packages)}; kirjoitetaan kansioon {dist_target}...")
        write_tree(dist_stage / "dist", packages)
        replace_directories([(site_stage / "site", site_target), (dist_stage / "dist", dist_target)])
    sizes = {name: len(data) for name, data in sorted(packages.items())}
    return report, PackageReport(sizes, package_seconds)
