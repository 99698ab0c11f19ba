"""The check cache and the fast check path: same results as a fresh check, whichever way a file is reused.

A file is reused by its status (size, times, inode) when that status is trusted, else by a digest of its bytes;
files not in the cache may be checked in worker processes. Every way must give exactly the problems and the
Toolbox of a check without the cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from partnerkit import checkcache, load
from partnerkit import project as project_module
from partnerkit.checkcache import CheckMemo, compute_result, decode_result, store_key
from partnerkit.cli import UsageError, check_choices, make_parser, parse_arguments
from partnerkit.load import list_content_files, load_content, parse_document
from partnerkit.messages import ContentError
from partnerkit.model import Toolbox
from partnerkit.project import Project, read_toolbox, read_toolbox_apart
from partnerkit.validate import build_toolbox
from tests.bad_inputs.cases import CASES, materialise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate, write_project  # noqa: E402

SMALL = {"methods": 20, "contacts": 60, "teams": 6}


def outcome(project: Project, cache: bool) -> Any:
    """Return the Toolbox, or the rendered problems (with their parameters), of one read of the project."""
    try:
        return read_toolbox(project, cache=cache)
    except ContentError as error:
        return [(p.render("fi"), p.params) for p in error.problems]


def trust_every_status(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust the status of files written a moment ago (normally only files unchanged for a few seconds are)."""
    monkeypatch.setattr(checkcache, "TRUST_MARGIN_NS", -3600 * 10**9)


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the path of every content file the loader reads from now on."""
    read: list[str] = []
    original = load._read_limited

    def reading(path: str, plain: bool = False) -> Any:
        read.append(path)
        return original(path, plain)

    monkeypatch.setattr(load, "_read_limited", reading)
    return read


def test_every_bad_input_gives_the_same_problems_from_the_cache(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERKIT_CACHE_DIR", str(tmp_path / "cache"))
    trust_every_status(monkeypatch)
    for case in CASES:
        project = Project(materialise(case, tmp_path / case.id))
        fresh = outcome(project, cache=False)
        # Filled by content, then reused by status: both as without the cache.
        assert outcome(project, cache=True) == fresh, case.id
        assert outcome(project, cache=True) == fresh, case.id


def test_unchanged_files_are_not_read_again_and_an_edit_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(generate(30, seed=4, **SMALL), tmp_path / "project")
    project = Project(tmp_path / "project")
    monkeypatch.setenv("PARTNERKIT_CACHE_DIR", str(tmp_path / "cache"))
    trust_every_status(monkeypatch)
    fresh = read_toolbox(project)
    assert read_toolbox(project, cache=True) == fresh
    read = count_reads(monkeypatch)
    assert read_toolbox(project, cache=True) == fresh
    assert read == []
    partner = sorted((project.content_dir / "partners").iterdir())[3]
    partner.write_text(partner.read_text(encoding="utf-8").replace("type: ", "tyyppi: "), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_toolbox(project, cache=True)
    assert read == [str(partner)]
    assert any(p.path.endswith(partner.name) and p.code == "unknown_key" for p in caught.value.problems)


def test_an_edit_that_keeps_size_and_modification_time_is_noticed(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(generate(30, seed=5, **SMALL), tmp_path / "project")
    project = Project(tmp_path / "project")
    monkeypatch.setenv("PARTNERKIT_CACHE_DIR", str(tmp_path / "cache"))
    trust_every_status(monkeypatch)
    read_toolbox(project, cache=True)
    partner = sorted((project.content_dir / "partners").iterdir())[0]
    before = os.stat(partner)
    time.sleep(0.05)  # past the file system's clock tick, so the edit gets a change time of its own
    text = partner.read_text(encoding="utf-8")
    partner.write_text(text.replace("type: ", "tyyp: ", 1), encoding="utf-8")  # "type" and "tyyp": same size
    os.utime(partner, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(partner)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert after.st_ctime_ns != before.st_ctime_ns  # only the change time shows the edit
    with pytest.raises(ContentError) as caught:
        read_toolbox(project, cache=True)
    assert {p.code for p in caught.value.problems if p.path.endswith(partner.name)} == {"unknown_key",
                                                                                        "missing_field"}


def test_a_status_is_trusted_only_after_the_margin() -> None:
    started = 1_700_000_000 * 10**9
    memo = CheckMemo("key", "fi", {}, started_ns=started)

    def status(changed_ns: int) -> Any:
        return SimpleNamespace(st_size=10, st_mtime_ns=changed_ns - 5, st_ctime_ns=changed_ns, st_ino=7)

    old = started - checkcache.TRUST_MARGIN_NS - 1
    assert memo._trusted(status(old)) == (10, old - 5, old, 7)
    assert memo._trusted(status(started - checkcache.TRUST_MARGIN_NS)) is None
    assert memo._trusted(status(started - 1)) is None
    # A modification time in the future (set by a program) is not trusted either, whatever the change time.
    future = SimpleNamespace(st_size=10, st_mtime_ns=started + 10**9, st_ctime_ns=old, st_ino=7)
    assert memo._trusted(future) is None
    assert memo._trusted(None) is None


def test_a_recent_file_is_reused_by_its_content_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(generate(30, seed=6, **SMALL), tmp_path / "project")
    project = Project(tmp_path / "project")
    monkeypatch.setenv("PARTNERKIT_CACHE_DIR", str(tmp_path / "cache"))
    fresh = read_toolbox(project)
    assert read_toolbox(project, cache=True) == fresh
    read = count_reads(monkeypatch)
    # Written a moment ago: within the margin, so read again (and found unchanged by its digest).
    assert read_toolbox(project, cache=True) == fresh
    assert len(read) == len(list_content_files(project.content_dir))


def test_parallel_check_gives_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(generate(80, seed=7, **SMALL), tmp_path / "project")
    project = Project(tmp_path / "project")
    partners = sorted((project.content_dir / "partners").iterdir())
    for number, file in enumerate(partners[::7]):
        text = file.read_text(encoding="utf-8")
        file.write_text(text.replace("review_date: 20", "review_date: 19").replace("contacts: [", "contacts: [x, ")
                        if number % 2 else text.replace("\n  - tier:", "\n\t- tier:"), encoding="utf-8")
    (project.content_dir / "partners" / "kopio.yaml").write_bytes(partners[1].read_bytes())
    fresh = outcome(project, cache=False)
    assert isinstance(fresh, list) and len(fresh) > 10
    monkeypatch.setattr(checkcache, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(checkcache, "CHUNK_FILES", 7)
    attachments = load.list_attachments(project.content_dir / "files")
    memo = CheckMemo(store_key(b"code", "fi", attachments), "fi", attachments, jobs=2)
    with pytest.raises(ContentError) as caught:
        build_toolbox(load_content(project.content_dir, project.root, memo=memo))
    assert memo.checked_in_workers == memo.misses > 100  # checked in worker processes, not in this one
    assert [(p.render("fi"), p.params) for p in caught.value.problems] == fresh
    # The next run takes the workers' results from the store.
    again = CheckMemo(memo.key, "fi", attachments, memo.to_bytes(), jobs=2)
    with pytest.raises(ContentError) as caught:
        build_toolbox(load_content(project.content_dir, project.root, memo=again))
    assert [(p.render("fi"), p.params) for p in caught.value.problems] == fresh
    assert again.misses == 0 and again.checked_in_workers == 0


def _die_in_worker(chunk: list[Any]) -> None:
    """Stand in for the workers' task: end the worker process at once, as the kernel does when memory runs out."""
    os._exit(9)


