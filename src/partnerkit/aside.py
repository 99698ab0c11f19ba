"""Work aside: a pure function run in a forked copy of this process while this one does something else."""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .messages import LocalizedError


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
    if threading.active_count() > 1 or not hasattr(os, "fork") or allowed_processes() < 2:
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
                    # Killed (out of memory, say) before it could answer: a message, not a traceback.
                    answer.append((False, LocalizedError("out_aside_ended")))
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


def allowed_processes() -> int:
    """Return how many processes a build or check may use: PARTNERKIT_JOBS if set, else the usable cores (at most 4)."""
    configured = os.environ.get("PARTNERKIT_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, usable))


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
