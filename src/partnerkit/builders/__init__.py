"""Builders: each output of a build (the site, the Moodle packages) behind one small interface.

A builder first renders everything in memory (render), so that an error in any output stops the build before
anything is written; then it builds its output into a folder of the staging area (write). The pipeline swaps
the staged folders into place together (write.replace_directories).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jinja2

from ..audience import Profile
from ..model import Toolbox
from ..project import Project
from ..render import make_environment

# progress(key, **fields): a catalogue key and its fields; the command line shows it in the user's language.
Progress = Callable[..., None]


def quiet(key: str, **fields: Any) -> None:
    """Progress that shows nothing (tests, benchmarks)."""


@contextmanager
def rendering_aside(renderer: Callable[..., Any], *args: Any) -> Iterator[Callable[[], Any]]:
    """Run a pure renderer in a second process while the with-block works; yield a function giving its result.

    Rendering is single-threaded Python: a forked copy of this process renders on the second core. The copy
    inherits renderer and args (nothing is pickled on the way in) and sends back the pickled result or error.
    Where forking is unsafe or useless (another thread is running, as in the preview server; no fork; one core)
    the renderer runs when its result is asked.
    """
    # os.fork itself, not a process pool: a pool starts a thread, and a second aside (the site's lists while the
    # packages render) could then not fork safely.
    if threading.active_count() > 1 or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        yield lambda: renderer(*args)
        return
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        _render_in_child(reader, writer, renderer, args)
    os.close(writer)
    answer: list[tuple[bool, Any]] = []

    def result() -> Any:
        if not answer:
            with os.fdopen(os.dup(reader), "rb") as stream:
                try:
                    answer.append(pickle.load(stream))
                except EOFError:
                    answer.append((False, RuntimeError("the rendering process ended without a result")))
            os.waitpid(pid, 0)
        succeeded, value = answer[0]
        if not succeeded:
            raise value
        return value

    try:
        yield result
    finally:
        os.close(reader)
        if not answer:
            # The with-block failed before asking: the child's work is not wanted.
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _render_in_child(reader: int, writer: int, renderer: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Render in the forked child, send (succeeded, result or error) through writer and end the child."""
    code = 0
    try:
        os.close(reader)
        try:
            answer: tuple[bool, Any] = (True, renderer(*args))
        except BaseException as error:  # noqa: BLE001 - every error goes back to the parent, which raises it
            answer = (False, error)
        with os.fdopen(writer, "wb") as stream:
            try:
                data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # noqa: BLE001 - an unpicklable error still reaches the parent as text
                data = pickle.dumps((False, RuntimeError(f"{answer[1]!r}: {error}")))
            stream.write(data)
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        code = 1
    finally:
        os._exit(code)


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
