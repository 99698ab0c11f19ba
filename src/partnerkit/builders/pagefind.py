"""Pagefind, the site's search index, fed through its service protocol while MkDocs builds the pages."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..aside import allowed_processes
from ..write import OutputError


@contextmanager
def indexing_search(bundles: Mapping[str, Mapping[str, str]], work_dir: Path, site: Path,
                    lang: str = "fi") -> Iterator[None]:
    """Run Pagefind over each bundle's documents while the with-block runs; on success site/<bundle> holds its index."""
    # Pagefind is a separate program: it indexes on another core while MkDocs renders the pages. The documents
    # go to it through its service protocol, not as 20,000 files written to disk and deleted again. Two bundles
    # are indexed at a time (PARALLEL_BUNDLES), each half the size a lone index may have (render/search.py).
    work_dir.mkdir(parents=True, exist_ok=True)
    runner = _BundleRunner(bundles, work_dir, lang)
    runner.start()
    try:
        yield
    except BaseException:
        runner.stop()
        raise
    runner.finish()
    for bundle in bundles:
        # Written beside the site, and moved in when MkDocs is done with it.
        os.rename(work_dir / bundle / "index", site / bundle)


# Pagefind indexes on one core: two bundles are made at a time, and two half-size bundles (render/search.py)
# take the memory of one full one.
PARALLEL_BUNDLES = 2


class _BundleRunner:
    """Index the bundles, two at a time in threads of their own; the first failure stops the rest."""

    def __init__(self, bundles: Mapping[str, Mapping[str, str]], work_dir: Path, lang: str) -> None:
        self.bundles, self.work_dir, self.lang = bundles, work_dir, lang
        self.error: OutputError | None = None
        self.current: set[_PagefindIndexer] = set()
        self.waiting = list(bundles)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        parallel = max(1, min(PARALLEL_BUNDLES, allowed_processes(), len(self.waiting)))
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(parallel)]

    def start(self) -> None:
        """Start indexing the first bundles."""
        for thread in self.threads:
            thread.start()

    def _start_next(self) -> _PagefindIndexer | None:
        """Start Pagefind on the next waiting bundle; None when none is left or the runner stops."""
        with self.lock:
            if self.stopping.is_set() or not self.waiting:
                return None
            bundle = self.waiting.pop(0)
            folder = self.work_dir / bundle
            folder.mkdir(parents=True, exist_ok=True)
            indexer = _PagefindIndexer(self.bundles[bundle], folder / "index", self.lang, folder / "pagefind.log")
            indexer.start()
            self.current.add(indexer)
            return indexer

    def _run(self) -> None:
        indexer = self._start_next()
        while indexer is not None:
            try:
                files = indexer.finish()
            except OutputError as error:
                self._fail(error)
                return
            finally:
                with self.lock:
                    self.current.discard(indexer)
            # The next bundle's Pagefind indexes while this one's files are written.
            following = self._start_next()
            try:
                write_index(indexer.target, files)
            except OutputError as error:
                self._fail(error, following)
                return
            indexer = following

    def _fail(self, error: OutputError, started: _PagefindIndexer | None = None) -> None:
        """Keep the first failure, stop the other threads and the bundle this thread had started next."""
        with self.lock:
            self.error = self.error or error
            self.stopping.set()
        if started is not None:
            started.stop()
            with self.lock:
                self.current.discard(started)

    def stop(self) -> None:
        """Stop indexing without writing anything more."""
        with self.lock:
            self.stopping.set()
            for indexer in self.current:
                indexer.stop()
        for thread in self.threads:
            thread.join()

    def finish(self) -> None:
        """Wait for every bundle's index; raise OutputError if Pagefind failed."""
        for thread in self.threads:
            thread.join()
        if self.error is not None:
            raise self.error


def _encode_request(message_id: int, payload: dict[str, Any]) -> bytes:
    """Return one request of Pagefind's service protocol: base64 of its JSON, then a comma."""
    import base64
    import json

    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")) + b","


