"""Reusing per-file check results between runs, so `check` and `serve` stay fast with 20,000 files.

A content file whose bytes, shown path and record type are unchanged, checked by unchanged code, gives the same
validate.FileCheck again, so it is neither parsed nor checked a second time. The whole store is void when the
checking code, Python, PyYAML, the language or the attachment listing changed.

Whether a file is unchanged is decided in one of two ways:
- By its status, without reading it: size, modification and change time (nanoseconds) and inode, all equal to
  what they were when the stored result was made. The change time (ctime) cannot be set by any program: every
  write, and every change of the modification time (`touch -d`, `cp -p`, `git checkout`), moves it to the
  current time, so a file edited and given back its old size and modification time still differs here.
  A status is trusted only if the file had not changed for TRUST_MARGIN_NS before the run began: an edit in the
  same clock tick as the run's read could otherwise keep every figure (file systems count time in ticks of a
  few milliseconds, FAT in two seconds). Such a file is read again next time and trusted once it is older.
  The trade-off: a file system whose clock runs behind this machine's by more than the margin (a network share)
  could, in theory, show an edit made within one of its clock ticks after the read with the same status.
  PARTNERKIT_CACHE=0 checks without the cache.
- By its content, when the status differs or is not trusted: a BLAKE2 digest of the bytes. Links always go
  this way (their target can change without their own status changing).

Results are stored in a form that marshal writes exactly (str, int, bool, None, tuples, lists, dicts; dates as
day numbers restored on reading); a result with anything else is not stored, so the cache can save time but
never change a result. Files not in the cache are checked in worker processes when there are many of them.
The store is marshal (never pickle: reading it cannot create objects of arbitrary classes or run code), behind
a digest of its own bytes. No file is touched here: the project module reads and writes the bytes
(load.read_check_cache, write.replace_file).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .load import Document, Parsed, ReadFile, parse_document
from .messages import Problem
from .validate import FileCheck, check_file

FORMAT = 3
MAGIC = b"partnerkit check cache\n"
# The modules whose code decides what a file's check gives, and the catalogues whose words go into its results.
CODE_MODULES = tuple(Path(__file__).parent / name for name in
                     ("load.py", "validate.py", "schema.py", "messages.py", "checkcache.py",
                      "locale/fi.po", "locale/en.po"))
TRUST_MARGIN_NS = 3_000_000_000
# Below this many files to check, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 1000
CHUNK_FILES = 200

# An entry: (record type, trusted status or None, digest of the bytes, marshalled result).
Entry = tuple[str, "tuple[int, int, int, int] | None", bytes, bytes]
# A file for a worker: (place in the listing, bytes, shown path, record type); and what comes back.
ToCheck = tuple[int, bytes, str, str]
Checked = tuple[int, "bytes | None", "Parsed | None"]


def store_key(code: bytes, lang: str, attachments: Mapping[str, bool]) -> str:
    """Return the key under which a whole store is valid."""
    digest = hashlib.sha256()
    for part in (str(FORMAT), sys.version, str(marshal.version), yaml.__version__,
                 str(getattr(yaml, "__with_libyaml__", False)), lang, json.dumps(sorted(attachments.items()))):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(code)
    return digest.hexdigest()


class CheckMemo:
    """Per-file check results of earlier runs, and those of this run to store for the next one."""

    def __init__(self, key: str, lang: str, attachments: Mapping[str, bool], stored: bytes | None = None,
                 jobs: int = 1, started_ns: int | None = None) -> None:
        self.key = key
        self.lang = lang
        self.attachments = dict(attachments)
        self.jobs = jobs
        # A file whose status changed after this moment may change again unnoticed by its status: see above.
        self.trusted_before = (time.time_ns() if started_ns is None else started_ns) - TRUST_MARGIN_NS
        self._old: dict[str, Entry] = _read_store(stored, key)
        self._new: dict[str, Entry] = {}
        self._restated = False
        # The preview keeps the decoded results too: decoding 20,000 entries again after every edit took 0.6 s.
        self.keep_decoded = False
        self._decoded: dict[str, tuple[Entry, Parsed]] = {}
        self.hits = 0
        self.misses = 0
        self.checked_in_workers = 0

    def carry_over(self) -> CheckMemo:
        """Return the memo of the next run in this process, knowing this run's results (the preview's rebuilds)."""
        memo = CheckMemo(self.key, self.lang, self.attachments, jobs=self.jobs)
        memo._old = self._new  # every file of this run, read or not, is in _new
        memo.keep_decoded, memo._decoded = self.keep_decoded, self._decoded
        return memo

    def reuse(self, path: str, record: str, status: os.stat_result) -> Parsed | None:
        """Return the file's earlier result if its status is the trusted one stored with it, else None."""
        entry = self._old.get(path)
        if entry is None or entry[1] is None or entry[0] != record or entry[1] != _status_of(status):
            return None
        self.hits += 1
        self._new[path] = entry
        if not self.keep_decoded:
            return decode_result(entry[3], path, record)
        known = self._decoded.get(path)
        if known is None or known[0] is not entry:
            known = (entry, decode_result(entry[3], path, record))
            self._decoded[path] = known
        # Nothing downstream changes a Document; the problem list is the caller's to extend.
        return known[1][0], list(known[1][1])

    def parse(self, data: bytes, path: str, record: str, lang: str,
              status: os.stat_result | None = None) -> Parsed:
        """Stand in for load.parse_document: reuse the file's earlier result, or parse and check it now."""
        digest = _digest(data)
        known = self._known(path, record, digest, status)
        if known is not None:
            return known
        self.misses += 1
        result, payload = compute_result(data, path, record, lang, self.attachments)
        if payload is not None:
            entry = (record, self._trusted(status), digest, payload)
            self._new[path] = entry
            if self.keep_decoded:
                self._decoded[path] = (entry, (result[0], list(result[1])))
        return result

    def parse_all(self, files: Iterable[ReadFile], count: int, lang: str) -> Iterator[tuple[int, Parsed]]:
        """Parse and check the files read (in worker processes when many are new), yielding (place, result)."""
        # Forking a process that runs other threads can copy a lock held by one of them (a preview server).
        if self.jobs < 2 or count < PARALLEL_MIN_FILES or threading.active_count() > 1 or not hasattr(os, "fork"):
            for index, data, path, record, status in files:
                yield index, self.parse(data, path, record, lang, status)
            return
        yield from self._parse_in_workers(files, lang)

    def _parse_in_workers(self, files: Iterable[ReadFile], lang: str) -> Iterator[tuple[int, Parsed]]:
        import multiprocessing
        from concurrent.futures import Future, ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # fork: the workers start at once with everything imported, and get the attachment listing for free.
        pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(lang, self.attachments))
        waiting: dict[int, tuple[str, str, os.stat_result, bytes]] = {}
        sent: list[tuple[Future[list[Checked]] | None, list[ToCheck]]] = []

        def send(chunk: list[ToCheck]) -> None:
            try:
                sent.append((pool.submit(_check_chunk, chunk), chunk))
            except (BrokenProcessPool, OSError):  # no process could be started: this one checks the chunk
                sent.append((None, chunk))

        finished = False
        try:
            chunk: list[ToCheck] = []
            # This process reads the files while the workers parse the chunks already sent.
            for index, data, path, record, status in files:
                digest = _digest(data)
                known = self._known(path, record, digest, status)
                if known is not None:
                    yield index, known
                    continue
                waiting[index] = (path, record, status, digest)
                chunk.append((index, data, path, record))
                if len(chunk) >= CHUNK_FILES:
                    send(chunk)
                    chunk = []
            if chunk:
                send(chunk)
            for future, chunk in sent:
                try:
                    done = future.result() if future is not None else None
                except BrokenProcessPool:  # a worker died (out of memory, killed): the chunk is checked here
                    done = None
                if done is None:
                    done = check_files(chunk, lang, self.attachments)
                else:
                    self.checked_in_workers += len(done)
                for index, payload, raw in done:
                    path, record, status, digest = waiting.pop(index)
                    self.misses += 1
                    if payload is not None:
                        self._new[path] = (record, self._trusted(status), digest, payload)
                        yield index, decode_result(payload, path, record)
                    else:
                        assert raw is not None
                        yield index, raw
            finished = True
        finally:
            pool.shutdown(wait=True, cancel_futures=not finished)

    def _known(self, path: str, record: str, digest: bytes, status: os.stat_result | None) -> Parsed | None:
        """Return the stored result of these very bytes at this path, noting the file's status; else None."""
        entry = self._new.get(path) or self._old.get(path)
        if entry is None or entry[0] != record or entry[2] != digest:
            return None
        self.hits += 1
        trusted = self._trusted(status)
        if trusted != entry[1]:
            entry = (record, trusted, digest, entry[3])
            self._restated = True
        self._new[path] = entry
        return decode_result(entry[3], path, record)

    def _trusted(self, status: os.stat_result | None) -> tuple[int, int, int, int] | None:
        """Return the status to store for a file read now, or None if it changed too recently to be trusted."""
        if status is None or max(status.st_ctime_ns, status.st_mtime_ns) >= self.trusted_before:
            return None
        return _status_of(status)

    @property
    def changed(self) -> bool:
        """True when the store to write differs from the one read (new results, statuses, or removed files)."""
        return self.misses > 0 or self._restated or self._new.keys() != self._old.keys()

    def to_bytes(self) -> bytes:
        """Return this run's results as the store for the next run."""
        body = marshal.dumps((self.key, dict(sorted(self._new.items()))))
        return MAGIC + _digest(body) + body


