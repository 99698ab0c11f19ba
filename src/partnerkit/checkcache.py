"""Reusing per-file check results between runs, so `check` and `serve` stay fast with 20,000 files.

A content file whose bytes, shown path and record type are unchanged, checked by unchanged code, gives the same
validate.FileCheck again, so it is neither parsed nor checked a second time. Entries are keyed by a hash of
those inputs; the whole store is void when the checking code, PyYAML, the language or the attachment listing
changed. A result is stored only if it comes back from storage exactly as it was, so the cache can save time
but never change a result. The store is JSON (never pickle): reading it cannot run code. Pure: the pipeline
reads and writes the bytes (load.read_check_cache, write.replace_file).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .load import Document, parse_document
from .messages import Problem
from .validate import FileCheck, check_file

FORMAT = 1
# The modules whose code decides what a file's check gives.
CODE_MODULES = tuple(Path(__file__).with_name(name) for name in
                     ("load.py", "validate.py", "schema.py", "messages.py", "checkcache.py"))


def store_key(code: bytes, lang: str, attachments: Mapping[str, bool]) -> str:
    """Return the key under which a whole store is valid."""
    digest = hashlib.sha256()
    for part in (str(FORMAT), yaml.__version__, str(getattr(yaml, "__with_libyaml__", False)), lang,
                 json.dumps(sorted(attachments.items()))):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(code)
    return digest.hexdigest()


class CheckMemo:
    """Per-file check results of earlier runs, and those of this run to store for the next one."""

    def __init__(self, key: str, lang: str, attachments: Mapping[str, bool], stored: bytes | None = None) -> None:
        self.key = key
        self.lang = lang
        self.attachments = dict(attachments)
        self._old: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0
        if stored:
            try:
                data = json.loads(stored, object_hook=_from_json)
            except ValueError:
                data = None
            if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("entries"), dict):
                self._old = data["entries"]

    def parse(self, data: bytes, path: str, record: str, lang: str) -> tuple[Document | None, list[Problem]]:
        """Stand in for load.parse_document: reuse the file's earlier result, or parse and check it now."""
        digest = hashlib.sha256(data)
        digest.update(b"\0" + path.encode("utf-8") + b"\0" + record.encode("utf-8"))
        entry_key = digest.hexdigest()
        entry = self._new.get(entry_key) or self._old.get(entry_key)
        if entry is not None:
            self.hits += 1
            self._new[entry_key] = entry
            return _document_of(entry, path, record)
        self.misses += 1
        document, problems = parse_document(data, path, record, lang)
        if document is not None:
            # Checked at once, so the node tree can go: 20,000 of them would hold hundreds of megabytes.
            checked = check_file(document, lang, self.attachments)
            entry = {"check": encode_check(checked), "problems": [encode_problem(p) for p in problems]}
            result: tuple[Document | None, list[Problem]] = (Document(path, record, None, checked), problems)
        else:
            entry = {"problems": [encode_problem(p) for p in problems]}
            result = (None, problems)
        stored_entry = json.loads(json.dumps(_to_json(entry), ensure_ascii=False), object_hook=_from_json)
        if repr(_document_of(stored_entry, path, record)) == repr(result):
            self._new[entry_key] = stored_entry
        return result

    @property
    def changed(self) -> bool:
        """True when the store to write differs from the one read (new results, or results of removed files)."""
        return self.misses > 0 or set(self._new) != set(self._old)

    def to_bytes(self) -> bytes:
        """Return this run's results as the store for the next run."""
        entries = {key: _to_json(entry) for key, entry in self._new.items()}
        return json.dumps({"key": self.key, "entries": entries}, ensure_ascii=False,
                          separators=(",", ":"), sort_keys=True).encode("utf-8")


def _document_of(entry: dict[str, Any], path: str, record: str) -> tuple[Document | None, list[Problem]]:
    problems = [decode_problem(p) for p in entry["problems"]]
    if "check" not in entry:
        return None, problems
    return Document(path, record, None, decode_check(entry["check"])), problems


def encode_check(check: FileCheck) -> dict[str, Any]:
    """Return a FileCheck as data for the store (values as they are; _to_json makes them JSON)."""
    return {"path": check.path, "record": check.record, "values": check.values, "id": check.id_mark,
            "problems": [encode_problem(p) for p in check.problems], "refs": [list(r) for r in check.refs]}


def decode_check(data: dict[str, Any]) -> FileCheck:
    """Return the FileCheck that encode_check turned into data (values already decoded by _from_json)."""
    return FileCheck(data["path"], data["record"], data["values"],
                     tuple(data["id"]) if data["id"] is not None else None,  # type: ignore[arg-type]
                     tuple(decode_problem(p) for p in data["problems"]),
                     tuple(tuple(r) for r in data["refs"]))  # type: ignore[misc]


def encode_problem(problem: Problem) -> list[Any]:
    """Return a Problem as JSON-ready data."""
    return [problem.path, problem.line, problem.column, problem.code, [list(p) for p in problem.params]]


def decode_problem(data: list[Any]) -> Problem:
    """Return the Problem that encode_problem turned into data."""
    return Problem(data[0], data[1], data[2], data[3], tuple(tuple(p) for p in data[4]))  # type: ignore[misc]


def _to_json(value: Any) -> Any:
    """Return value with dates and records (pairs of values and nodes) as marked JSON objects."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict):
        return {"$record": _to_json(value[0])}
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(item) for item in value]
    # Anything else is stored as a marker that cannot come back equal, so the entry is not kept.
    return {"$unknown": repr(value)}


def _from_json(value: dict[str, Any]) -> Any:
    """json.loads object hook: turn the marked objects of _to_json back into dates and records."""
    if len(value) == 1:
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$record" in value:
            return (value["$record"], {})
    return value
