"""Writing Pagefind's index from its service answer: every file in place, nothing outside the index folder."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from partnerkit.builders.pagefind import write_index
from partnerkit.write import OutputError


def answer(*entries: tuple[str, bytes]) -> list[dict[str, str]]:
    """Return a GetFiles answer's file list of (path, content) pairs."""
    return [{"path": path, "content": base64.b64encode(content).decode()} for path, content in entries]


def test_write_index_writes_every_file_under_the_target(tmp_path: Path) -> None:
    files = answer(("pagefind.js", b"js"), ("fragment/fi_1.pf_fragment", b"\x00\x01"),
                   ("index/fi_2.pf_index", b"index"), ("fragment/fi_3.pf_fragment", b"three"))
    write_index(tmp_path / "index", files)
    written = {path.relative_to(tmp_path / "index").as_posix(): path.read_bytes()
               for path in sorted((tmp_path / "index").rglob("*")) if path.is_file()}
    assert written == {"pagefind.js": b"js", "fragment/fi_1.pf_fragment": b"\x00\x01",
                       "index/fi_2.pf_index": b"index", "fragment/fi_3.pf_fragment": b"three"}


@pytest.mark.parametrize("path", ["../outside.js", "/etc/outside.js", ".", "fragment/../../outside.js",
                                  "fragment\\outside.js", ""])
def test_write_index_refuses_a_path_out_of_the_index_folder(tmp_path: Path, path: str) -> None:
    files = answer(("pagefind.js", b"js"), (path, b"x"))
    with pytest.raises(OutputError) as raised:
        write_index(tmp_path / "index", files)
    assert str(raised.value) == f"Pagefind: hakuhakemiston koonti epäonnistui (0): unexpected file {path!r}"
    # Nothing is written when one path is wrong, not even the good files before it.
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_stops_the_other_bundles_and_is_reported(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from partnerkit.builders import pagefind

    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        process = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        return process

    def failing_write(target: Path, files: list[dict[str, str]]) -> None:
        raise OutputError("out_pagefind", code=0, detail=f"disk full at {target.parent.name}")

    monkeypatch.setattr(subprocess, "Popen", recording_popen)
    monkeypatch.setattr(pagefind, "write_index", failing_write)
    document = '<!doctype html><html lang="fi"><head><title>{0}</title></head><body><h1>{0}</h1></body></html>'
    bundles = {name: {f"{name}/{n}.html": document.format(f"Sivu {n}") for n in range(3)}
               for name in ("pagefind", "pagefind-2", "pagefind-3", "pagefind-4")}
    (tmp_path / "site").mkdir()
    with pytest.raises(OutputError) as raised:
        with pagefind.indexing_search(bundles, tmp_path / "work", tmp_path / "site"):
            pass
    assert str(raised.value).startswith("Pagefind: hakuhakemiston koonti epäonnistui (0): disk full at pagefind")
    # Every Pagefind started has ended (the one started next is stopped), and no bundle reached the site.
    assert started and all(process.poll() is not None for process in started)
    assert list((tmp_path / "site").iterdir()) == []
