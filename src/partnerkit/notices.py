"""Notices of `check` about the public build: they name what to fix but do not fail the check.

The public build leaves out links to the institution's internal addresses (audience.py) and needs the site's own
address for its sitemap; a notice says which public text points inward, located, and what to set. Pure: the
caller reads the files.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .audience import is_internal_address, is_public_guide, is_public_partner
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
        for name in _field_names(type(value)):
            yield from _strings(getattr(value, name))


@functools.cache
def _field_names(model_type: type) -> tuple[str, ...]:
    """Return the field names of a model class (asked once per class, not once per record)."""
    return tuple(spec.name for spec in dataclasses.fields(model_type))


def public_texts(toolbox: Toolbox) -> dict[str, list[str]]:
    """Return {content file: its texts the public build shows} (links included, before they are left out)."""
    # The records the public view keeps (audience.py), chosen by its own rules without making the view.
    # Methods are the staff's working tools: the public site and course show none of them.
    shown = (*(p for p in toolbox.partners if is_public_partner(p)), *(g for g in toolbox.guides if is_public_guide(g)),
             *toolbox.services)
    texts: dict[str, list[str]] = {}
    for item in shown:
        texts.setdefault(item.source, []).extend(_strings(item))
    texts.setdefault(toolbox.source, []).extend(
        _strings((toolbox.public, toolbox.accessibility, toolbox.privacy, toolbox.guides_intro)))
    return texts


def find_internal_links(toolbox: Toolbox) -> dict[str, list[str]]:
    """Return {content file: the internal addresses its public texts point to}, only for files that have some."""
    if not toolbox.internal_addresses:
        return {}
    found: dict[str, list[str]] = {}
    for path, texts in sorted(public_texts(toolbox).items()):
        addresses = sorted({match.group().rstrip(".,;:") for text in texts for match in _ADDRESS.finditer(text)
                            if is_internal_address(match.group(), toolbox.internal_addresses)})
        if addresses:
            found[path] = addresses
    return found


def internal_link_notices(found: Mapping[str, list[str]], files: Mapping[str, str]) -> list[Problem]:
    """Return a located notice for each place where a public text points to an internal address.

    found is find_internal_links' answer; files maps each of its content files to its text, where the addresses
    are located.
    """
    notices: list[Problem] = []
    for path, addresses in sorted(found.items()):
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
