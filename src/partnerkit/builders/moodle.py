"""The Moodle packages: a course backup, a Book import zip and a glossary, written as files of one folder."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..audience import Profile
from ..history import read_commit_date
from ..load import read_attachment, read_moodle_plugin
from ..model import Toolbox
from ..project import Project
from ..render import make_environment, package_slug
from ..render.moodle import (PLUGIN_ZIP_NAME, package_attachments, render_book_zip, render_course_backup,
                              render_glossary_xml, render_plugin_zip)
from ..review import build_reference_date
from ..write import write_tree
from . import Builder, rendering_aside, source_date


@dataclass(frozen=True)
class PackageReport:
    """What a package build produced: {file name: size in bytes}."""

    files: dict[str, int]
    seconds: float


def render_packages(project: Project, view: Toolbox, profile: Profile,
                    env: jinja2.Environment | None = None) -> dict[str, bytes]:
    """Return the profile's Moodle packages in memory: {file name: bytes}; env defaults to the project's templates."""
    env = env or make_environment(project.templates_dir)
    slug = package_slug(view)
    # The renderer stays pure: the attachments its pages link to are read here and handed to it.
    attachments = {file: read_attachment(project.content_dir, file) for file in package_attachments(view)}
    # The year wheel marks the month of the site's reference date: the latest commit's, else content's.
    reference = build_reference_date(view, read_commit_date(project.root))
    packages = {
        f"{slug}-{profile.name}.mbz": render_course_backup(view, profile, source_date(view), env, attachments,
                                                          reference),
        f"{slug}-{profile.name}-oppaat-book.zip": render_book_zip(view, env, attachments),
    }
    if profile.staff_only:
        # The concepts are the staff's vocabulary of the tiers: the public packages, for companies, leave them out.
        packages[f"{slug}-{profile.name}-kasitteet-glossary.xml"] = render_glossary_xml(view, env)
    # The admin tool that updates a live course in place, ready for Moodle's "Install plugins" page.
    packages[PLUGIN_ZIP_NAME] = render_plugin_zip(read_moodle_plugin())
    return packages


class PackageBuilder(Builder):
    """The Moodle packages of one profile."""

    name = "dist"

    def render(self) -> None:
        """Render every package in memory."""
        self._keep(render_packages(self.project, self.view, self.profile, self.env))

    def start_rendering(self, aside: ExitStack) -> Callable[[], None]:
        """Start rendering the packages in a second process; the site renders meanwhile in this one."""
        result = aside.enter_context(rendering_aside(render_packages, self.project, self.view, self.profile,
                                                     self.env))
        return lambda: self._keep(result())

    def _keep(self, packages: dict[str, bytes]) -> None:
        self.packages = packages
        self.report = PackageReport({name: len(data) for name, data in sorted(packages.items())},
                                    time.perf_counter() - self.started)

    def write(self, folder: Path) -> None:
        """Write the packages into folder."""
        self.progress("cli_packages_writing", count=len(self.packages), path=self.target)
        write_tree(folder, self.packages)