class _PagefindIndexer:
    """One `pagefind --service` process fed from two threads: one writes the requests, one reads the answers."""

    def __init__(self, documents: Mapping[str, str], target: Path, lang: str, log_file: Path) -> None:
        self.documents, self.target, self.lang, self.log_file = documents, target, lang, log_file
        self.error = ""
        self.process: Any = None
        self.threads: list[threading.Thread] = []
        self.answers: dict[int, dict[str, Any]] = {}  # only the answers to NewIndex (0) and GetFiles (last)
        self.index_ready = threading.Event()

    def start(self) -> None:
        """Start Pagefind and the two threads that talk to it."""
        import subprocess

        from pagefind_bin import get_executable

        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen([str(get_executable()), "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log)
        self.threads = [threading.Thread(target=self._read, daemon=True),
                        threading.Thread(target=self._write, daemon=True)]
        for thread in self.threads:
            thread.start()

    def _write(self) -> None:
        stdin = self.process.stdin
        config = {"force_language": self.lang, "keep_index_url": True}
        try:
            stdin.write(_encode_request(0, {"type": "NewIndex", "config": config}))
            stdin.flush()
            self.index_ready.wait()
            index_id = self.answers.get(0, {}).get("index_id")
            if index_id is None:
                return
            # The URL each page has in the built site, as Pagefind's own crawl of the site would give it.
            for number, path in enumerate(sorted(self.documents), start=1):
                stdin.write(_encode_request(number, {"type": "AddFile", "index_id": index_id, "url": "/" + path,
                                                     "file_path": None, "file_contents": self.documents[path]}))
            # The index comes back in the answer and is written here: Pagefind's own WriteFiles hands its last
            # writes to background threads and the service exits at the end of its input without waiting for
            # them, which left a file of the index empty now and then.
            stdin.write(_encode_request(len(self.documents) + 1, {"type": "GetFiles", "index_id": index_id}))
            stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # Pagefind stopped; _read or finish() reports why

    def _read(self) -> None:
        import base64
        import json

        stdout = self.process.stdout
        pending: list[bytes] = []  # the parts of an answer not yet ended by a comma (the index is megabytes)
        while True:
            chunk = stdout.read1(1 << 16)
            if not chunk:
                break
            if b"," not in chunk:
                pending.append(chunk)
                continue
            first, *messages, rest = chunk.split(b",")
            messages.insert(0, b"".join((*pending, first)))
            pending = [rest]
            for message in messages:
                answer = json.loads(base64.b64decode(message))
                payload = answer.get("payload") or {}
                number = answer.get("message_id")
                if payload.get("type") == "Error" and not self.error:
                    self.error = str(payload.get("message"))
                if number == 0:
                    self.answers[0] = payload
                    self.index_ready.set()
                elif number == len(self.documents) + 1:
                    self.answers[number] = payload
                    self.process.stdin.close()  # the index is here: the service may end
        self.index_ready.set()

    def stop(self) -> None:
        """Stop Pagefind without writing an index."""
        self.process.kill()
        self.process.wait()
        for thread in self.threads:
            thread.join()

    def finish(self) -> list[dict[str, str]]:
        """Wait for Pagefind's index and return its files ({path, base64 content}); raise OutputError if it failed."""
        self.threads[1].join()
        self.threads[0].join()
        code = self.process.wait()
        answer = self.answers.pop(len(self.documents) + 1, {})
        if self.error or answer.get("type") != "GetFiles":
            detail = self.error or self.log_file.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
            raise OutputError("out_pagefind", code=code, detail=detail)
        return answer.get("files") or []


def write_index(target: Path, files: list[dict[str, str]]) -> None:
    """Write the index files of a GetFiles answer ({path, base64 content}) under target."""
    import base64
    import posixpath

    written: list[tuple[str, bytes]] = []
    for entry in files:
        # The paths are Pagefind's own (hashes, fixed names); a path out of the folder would be a broken answer.
        # Checked as text, not resolved on disk, and each folder made once: with a path resolved and its folder made
        # per file, two bundles of 2,852 files written at once took 2.1 s of processor time each (measured; the two
        # threads fought over the interpreter lock at every one of those system calls), now 0.4 s.
        relative = posixpath.normpath(str(entry["path"]))
        if relative.startswith(("/", "../")) or relative in (".", "..") or "\\" in relative or "\0" in relative:
            raise OutputError("out_pagefind", code=0, detail=f"unexpected file {entry['path']!r}")
        written.append((relative, base64.b64decode(entry["content"])))
    try:
        for folder in sorted({posixpath.dirname(relative) for relative, _ in written}):
            (target / folder).mkdir(parents=True, exist_ok=True)
        for relative, content in written:
            with open(target / relative, "wb") as stream:
                stream.write(content)
    except OSError as error:
        raise OutputError("out_os", detail=error) from error