@pytest.mark.parametrize("failure", ["no-process", "worker-dies"])
def test_without_working_worker_processes_the_check_is_done_here(failure: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(generate(40, seed=8, **SMALL), tmp_path / "project")
    project = Project(tmp_path / "project")
    fresh = read_toolbox(project)
    monkeypatch.setattr(checkcache, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(checkcache, "CHUNK_FILES", 10)
    if failure == "no-process":
        def refuse(*args: Any, **kwargs: Any) -> None:
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor.submit", refuse)
    else:
        monkeypatch.setattr(checkcache, "_check_chunk", _die_in_worker)
    memo = CheckMemo("key", "fi", {}, jobs=2)
    assert build_toolbox(load_content(project.content_dir, project.root, memo=memo)) == fresh
    assert memo.misses > 100 and memo.checked_in_workers == 0


def test_stored_results_come_back_exactly() -> None:
    files = list_content_files(ROOT / "content")
    assert len(files) > 50
    for file, record in files:
        shown = file.relative_to(ROOT).as_posix()
        result, payload = compute_result(file.read_bytes(), shown, record, "fi", load.list_attachments(
            ROOT / "content" / "files"))
        assert payload is not None, shown
        assert repr(decode_result(payload, shown, record)) == repr(result)
    # Problems with their parameters too (repr shows them; equality of Problem ignores them).
    broken = b"id: Iso\nname: [1]\ntype: x\nreview_date: 2024-02-30\ncooperations: []\n"
    result, payload = compute_result(broken, "content/partners/x.yaml", "partner", "en", {})
    assert payload is not None and result[0] is not None and len(result[0].checked.problems) >= 4
    assert repr(decode_result(payload, "content/partners/x.yaml", "partner")) == repr(result)
    result, payload = compute_result(b"a: [", "content/teams/t.yaml", "team", "fi", {})
    assert payload is not None and result[0] is None
    assert repr(decode_result(payload, "content/teams/t.yaml", "team")) == repr(result)


@pytest.mark.parametrize("stored", [b"", b"{\"key\": 1}", checkcache.MAGIC + b"x" * 40, b"\x00" * 100])
def test_a_damaged_or_foreign_store_is_ignored(stored: bytes) -> None:
    memo = CheckMemo("key", "fi", {}, stored)
    assert memo._old == {}
    result = memo.parse(b"id: a\n", "content/teams/a.yaml", "team", "fi")
    assert result == parse_and_check(b"id: a\n", "content/teams/a.yaml", "team")


def test_a_store_is_used_only_under_its_own_key_and_intact() -> None:
    memo = CheckMemo("one", "fi", {})
    memo.parse(b"id: a\n", "content/teams/a.yaml", "team", "fi")
    stored = memo.to_bytes()
    assert CheckMemo("one", "fi", {}, stored)._old.keys() == {"content/teams/a.yaml"}
    assert CheckMemo("two", "fi", {}, stored)._old == {}
    flipped = bytearray(stored)
    flipped[-3] ^= 1
    assert CheckMemo("one", "fi", {}, bytes(flipped))._old == {}
    assert CheckMemo("one", "fi", {}, stored[:-1])._old == {}


def parse_and_check(data: bytes, path: str, record: str) -> Any:
    """Return a file's result computed without any cache."""
    return compute_result(data, path, record, "fi", {})[0]


def test_remembered_tags_are_the_tags_the_safe_loader_gives() -> None:
    texts = [file.read_text(encoding="utf-8") for file, _ in list_content_files(ROOT / "content")]
    texts.append("a: [yes, No, ~, null, '', 12, 0o14, 0x1F, 1_000, 1.5e3, .inf, 2024-01-01, 2024-01-01T10:00:00]\n"
                 "b: !!str 12\nc: \"12\"\nd: |\n  12\n? [x]\n: y\n")

    def tags(node: yaml.Node) -> list[Any]:
        found: list[Any] = [(type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column)]
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found += tags(key) + tags(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                found += tags(item)
        else:
            found.append(node.value)
        return found

    for text in texts * 2:  # the second round answers from what the first remembered
        assert tags(yaml.compose(text, Loader=load._Loader)) == tags(yaml.compose(text, Loader=yaml.CSafeLoader))


def test_listing_keeps_the_names_and_order_of_path_suffix_rules(tmp_path: Path) -> None:
    content = tmp_path / "content"
    partners = content / "partners"
    partners.mkdir(parents=True)
    for name in ("b.yaml", "a.yml", ".yaml", "a..yaml", "c.YAML", "d.yaml.txt", "e.", "Ä.yaml", "f.yaml~"):
        (partners / name).write_text("id: x\n", encoding="utf-8")
    (partners / "kansio.yaml").mkdir()
    (partners / "linkki.yaml").symlink_to("b.yaml")
    (partners / "rikki.yaml").symlink_to("ei-ole.yaml")
    expected = [(content / "toolbox.yaml", "toolbox"), (content / "tiers.yaml", "tiers")] + [
        (entry, "partner") for entry in sorted(partners.iterdir(), key=lambda path: path.name)
        if entry.suffix in (".yaml", ".yml") and (entry.is_file() or entry.is_symlink())]
    assert list_content_files(content) == expected
    assert [path.name for path, _ in expected[2:]] == ["a..yaml", "a.yml", "b.yaml", "linkki.yaml", "rikki.yaml",
                                                       "Ä.yaml"]


@pytest.mark.parametrize("argv", [
    ["check"], ["check", "--format", "github"], ["--root", "x", "check", "--lang", "en", "--debug"],
    ["check", "--format=gitlab"], ["check", "target"], ["check", "--name", "Oy"], ["check", "--form", "github"],
    ["check", "-h"], ["check", "--format", "xml"], ["build"], ["new", "partner", "--name", "Oy"],
])
def test_quick_parsing_of_check_agrees_with_the_full_parser(argv: list[str],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    def parsed(parse: Any) -> Any:
        try:
            return vars(parse())
        except SystemExit as stop:
            return ("exit", stop.code, capsys.readouterr())
        except UsageError as error:
            return ("error", str(error))

    def parse_fully() -> Any:
        args = make_parser("fi").parse_args(argv)
        check_choices(args, "fi")
        return args

    full = parsed(parse_fully)
    quick = parsed(lambda: parse_arguments(argv, "fi"))
    if isinstance(full, dict):
        assert {name: value for name, value in full.items() if name in quick} == quick
    else:
        assert quick == full


def test_check_imports_no_template_engine_renderer_or_mkdocs() -> None:
    script = ("import sys\nfrom partnerkit.cli import main\ncode = main(['--root', sys.argv[1], 'check'])\n"
              "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'mkdocs', 'markdown',"
              " 'pymdownx') or m in ('partnerkit.pipeline', 'partnerkit.render', 'partnerkit.cli_create')))\n")
    done = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.stdout.strip() == "0 []"


def test_the_preview_reads_only_the_edited_file_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerkit.serve import Preview

    monkeypatch.setenv("PARTNERKIT_JOBS", "1")
    write_project(generate(30, seed=6, **SMALL), tmp_path / "project")
    project = Project(tmp_path / "project")
    trust_every_status(monkeypatch)
    said: list[str] = []
    preview = Preview(project, "internal", "fi", tmp_path / "work", said.append)
    preview.rebuild()
    read = count_reads(monkeypatch)
    preview.rebuild()
    assert read == []
    partner = sorted((project.content_dir / "partners").iterdir())[2]
    edited = partner.read_text(encoding="utf-8").replace("description: |\n", "description: |\n      Uusi.\n", 1)
    partner.write_text(edited, encoding="utf-8")
    preview.rebuild()
    assert read == [str(partner)]
    assert "Uusi." in (preview.site / "kumppanit" / f"{partner.stem}.html").read_text(encoding="utf-8")


def test_a_build_reads_content_apart_with_the_same_toolbox_and_problems(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Every project counts as large here, so each read happens in a forked process; the loader notes where.
    monkeypatch.setattr(project_module, "APART_MIN_FILES", 0)
    readers = tmp_path / "readers.txt"
    original = load._read_limited

    def reading(path: str, plain: bool = False) -> Any:
        with open(readers, "a", encoding="utf-8") as notes:
            notes.write(f"{os.getpid()}\n")
        return original(path, plain)

    monkeypatch.setattr(load, "_read_limited", reading)
    # Each read forks this test process (about 0.25 s): the sample and every tenth bad input.
    projects = [Project(ROOT)] + [Project(materialise(case, tmp_path / case.id)) for case in CASES[::10]]
    for project in projects:
        expected = outcome(project, cache=False)
        readers.write_text("", encoding="utf-8")
        try:
            apart: Any = read_toolbox_apart(project)
        except ContentError as error:
            apart = [(p.render("fi"), p.params) for p in error.problems]
        assert apart == expected, project.root
        assert set(readers.read_text(encoding="utf-8").split()) - {str(os.getpid())}, "read in this process"
    assert isinstance(outcome(projects[0], cache=False), Toolbox)