def _status_of(status: os.stat_result) -> tuple[int, int, int, int]:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _read_store(stored: bytes | None, key: str) -> dict[str, Entry]:
    """Return the entries of a stored cache, or none if it is of another key, damaged or not a cache at all."""
    if not stored or not stored.startswith(MAGIC):
        return {}
    checksum, body = stored[len(MAGIC):len(MAGIC) + 16], stored[len(MAGIC) + 16:]
    if _digest(body) != checksum:
        return {}
    try:
        data = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == key and isinstance(data[1], dict)):
        return {}
    return data[1]


def compute_result(data: bytes, path: str, record: str, lang: str,
                   attachments: Mapping[str, bool]) -> tuple[Parsed, bytes | None]:
    """Parse and check one file; return its result, and that result marshalled (None if it cannot be stored)."""
    document, problems = parse_document(data, path, record, lang)
    if document is None:
        result: Parsed = (None, problems)
    else:
        # Checked at once, so the node tree can go: 20,000 of them would hold hundreds of megabytes.
        result = (Document(path, record, None, check_file(document, lang, attachments)), problems)
    return result, encode_result(result, path, record)


class _Unstorable(Exception):
    """A value that marshal cannot give back exactly as it is."""


def encode_result(result: Parsed, path: str, record: str) -> bytes | None:
    """Return a file's result as marshal bytes, or None if any part of it would not come back exactly."""
    # marshal takes only values of its exact built-in types (no subclass, no date) and gives each back as it
    # was; it refuses anything else (ValueError). Dates are the one thing turned into numbers, and back.
    document, problems = result
    try:
        found = tuple(_problem_data(problem) for problem in problems)
        if document is None:
            return marshal.dumps((found, None))
        check: FileCheck = document.checked
        if type(check) is not FileCheck or check.path != path or check.record != record or (
                document.path, document.record) != (path, record):
            return None
        rest = (check.id_mark, tuple(_problem_data(p) for p in check.problems), check.refs)
        if check.values is None:
            return marshal.dumps((found, (None, *rest, (), check.marks)))
        # Dates at the top of a record (a partner's review date) are found without walking every value.
        dates = tuple((key,) for key, value in check.values.items() if type(value) is date)
        values = {key: value.toordinal() if (key,) in dates else value for key, value in check.values.items()}
        try:
            return marshal.dumps((found, (values, *rest, dates, check.marks)))
        except ValueError:
            walked: list[tuple[Any, ...]] = []
            values = _plain(check.values, (), walked)
            return marshal.dumps((found, (values, *rest, tuple(walked), check.marks)))
    except (_Unstorable, ValueError):
        return None


