"""Atomic output: a failed build (bad content, broken template, MkDocs error, full disk, killed process) leaves the
previous site and Moodle packages byte for byte as they were; a good build replaces both and leaves no staging behind.

Every test starts from one real build of the minimal fixture (`python build.py`) and compares hashes of every file.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from partnerkit import cli, write
from partnerkit.builders import moodle as moodle_builder
from partnerkit.builders import site as site_builder
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.write import STAGING_PREFIX, replace_directories, staging_area, write_tree
from tests.bad_inputs.cases import materialise
from tests.test_bad_inputs import snapshot

ROOT = Path(__file__).resolve().parents[1]


def build_py(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run build.py in root as an editor would."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=root, capture_output=True, text=True,
                          check=False, timeout=300)


def outputs(root: Path) -> dict[str, str]:
    """Return hashes of the site and the packages, and the names at the project root (staging folders show here)."""
    found = {f"site/{k}": v for k, v in snapshot(root / "site").items()}
    found.update({f"dist/{k}": v for k, v in snapshot(root / "dist").items()})
    found.update({f"root:{p.name}": "entry" for p in root.iterdir()})
    return found


def edit_content(root: Path) -> None:
    """Change a method's title: a valid edit that changes both the site and the Moodle course."""
    method = root / "content" / "methods" / "lomakkeet.yaml"
    method.write_text(method.read_text(encoding="utf-8").replace("title: Lomakkeet", "title: Lomakepohjat"),
                      encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture (with an attachment) after one successful `python build.py`."""
    root = materialise(None, tmp_path_factory.mktemp("atomic") / "p")
    result = build_py(root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "index.html").is_file() and any((root / "dist").glob("*.mbz"))
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built project."""
    return Path(shutil.copytree(built, tmp_path / "p", symlinks=True))


def assert_failed_cleanly(result: subprocess.CompletedProcess[str], code: int) -> None:
    """Assert the exit code, no traceback and the closing 'nothing was built' line."""
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    if code == cli.EXIT_OUTPUT:
        assert result.stderr.strip().endswith("Koontia ei tehty; aiempi tuloste on ennallaan.")


def test_good_build_replaces_both_outputs(project: Path) -> None:
    before = outputs(project)
    edit_content(project)
    result = build_py(project)
    assert result.returncode == 0, result.stderr
    after = outputs(project)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert any(key.startswith("site/") for key in changed) and any(key.startswith("dist/") for key in changed)
    assert not [p for p in project.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_a_big_old_output_is_removed_in_the_background(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write, "BACKGROUND_REMOVAL_FILES", 20)  # the fixture's site counts as big here
    removed_here: list[str] = []
    real_rmtree = shutil.rmtree

    def recording_rmtree(path: str | Path, *args: object, **kwargs: object) -> None:
        removed_here.append(Path(path).name)
        real_rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(write.shutil, "rmtree", recording_rmtree)
    edit_content(project)
    assert cli.main(["--root", str(project), "build"]) == 0
    # This process did not remove the staging folder (which held the old output) itself.
    assert not [name for name in removed_here if name.startswith(STAGING_PREFIX)]
    assert "Lomakepohjat" in (project / "site" / "menetelmat" / "lomakkeet.html").read_text(encoding="utf-8")
    # The old output is gone soon after the build returned, without a later build cleaning up.
    deadline = time.monotonic() + 60
    while [p for p in project.iterdir() if p.name.startswith(STAGING_PREFIX)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in project.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_bad_content_keeps_previous_outputs(project: Path) -> None:
    before = outputs(project)
    (project / "content" / "teams" / "ravintola.yaml").write_text("id: ravintola\n", encoding="utf-8")
    assert_failed_cleanly(build_py(project), cli.EXIT_CONTENT)
    assert outputs(project) == before


@pytest.mark.parametrize(
    ("template", "breakage"),
    [
        ("site/partner.md.j2", "{{ no_such_value }}\n"),
        ("site/tier.md.j2", "{% if %}\n"),
        ("moodle/page.xml.j2", "{{ no_such_value }}\n"),
    ],
    ids=["site-undefined-variable", "site-syntax-error", "moodle-undefined-variable"],
)
def test_template_error_keeps_previous_outputs(project: Path, template: str, breakage: str) -> None:
    # A project's own templates/ folder replaces the shipped one (pipeline.Project.templates_dir).
    shutil.copytree(SHIPPED_TEMPLATES, project / "templates")
    with (project / "templates" / template).open("a", encoding="utf-8") as stream:
        stream.write(breakage)
    before = outputs(project)
    result = build_py(project)
    assert_failed_cleanly(result, cli.EXIT_OUTPUT)
    assert outputs(project) == before


@pytest.mark.parametrize(
    "settings",
    ["site_name: [rikki\n", "site_name: Testi\ntheme:\n  name: ei-tallaista-teemaa\n", "- vain luettelo\n"],
    ids=["invalid-yaml", "unknown-theme", "not-a-mapping"],
)
def test_mkdocs_settings_error_keeps_previous_outputs(project: Path, settings: str) -> None:
    (project / "mkdocs.yml").write_text(settings, encoding="utf-8")
    before = outputs(project)
    assert_failed_cleanly(build_py(project), cli.EXIT_OUTPUT)
    assert outputs(project) == before


@pytest.mark.parametrize("failing_call", [1, 2], ids=["while-writing-pages", "while-writing-packages"])
def test_disk_full_while_writing_keeps_previous_outputs(
    project: Path, failing_call: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = outputs(project)
    calls = []

    def write_half_then_fail(directory: Path, files: Mapping[str, str | bytes]) -> None:
        calls.append(directory)
        if len(calls) < failing_call:
            write_tree(directory, files)
            return
        names = sorted(files)
        write_tree(directory, {name: files[name] for name in names[: len(names) // 2]})
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(directory / names[len(names) // 2]))

    monkeypatch.setattr(site_builder, "write_tree", write_half_then_fail)
    monkeypatch.setattr(moodle_builder, "write_tree", write_half_then_fail)
    assert cli.main(["build", "--root", str(project)]) == cli.EXIT_OUTPUT
    assert len(calls) == failing_call
    captured = capsys.readouterr()
    assert "No space left on device" in captured.err and "Traceback" not in captured.out + captured.err
    assert outputs(project) == before


# Runs inside a private mount namespace with a small tmpfs: a real "No space left on device" from the kernel.
_FULL_DISK_DRIVER = r"""
import json, os, shutil, subprocess, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from tests.test_atomic import edit_content, outputs
mount, built = Path(sys.argv[1]), Path(sys.argv[2])
project = Path(shutil.copytree(built, mount / "p", symlinks=True))
edit_content(project)
before = outputs(project)
stat = os.statvfs(mount)
free = stat.f_bavail * stat.f_frsize
# Leave room for the generated pages but not for a second copy of the site.
(mount / "ballast").write_bytes(b"\0" * max(0, free - 400_000))
result = subprocess.run([sys.executable, str(Path(sys.argv[3]) / "build.py")], cwd=project, capture_output=True,
                        text=True)
(mount / "ballast").unlink()
print(json.dumps({"returncode": result.returncode, "stderr": result.stderr, "stdout": result.stdout,
                  "unchanged": outputs(project) == before}))
"""


def test_real_full_disk_keeps_previous_outputs(built: Path, tmp_path: Path) -> None:
    unshare, mount = shutil.which("unshare"), shutil.which("mount")
    if unshare is None or mount is None:
        pytest.skip("needs unshare and mount (util-linux) for a private tmpfs")
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available here: {probe.stderr.decode().strip()}")
    point = tmp_path / "tmpfs"
    point.mkdir()
    driver = tmp_path / "driver.py"
    driver.write_text(_FULL_DISK_DRIVER, encoding="utf-8")
    command = (f"{mount} -t tmpfs -o size=32m tmpfs '{point}' && exec '{sys.executable}' '{driver}' '{point}' "
               f"'{built}' '{ROOT}'")
    result = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "sh", "-c", command],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["returncode"] == cli.EXIT_OUTPUT, report
    assert "No space left on device" in report["stderr"] and "Traceback" not in report["stderr"] + report["stdout"]
    assert report["unchanged"], report["stderr"]


def test_killed_build_keeps_previous_outputs_and_next_build_cleans_up(project: Path) -> None:
    edit_content(project)
    before = {k: v for k, v in outputs(project).items() if not k.startswith("root:")}
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py")], cwd=project, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    # Kill it while MkDocs is writing the new site into the staging folder.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(stage.joinpath("site", "assets").is_dir() for stage in project.glob(STAGING_PREFIX + "*")):
            break
        time.sleep(0.005)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = outputs(project)
    assert {k: v for k, v in after.items() if not k.startswith("root:")} == before
    leftovers = sorted(key[len("root:"):] for key in after if key.startswith("root:"))
    assert [name for name in leftovers if name not in ("content", "site", "dist", "mkdocs.yml")] != []
    assert all(name.startswith(STAGING_PREFIX) for name in leftovers if name not in ("content", "site", "dist",
                                                                                     "mkdocs.yml"))
    result = build_py(project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in project.iterdir()) == ["content", "dist", "mkdocs.yml", "site"]
    assert "Lomakepohjat" in (project / "site" / "menetelmat" / "lomakkeet.html").read_text(encoding="utf-8")


def test_staging_of_a_running_build_is_left_alone(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f"{STAGING_PREFIX}{sleeper.pid}-abc"
        dead = tmp_path / f"{STAGING_PREFIX}999999999-abc"
        unnamed = tmp_path / f"{STAGING_PREFIX}vanha"
        for folder in (live, dead, unnamed):
            (folder / "site").mkdir(parents=True)
        with staging_area(tmp_path) as stage:
            assert stage.name.startswith(f"{STAGING_PREFIX}{os.getpid()}-")
            assert live.is_dir() and not dead.exists() and not unnamed.exists()
        assert not stage.exists() and live.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_failed_second_swap_undoes_the_first(tmp_path: Path) -> None:
    old_site, new_site = tmp_path / "site", tmp_path / "stage" / "site"
    for folder, text in ((old_site, "old"), (new_site, "new")):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(text, encoding="utf-8")
    (tmp_path / "dist").mkdir()
    with pytest.raises(FileNotFoundError):
        # The staged dist is missing, as if the disk had failed after the site was swapped in.
        replace_directories([(new_site, old_site), (tmp_path / "stage" / "dist", tmp_path / "dist")])
    assert (old_site / "index.html").read_text(encoding="utf-8") == "old"
    assert (new_site / "index.html").read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("site_dir", ["content", ".", "..", "content/partners", "../omat-tiedostot"])
def test_output_folder_may_not_be_the_project_or_other_files(project: Path, site_dir: str) -> None:
    (project.parent / "omat-tiedostot").mkdir()
    (project.parent / "omat-tiedostot" / "muistio.txt").write_text("tärkeä\n", encoding="utf-8")
    before = snapshot(project.parent)
    result = build_py(project, "--site-dir", site_dir)
    assert_failed_cleanly(result, cli.EXIT_OUTPUT)
    assert "eikä sitä korvata" in result.stderr
    assert snapshot(project.parent) == before


def test_a_symlinked_package_folder_is_refused_and_its_target_left_alone(project: Path) -> None:
    outside = project.parent / "muualla"
    outside.mkdir()
    (outside / "tärkeä.txt").write_text("ei saa kadota\n", encoding="utf-8")
    shutil.rmtree(project / "dist")
    (project / "dist").symlink_to(outside, target_is_directory=True)
    before = snapshot(project.parent)
    result = build_py(project)
    assert_failed_cleanly(result, cli.EXIT_OUTPUT)
    assert f"Kohdekansio {project / 'dist'} on symbolinen linkki" in result.stderr
    assert snapshot(project.parent) == before


def test_a_package_folder_holding_other_files_is_refused(project: Path) -> None:
    (project / "omat").mkdir()
    (project / "omat" / "muistio.txt").write_text("tärkeä\n", encoding="utf-8")
    before = snapshot(project.parent)
    result = build_py(project, "--dist-dir", "omat")
    assert_failed_cleanly(result, cli.EXIT_OUTPUT)
    assert "kansio, jossa on muuta kuin aiemmin rakennettuja Moodle-paketteja" in result.stderr
    assert snapshot(project.parent) == before


def test_both_profiles_build_side_by_side(project: Path) -> None:
    assert build_py(project, "--audience", "public", "--site-dir", "julkinen", "--dist-dir", "dist-julkinen"
                    ).returncode == 0
    internal = sorted(p.name for p in (project / "dist").iterdir())
    public = sorted(p.name for p in (project / "dist-julkinen").iterdir())
    # The Moodle admin tool's installable zip is the same for both profiles, byte for byte.
    plugin = "moodle-tool_partnerkit.zip"
    assert (project / "dist" / plugin).read_bytes() == (project / "dist-julkinen" / plugin).read_bytes()
    internal.remove(plugin)
    public.remove(plugin)
    # The same packages, named by profile; the staff's tier vocabulary (the glossary) only in the staff's.
    assert [name.replace("-internal", "") for name in internal if "glossary" not in name] == [
        name.replace("-public", "") for name in public]
    assert any("glossary" in name for name in internal) and not any("glossary" in name for name in public)
    assert all("-internal" in name for name in internal) and all("-public" in name for name in public)
