"""Pagefind, the site's search index, fed through its service protocol while MkDocs builds the pages."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..write import OutputError


@contextmanager
def indexing_search(bundles: Mapping[str, Mapping[str, str]], work_dir: Path, site: Path,
                    lang: str = "fi") -> Iterator[None]:
    """Run Pagefind over each bundle's documents while the with-block runs; on success site/<bundle> holds its index."""
    # Pagefind is a separate program: it indexes on another core while MkDocs renders the pages. The documents
    # go to it through its service protocol, not as 20,000 files written to disk and deleted again. The bundles
    # are indexed one after another, so only one bundle's index is in memory at a time (render/search.py).
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


class _BundleRunner:
    """Index the bundles in turn in a thread of their own; the first failure stops the rest."""

    def __init__(self, bundles: Mapping[str, Mapping[str, str]], work_dir: Path, lang: str) -> None:
        self.bundles, self.work_dir, self.lang = bundles, work_dir, lang
        self.error: OutputError | None = None
        self.current: _PagefindIndexer | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Start indexing the first bundle."""
        self.thread.start()

    def _run(self) -> None:
        for bundle, documents in self.bundles.items():
            folder = self.work_dir / bundle
            folder.mkdir(parents=True, exist_ok=True)
            with self.lock:
                if self.stopping.is_set():
                    return
                self.current = _PagefindIndexer(documents, folder / "index", self.lang, folder / "pagefind.log")
                self.current.start()
            try:
                self.current.finish()
            except OutputError as error:
                self.error = error
                return

    def stop(self) -> None:
        """Stop indexing without writing anything more."""
        with self.lock:
            self.stopping.set()
            if self.current is not None:
                self.current.stop()
        self.thread.join()

    def finish(self) -> None:
        """Wait for every bundle's index; raise OutputError if Pagefind failed."""
        self.thread.join()
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
        self.answers: dict[int, dict[str, Any]] = {}  # only the answers to NewIndex (0) and WriteFiles (last)
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
            stdin.write(_encode_request(len(self.documents) + 1, {"type": "WriteFiles", "index_id": index_id,
                                                                  "output_path": str(self.target)}))
            stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # Pagefind stopped; _read or finish() reports why

    def _read(self) -> None:
        import base64
        import json

        stdout = self.process.stdout
        buffer = b""
        while True:
            chunk = stdout.read1(1 << 16)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b",")
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
                    self.process.stdin.close()  # the index is written: the service may end
        self.index_ready.set()

    def stop(self) -> None:
        """Stop Pagefind without writing an index."""
        self.process.kill()
        self.process.wait()
        for thread in self.threads:
            thread.join()

    def finish(self) -> None:
        """Wait for the index to be written; raise OutputError if Pagefind failed."""
        self.threads[1].join()
        self.threads[0].join()
        code = self.process.wait()
        written = self.answers.get(len(self.documents) + 1, {}).get("type") == "WriteFiles"
        if self.error or not written:
            detail = self.error or self.log_file.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
            raise OutputError("out_pagefind", code=code, detail=detail)


