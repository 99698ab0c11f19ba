"""The only module that writes output files: the staging area, writing a tree of files, the atomic swap into place.

The builders (partnerkit.builders) decide what goes into the staging area; this module decides how it is
written and swapped in, and removes what the swap left behind (the previous output, in the background if big).
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .messages import LocalizedError

_RENAME_EXCHANGE = 2
STAGING_PREFIX = ".partnerkit-tmp-"


class OutputError(LocalizedError):
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
                raise OutputError("out_outside", path=relative)
            os.makedirs(parent, exist_ok=True)
            inside.add(parent)
        if name in ("", ".", "..") or (os.path.islink(target) and not Path(target).resolve().is_relative_to(base)):
            raise OutputError("out_outside", path=relative)
        content = files[relative]
        with open(target, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)


def replace_directories(pairs: list[tuple[Path, Path]]) -> None:
    """Swap each staged directory new into place at target; afterwards new holds the old output, if there was one.

    If any swap fails, the swaps already made are undone, so either every target is new or none is.
    """
    for _, target in pairs:
        if target.exists() and (not target.is_dir() or target.is_symlink()):
            raise OutputError("out_not_dir", target=target)
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


def _link_or_copy(source: str, target: str) -> None:
    # A hard link costs no copying (20,000 partner files: a fraction of a second); a filesystem without links
    # gets copies.
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def replace_folder_files(folder: Path, files: Mapping[str, bytes], expected: Mapping[str, bytes | None]) -> None:
    """Write files (plain names inside folder) all at once or not at all: a staged copy of the folder with them
    is swapped into place atomically (see replace_directories).

    expected holds what each file held when it was read (None: it did not exist); if any differs now, OutputError
    is raised and nothing changes, so an edit made meanwhile is never overwritten.
    """
    for name in files:
        if not name or "/" in name or name in (".", "..") or name.startswith("."):
            raise OutputError("out_outside", path=name)
    with staging_area(folder.parent) as stage:
        copy = stage / folder.name
        if folder.is_dir() and not folder.is_symlink():
            shutil.copytree(folder, copy, symlinks=True, copy_function=_link_or_copy)
        else:
            copy.mkdir()
        for name in sorted(files):
            target = copy / name
            # The staged entry is a hard link to the file in use: replaced, never written through.
            if target.exists() or target.is_symlink():
                target.unlink()
            with open(target, "xb") as stream:
                stream.write(files[name])
                stream.flush()
                os.fsync(stream.fileno())
        for name, before in sorted(expected.items()):
            try:
                now: bytes | None = (folder / name).read_bytes()
            except FileNotFoundError:
                now = None
            if now != before:
                raise OutputError("import_changed_meanwhile", path=folder / name)
        replace_directories([(copy, folder)])


def create_files(directory: Path, files: Mapping[str, str]) -> None:
    """Create new files under directory; refuse (OutputError) before writing anything if one already exists."""
    targets = {relative: directory / relative for relative in sorted(files)}
    for relative, target in targets.items():
        if not target.resolve().is_relative_to(directory.resolve()):
            raise OutputError("out_outside", path=relative)
        if target.exists():
            raise OutputError("out_exists", path=relative)
    for relative, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x": a file that appeared since the check above is still not overwritten.
        with target.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(files[relative])
