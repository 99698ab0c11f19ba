"""The only module that writes output: staging, the MkDocs build, and the atomic swap into place."""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_RENAME_EXCHANGE = 2


class OutputError(Exception):
    """Raised when the output cannot be produced; the previous output is left exactly as it was."""


@contextmanager
def staging_area(output_root: Path) -> Iterator[Path]:
    """Yield an empty directory beside the outputs (same filesystem, so renames are atomic); remove it after."""
    output_root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".partnerkit-tmp-", dir=output_root))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_tree(directory: Path, files: Mapping[str, str | bytes]) -> None:
    """Write {relative path: content} under directory, in sorted order."""
    for relative in sorted(files):
        target = directory / relative
        if not target.resolve().is_relative_to(directory.resolve()):
            raise OutputError(f"refusing to write outside the output directory: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        content = files[relative]
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8", newline="\n")
        else:
            target.write_bytes(content)


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, nav: list[Any], theme_dir: Path) -> None:
    """Build the site with MkDocs in strict mode; any warning fails the build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(
            config_file=str(config_file),
            docs_dir=str(docs_dir),
            site_dir=str(site_dir),
            nav=nav,
            strict=True,
            use_directory_urls=False,
        )
        # Our partials (edit links to the YAML source, footer links, styles) take precedence over the theme's.
        config.theme.dirs.insert(0, str(theme_dir))
        build(config)
    except (Abort, ConfigurationError) as error:
        raise OutputError(f"MkDocs: {error}") from error


def replace_directory(new: Path, target: Path) -> None:
    """Put directory new at target in one step; the old target, if any, is removed afterwards."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new)
        return
    # Without renameat2 there is a short moment with no output; never one with half an output.
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old)


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


def _exchange(first: Path, second: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0

