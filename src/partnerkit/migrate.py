"""Migrating free-text fields to the field vocabulary: a plan made in memory, shown before anything is written.

The plan proposes content/fields.yaml from the values in use (keeping an existing vocabulary and adding only what
it lacks) and rewrites each partner's `field:` to a vocabulary id. Files are edited with round-trip YAML
(ruamel.yaml), so comments, key order, quoting and the editor modeline stay as they were; only the CLI writes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .validate import suggest_id

FIELDS_FILE = "fields.yaml"
_MODELINE = "# yaml-language-server: $schema=../schema/fields.schema.json\n"
# The two list indentations content files use ("  - item" under a key, and "- item" flush with it); a file is
# written back in the one that reproduces it byte for byte.
_STYLES = ((2, 4, 2), (2, 2, 0))


@dataclass(frozen=True)
class FieldChange:
    """One partner file's field as the migration rewrites it."""

    path: str
    line: int
    column: int
    old: str
    new: str


@dataclass(frozen=True)
class FieldMigration:
    """What `migrate fields` would do: the vocabulary file's new text and the partner files' new texts."""

    vocabulary_text: str  # "" when the vocabulary needs no change
    added_fields: tuple[tuple[str, str], ...]  # (id, name) of fields the vocabulary gains
    changes: tuple[FieldChange, ...]
    rewritten: dict[str, str]  # partner file path -> its new text
    unreadable: tuple[str, ...]  # partner files that could not be read as YAML mappings (left alone)


def _yaml(style: tuple[int, int, int]) -> YAML:
    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096
    handler.indent(mapping=style[0], sequence=style[1], offset=style[2])
    return handler


def _dump(data: Any, style: tuple[int, int, int]) -> str:
    stream = io.StringIO()
    _yaml(style).dump(data, stream)
    return stream.getvalue()


def _load(text: str) -> tuple[Any, tuple[int, int, int]]:
    """Return the round-trip document of text and the list style that writes it back unchanged."""
    data = _yaml(_STYLES[0]).load(text)
    for style in _STYLES:
        if _dump(data, style) == text:
            return data, style
    return data, _STYLES[0]


def _key(text: str) -> str:
    return suggest_id(str(text))


def _known_fields(vocabulary: Any) -> dict[str, str]:
    """Return {folded id, name or synonym: field id} of an existing vocabulary document."""
    known: dict[str, str] = {}
    groups = vocabulary.get("groups") if isinstance(vocabulary, dict) else None
    for group in groups if isinstance(groups, list) else []:
        entries = group.get("fields") if isinstance(group, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            known.setdefault(entry["id"], entry["id"])
            for word in (entry.get("name"), *(entry.get("synonyms") or [])):
                if isinstance(word, str):
                    known.setdefault(_key(word), entry["id"])
    return known


def plan_field_migration(partners: dict[str, str], vocabulary_text: str | None) -> FieldMigration:
    """Return the migration of partner files {path: text} to the vocabulary (existing text, or None for none)."""
    if vocabulary_text is not None:
        vocabulary, vocabulary_style = _load(vocabulary_text)
    else:
        vocabulary, vocabulary_style = CommentedMap(groups=CommentedSeq()), _STYLES[0]
    known = _known_fields(vocabulary)
    ids = set(known.values())
    added: dict[str, str] = {}
    changes: list[FieldChange] = []
    rewritten: dict[str, str] = {}
    unreadable: list[str] = []
    for path in sorted(partners):
        text = partners[path]
        try:
            data, style = _load(text)
        except YAMLError:
            unreadable.append(path)
            continue
        value = data.get("field") if isinstance(data, dict) else None
        if not isinstance(value, str) or not value.strip():
            if not isinstance(data, dict):
                unreadable.append(path)
            continue
        if value in ids:
            continue  # already an id of the vocabulary
        target = known.get(_key(value))
        if target is None:
            target = _key(value)
            # A new field: its first spelling (in file order) names it; later spellings that fold alike join it.
            known[target] = target
            ids.add(target)
            added[target] = value.strip()
        line, column = data.lc.value("field")
        data["field"] = target
        changes.append(FieldChange(path, line + 1, column + 1, value, target))
        rewritten[path] = _dump(data, style)
    new_text = ""
    if added:
        groups = vocabulary.setdefault("groups", CommentedSeq())
        # One group per new field: grouping is the institution's decision (merge groups by editing the file).
        for field_id, name in sorted(added.items(), key=lambda item: _key(item[1])):
            entry = CommentedMap(id=field_id, name=name)
            groups.append(CommentedMap(id=field_id, name=name, fields=CommentedSeq([entry])))
        new_text = _dump(vocabulary, vocabulary_style)
        if vocabulary_text is None:
            new_text = _MODELINE + new_text
    return FieldMigration(new_text, tuple(sorted(added.items())), tuple(changes), rewritten, tuple(unreadable))