def decode_result(payload: bytes, path: str, record: str) -> Parsed:
    """Return the result that encode_result stored, as new objects."""
    found, check = marshal.loads(payload)
    problems = [Problem(*data) for data in found]
    if check is None:
        return None, problems
    values, id_mark, check_problems, refs, dates, marks = check
    for location in dates:
        place = values
        for step in location[:-1]:
            place = place[step]
        place[location[-1]] = date.fromordinal(place[location[-1]])
    checked = FileCheck(path, record, values, id_mark, tuple(Problem(*data) for data in check_problems), refs,
                        marks=marks)
    return Document(path, record, None, checked), problems


def _problem_data(problem: Problem) -> tuple[Any, ...]:
    """Return a Problem as data for marshal (its fields in order)."""
    if type(problem) is not Problem:
        raise _Unstorable
    return (problem.path, problem.line, problem.column, problem.code, problem.params)


def _plain(value: Any, location: tuple[Any, ...], dates: list[tuple[Any, ...]]) -> Any:
    """Return checked values with every date as a day number (its location added to dates)."""
    kind = type(value)
    if kind is date:
        dates.append(location)
        return value.toordinal()
    if kind is dict:
        return {key: _plain(item, location + (key,), dates) for key, item in value.items()}
    if kind is list:
        return [_plain(item, location + (position,), dates) for position, item in enumerate(value)]
    # A nested record: its values and an empty node map.
    if kind is tuple and len(value) == 2 and type(value[0]) is dict and type(value[1]) is dict and not value[1]:
        return (_plain(value[0], location + (0,), dates), {})
    if kind is tuple:
        raise _Unstorable  # no other tuple is expected; one that holds a date would come back as another tuple
    return value  # marshal refuses what it cannot give back exactly


# The worker processes' settings, given once when each starts.
_WORKER: tuple[str, dict[str, bool]] = ("fi", {})


def _start_worker(lang: str, attachments: dict[str, bool]) -> None:
    """Set up a worker process: its settings, and no reaction to Ctrl+C (the main process ends the work)."""
    global _WORKER
    import gc
    import signal

    _WORKER = (lang, attachments)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # see project.pause_collector


def _check_chunk(chunk: list[ToCheck]) -> list[Checked]:
    """Parse and check files in a worker process."""
    return check_files(chunk, *_WORKER)


def check_files(chunk: list[ToCheck], lang: str, attachments: Mapping[str, bool]) -> list[Checked]:
    """Parse and check files; return (place, marshalled result, None), or (place, None, result) if unstorable."""
    done: list[Checked] = []
    for index, data, path, record in chunk:
        result, payload = compute_result(data, path, record, lang, attachments)
        done.append((index, payload, None) if payload is not None else (index, None, result))
    return done
