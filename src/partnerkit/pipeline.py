"""The build as a short list of steps: load, validate, render, write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .load import load_content
from .messages import ContentError
from .model import Toolbox
from .render import make_environment
from .render.site import SiteSettings, render_site
from .validate import build_toolbox
from .write import replace_directory, run_mkdocs, staging_area, write_tree

Progress = Callable[[str], None]
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


@dataclass(frozen=True)
class SiteReport:
    """What a site build produced."""

    pages: int
    seconds: float
    mkdocs_seconds: float


def read_toolbox(project: Project, lang: str = "fi") -> Toolbox:
    """Load and validate the project's content; raise ContentError listing every problem."""
    content = load_content(project.content_dir, project.root, lang)
    return build_toolbox(content, lang)


def read_edit_base(project: Project) -> str:
    """Return the URL prefix of edit links (repo_url + edit_uri of mkdocs.yml), or '' when not configured."""
    from mkdocs.utils.yaml import yaml_load

    with project.mkdocs_file.open(encoding="utf-8") as stream:
        settings = yaml_load(stream) or {}
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


def build_site(project: Project, toolbox: Toolbox, audience: str, target: Path, progress: Progress) -> SiteReport:
    """Render the toolbox into a MkDocs site at target; the previous site stays intact if anything fails."""
    started = time.perf_counter()
    settings = SiteSettings(edit_base=read_edit_base(project), audience=audience)
    files = render_site(toolbox, settings, make_environment(project.templates_dir))
    progress(f"Sivuja {len(files.pages)}; MkDocs rakentaa sivuston...")
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_date(toolbox)))
    with staging_area(target.parent) as stage:
        write_tree(stage / "docs", files.pages)
        mkdocs_started = time.perf_counter()
        run_mkdocs(project.mkdocs_file, stage / "docs", stage / "site", files.nav, project.templates_dir / "theme")
        mkdocs_seconds = time.perf_counter() - mkdocs_started
        replace_directory(stage / "site", target)
    return SiteReport(len(files.pages), time.perf_counter() - started, mkdocs_seconds)


__all__ = ["ContentError", "Project", "SiteReport", "build_site", "read_edit_base", "read_toolbox", "source_date"]
