"""The build as a short list of steps: the profile's view, every output rendered in memory, written, swapped in."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from .audience import PROFILES, Profile, view_for
from .builders import Builder, Progress, prime_markdown, source_date  # noqa: F401 - source_date: re-exported for tests
from .builders.moodle import PackageBuilder, PackageReport, render_packages  # noqa: F401 - as source_date
from .builders.site import SiteBuilder, SiteReport, read_edit_base  # noqa: F401 - as source_date
from .model import Toolbox
# The check path lives in project.py (it must not import the renderers); what a build needs is re-exported here.
from .project import SHIPPED_TEMPLATES, Project, read_toolbox  # noqa: F401
from .render import make_environment
from .messages import LocalizedText
from .write import OutputError, replace_directories, staging_area


def check_output_dir(project: Project, target: Path, site: bool = False) -> None:
    """Refuse an output directory whose replacement would destroy the project, another one, or other files."""
    # The old output is deleted after the swap: `--site-dir .` or `--site-dir content` would delete the project.
    root = project.root.resolve()
    given = target.absolute()
    target = target.resolve()
    own = [project.content_dir, project.root / "templates", project.root / "schema", project.root / ".git"]
    reason = ""
    # A symbolic link is judged before it is resolved: the swap would empty and refill whatever it points to.
    if given.is_symlink():
        reason = "out_reason_symlink"
    elif root.is_relative_to(target):
        reason = "out_reason_project"
    elif any(target.is_relative_to(folder.resolve()) for folder in own):
        reason = "out_reason_own"
    elif target.is_dir() and any((target / name).exists() for name in ("mkdocs.yml", "content", ".git")):
        reason = "out_reason_other_project"
    elif site and target.is_dir() and any(target.iterdir()) and not _looks_like_site(target):
        # `--site-dir ~/Documents` must not delete the documents: only an earlier site is replaced.
        reason = "out_reason_not_site"
    elif not site and target.is_dir() and not _looks_like_packages(target):
        reason = "out_reason_not_dist"
    if reason:
        raise OutputError("out_protected_dir", target=given, reason=LocalizedText(reason),
                          example="site" if site else "dist")


def _looks_like_site(folder: Path) -> bool:
    """Return True when folder holds a built MkDocs site (a home page and a sitemap or a 404 page)."""
    return (folder / "index.html").is_file() and any((folder / name).is_file() for name in ("sitemap.xml", "404.html"))


def _looks_like_packages(folder: Path) -> bool:
    """Return True when folder holds only files a package build writes (Moodle backups, book zips, XML)."""
    return all(entry.is_file() and not entry.is_symlink() and entry.suffix in (".mbz", ".zip", ".xml")
               for entry in folder.iterdir())


def run_builders(project: Project, builders: list[Builder]) -> None:
    """Render every output in memory, build each into a staging area, then swap them all into place at once."""
    for builder in builders:
        check_output_dir(project, builder.target, site=isinstance(builder, SiteBuilder))
    targets = [builder.target.resolve() for builder in builders]
    for number, target in enumerate(targets):
        for other in targets[number + 1:]:
            if target.is_relative_to(other) or other.is_relative_to(target):
                raise OutputError("out_same_dirs", site=target, dist=other)
    # Everything is rendered first: a renderer error must stop the build before anything is written. A builder
    # may render in a second process (the packages while the site renders here); all are finished before writing.
    with ExitStack() as aside:
        finishers = [builder.start_rendering(aside) for builder in builders]
        for finish in finishers:
            finish()
    with ExitStack() as stack:
        stages: dict[Path, Path] = {}
        staged: list[tuple[Path, Path]] = []
        for builder in builders:
            # One staging area per output folder's parent: the swap is a rename within one filesystem.
            parent = builder.target.parent.resolve()
            if parent not in stages:
                stages[parent] = stack.enter_context(staging_area(builder.target.parent))
            builder.write(stages[parent] / builder.name)
            staged.append((stages[parent] / builder.name, builder.target))
        replace_directories(staged)


def make_view(toolbox: Toolbox, audience: str) -> tuple[Toolbox, Profile]:
    """Return the profile named audience and its view of the toolbox: the one place the audience is applied."""
    profile = PROFILES[audience]
    return view_for(toolbox, profile), profile


def build_outputs(project: Project, toolbox: Toolbox, audience: str, site_target: Path | None,
                  dist_target: Path | None, progress: Progress) -> tuple[SiteReport | None, PackageReport | None]:
    """Build the site and the Moodle packages (those with a target), then swap them into place together.

    If anything fails, no output changes.
    """
    view, profile = make_view(toolbox, audience)
    env = make_environment(project.templates_dir)
    prime_markdown(env, view)
    site = SiteBuilder(project, view, profile, site_target, progress, env) if site_target else None
    packages = PackageBuilder(project, view, profile, dist_target, progress, env) if dist_target else None
    run_builders(project, [builder for builder in (packages, site) if builder is not None])
    return (site.report if site else None), (packages.report if packages else None)
