"""Builders: each output of a build (the site, the Moodle packages) behind one small interface.

A builder first renders everything in memory (render), so that an error in any output stops the build before
anything is written; then it builds its output into a folder of the staging area (write). The pipeline swaps
the staged folders into place together (write.replace_directories).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jinja2

from ..aside import rendering_aside  # noqa: F401 - re-exported: the builders render on the second core
from ..audience import Profile
from ..model import Toolbox
from ..project import Project
from ..markup import MarkdownCache, render_each
from ..render import make_environment, shown_markdown

# progress(key, **fields): a catalogue key and its fields; the command line shows it in the user's language.
Progress = Callable[..., None]


def quiet(key: str, **fields: Any) -> None:
    """Progress that shows nothing (tests, benchmarks)."""


def source_date(toolbox: Toolbox) -> int:
    """Return the build timestamp derived from content (latest review date), so builds are reproducible."""
    latest = max((p.review_date for p in toolbox.partners), default=None)
    if latest is None:
        return 0
    return int(datetime(latest.year, latest.month, latest.day, tzinfo=timezone.utc).timestamp())


class Builder(ABC):
    """One output of a build: rendered in memory by render(), then built into a staging folder by write()."""

    #: The output's kind, for messages and the staging folder's name.
    name = ""

    def __init__(self, project: Project, view: Toolbox, profile: Profile, target: Path, progress: Progress,
                 env: jinja2.Environment | None = None) -> None:
        # view is the profile's view of the toolbox (audience.view_for): a builder never sees more.
        self.project, self.view, self.profile, self.progress = project, view, profile, progress
        self.target = target  # where the pipeline puts the output once every builder has written its own
        # The builders of one build share a template environment: templates compiled and Markdown rendered once.
        self.env = env or make_environment(project.templates_dir)
        self.started = time.perf_counter()

    @abstractmethod
    def render(self) -> None:
        """Render the output in memory; any error here leaves every output as it was."""

    def start_rendering(self, aside: ExitStack) -> Callable[[], None]:
        """Start rendering the output; return the function that finishes it (here: everything is done at once)."""
        self.render()
        return lambda: None

    @abstractmethod
    def write(self, folder: Path) -> None:
        """Build the rendered output into folder, a new folder in the staging area."""


def prime_markdown(env: jinja2.Environment, view: Toolbox) -> None:
    """Render the view's many Markdown texts into env's cache ahead of the outputs, half of them in a second process.

    The site and the Moodle packages render in two processes and both show the cooperations' descriptions:
    rendered here before they part, each text is parsed once, and on both cores.
    """
    cache: MarkdownCache = env.partnerkit_markdown  # type: ignore[attr-defined]
    texts = sorted({text for text in shown_markdown(view) if text.strip()})
    ours, theirs = texts[::2], texts[1::2]
    with rendering_aside(render_each, theirs) as aside:
        cache.prime(dict(zip(ours, render_each(ours, cache.converter))))
        cache.prime(dict(zip(theirs, aside())))
