"""Notices of `check` about the public build: they name what to fix but do not fail the check.

The public build leaves out links to the institution's internal addresses (audience.py) and needs the site's own
address for its sitemap; a notice says which public text points inward, located, and what to set. Pure: the
caller reads the files.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .audience import PUBLIC, is_internal_address, view_for
from .messages import Problem, make_problem
from .model import Toolbox

_ADDRESS = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.I)
_SITE_URL = re.compile(r"(?m)^site_url:[ \t]*['\"]?(https?://\S+?)['\"]?[ \t]*(?:#.*)?$")


def _strings(value: Any) -> Iterator[str]:
    """Yield every text inside a model value (dataclasses, tuples), in field order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for spec in dataclasses.fields(value):
            yield from _strings(getattr(value, spec.name))


def public_texts(toolbox: Toolbox) -> dict[str, list[str]]:
    """Return {content file: its texts the public build shows} (links included, before they are left out)."""
    view = view_for(toolbox, PUBLIC)
    # Methods are the staff's working tools: the public site and course show none of them.
    shown = {kind: {item.id for item in getattr(view, kind)} for kind in ("partners", "guides", "services")}
    texts: dict[str, list[str]] = {}
    for kind, ids in shown.items():
        for item in getattr(toolbox, kind):
            if item.id in ids:
                texts.setdefault(item.source, []).extend(_strings(item))
    texts.setdefault(toolbox.source, []).extend(
        _strings((toolbox.public, toolbox.accessibility, toolbox.privacy, toolbox.guides_intro)))
    return texts


def internal_link_notices(toolbox: Toolbox, files: Mapping[str, str]) -> list[Problem]:
    """Return a located notice for each place where a public text points to an internal address.

    files maps each content file (as in the toolbox's sources) to its text, where the addresses are located.
    """
    if not toolbox.internal_addresses:
        return []
    notices: list[Problem] = []
    for path, texts in sorted(public_texts(toolbox).items()):
        addresses = sorted({match.group().rstrip(".,;:") for text in texts for match in _ADDRESS.finditer(text)
                            if is_internal_address(match.group(), toolbox.internal_addresses)})
        lines = files.get(path, "").split("\n")
        for address in addresses:
            for number, line in enumerate(lines, start=1):
                column = line.find(address)
                while column >= 0:
                    notices.append(make_problem(path, number, column + 1, "notice_internal_link", url=address))
                    column = line.find(address, column + 1)
    return sorted(notices, key=lambda p: (p.path, p.line, p.column))


def site_url_notice(toolbox: Toolbox, mkdocs_file: str, mkdocs_text: str) -> Problem | None:
    """Return a notice when a toolbox with a public home has no site address (its sitemap and search engines need one)."""
    if toolbox.public is None or _SITE_URL.search(mkdocs_text):
        return None
    return make_problem(mkdocs_file, 1, 1, "notice_site_url")
