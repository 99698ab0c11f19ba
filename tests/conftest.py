"""Shared helpers: small content folders built from the minimal fixture, and running the checker on them."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import pytest

from partnerkit.audience import PROFILES, history_for, view_for
from partnerkit.changes import History
from partnerkit.load import load_content
from partnerkit.model import Toolbox
from partnerkit.render.site import SiteFiles, SiteSettings, render_site
from partnerkit.validate import build_toolbox, check_content

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"


def update_golden(files: Mapping[Path, str | bytes]) -> None:
    """Rewrite golden files when PARTNERKIT_UPDATE_GOLDEN is set: never under CI, and never silently."""
    if not os.environ.get("PARTNERKIT_UPDATE_GOLDEN"):
        return
    if os.environ.get("CI"):
        pytest.fail("PARTNERKIT_UPDATE_GOLDEN is set under CI: golden files are updated on purpose, not by CI")
    rewritten = []
    for path, content in sorted(files.items()):
        data = content.encode("utf-8") if isinstance(content, str) else content
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            rewritten.append(str(path))
    if rewritten:
        # Shown in pytest's warnings summary: the run says what it changed, so the diff gets its review.
        warnings.warn(f"golden files rewritten, review the diff: {', '.join(rewritten)}", stacklevel=2)


def copy_project(target: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """Copy the minimal project to target and apply {content-relative path: new text, bytes, or None to delete}."""
    shutil.copytree(MINIMAL, target, ignore=shutil.ignore_patterns("site"))
    for relative, value in (changes or {}).items():
        file = target / "content" / relative
        if value is None:
            file.unlink()
        elif isinstance(value, bytes):
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(value)
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(value, encoding="utf-8")
    return target


def problems_of(root: Path, lang: str = "fi") -> list[str]:
    """Return every rendered problem of the project at root."""
    content = load_content(root / "content", root, lang)
    return [p.render(lang) for p in check_content(content, lang)]


def toolbox_of(root: Path) -> Toolbox:
    """Return the validated toolbox of the project at root."""
    return build_toolbox(load_content(root / "content", root))


def site_for(toolbox: Toolbox, audience: str, env: jinja2.Environment, history: History | None = None,
             only: Any = None, **settings: Any) -> SiteFiles:
    """Render the site as the pipeline does: the profile's view of the toolbox and history, then the renderer."""
    profile = PROFILES[audience]
    view = view_for(toolbox, profile)
    return render_site(view, SiteSettings(profile=profile, **settings), env, history_for(history, profile, view),
                       only=only)


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Return a factory: project({path: text}) gives a fresh copy of the minimal project with those changes."""
    counter = iter(range(1000))

    def make(changes: dict[str, str | bytes | None] | None = None) -> Path:
        return copy_project(tmp_path / f"p{next(counter)}", changes)

    return make
