"""The Moodle plugin shipped in moodle/ (tool_partnerkit) with Debian's PHP, no Moodle needed.

Every PHP file passes `php -l`; the package check and the link mapper (plain PHP classes) are run on real packages
from the renderer; both language files hold the same strings. The plugin's work inside Moodle is tested against a
real Moodle in site_tests/test_moodle_update.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from partnerkit.audience import INTERNAL
from partnerkit.pipeline import Project, read_toolbox, source_date
from partnerkit.render import make_environment
from partnerkit.load import read_moodle_plugin
from partnerkit.render.moodle import render_course_backup, render_plugin_zip

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "moodle" / "admin" / "tool" / "partnerkit"
SKIPPED_FOLDERS = {".venv", "node_modules", "site", "dist", ".git"}

# Runs package_check on each folder named on the command line and prints the problems as JSON.
CHECK_PHP = r"""<?php
define('MOODLE_INTERNAL', true);
require(getenv('PLUGIN') . '/classes/local/package_check.php');
$found = [];
foreach (array_slice($argv, 1) as $dir) {
    $found[basename($dir)] = \tool_partnerkit\local\package_check::problems($dir);
}
echo json_encode($found);
"""

MAP_PHP = r"""<?php
define('MOODLE_INTERNAL', true);
require(getenv('PLUGIN') . '/classes/local/link_mapper.php');
$mapper = new \tool_partnerkit\local\link_mapper('https://moodle.example/m', [11 => 21, 12 => 22], [31 => 41], 5, 6);
echo json_encode([
    'activity' => $mapper->map('<a href="https://moodle.example/m/mod/page/view.php?id=11">x</a>'),
    'longer' => $mapper->map('https://moodle.example/m/mod/book/view.php?id=111'),
    'unknown' => $mapper->map('https://moodle.example/m/mod/url/view.php?id=13'),
    'section' => $mapper->map('https://moodle.example/m/course/section.php?id=31'),
    'course' => $mapper->map('https://moodle.example/m/course/view.php?id=5 https://moodle.example/m/course/view.php?id=7'),
    'elsewhere' => $mapper->map('https://muu.example/m/mod/page/view.php?id=11'),
    'cm' => $mapper->map_cm(12),
    'null' => $mapper->map(null),
]);
"""

LANG_PHP = r"""<?php
define('MOODLE_INTERNAL', true);
$keys = [];
foreach (['en', 'fi'] as $lang) {
    $string = [];
    require(getenv('PLUGIN') . "/lang/$lang/tool_partnerkit.php");
    $keys[$lang] = array_keys($string);
}
echo json_encode($keys);
"""


def run_php(script: str, *args: str, tmp_path: Path) -> object:
    """Run a PHP script with the plugin's folder in PLUGIN and return its JSON output."""
    php = shutil.which("php")
    assert php, "PHP is missing: run `make php` (Debian's php-cli and php-xml)"
    path = tmp_path / "script.php"
    path.write_text(script, encoding="utf-8")
    result = subprocess.run([php, str(path), *args], capture_output=True, text=True, timeout=120,
                            env={"PLUGIN": str(PLUGIN), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def php_files() -> list[Path]:
    """Every PHP file of the repository outside installed and built folders."""
    found = []
    for path in sorted(ROOT.rglob("*.php")):
        if not SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts):
            found.append(path)
    return found


def test_every_php_file_passes_php_lint() -> None:
    php = shutil.which("php")
    assert php, "PHP is missing: run `make php` (Debian's php-cli and php-xml)"
    files = php_files()
    assert PLUGIN / "version.php" in files and len(files) >= 10
    for path in files:
        result = subprocess.run([php, "-l", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{path.relative_to(ROOT)}: {result.stdout}{result.stderr}"


def test_language_files_hold_the_same_strings(tmp_path: Path) -> None:
    keys = run_php(LANG_PHP, tmp_path=tmp_path)
    assert isinstance(keys, dict)
    assert keys["en"] and sorted(keys["en"]) == sorted(keys["fi"])


@pytest.fixture(scope="module")
def package() -> bytes:
    project = Project(ROOT)
    toolbox = read_toolbox(project)
    return render_course_backup(toolbox, INTERNAL, source_date(toolbox), make_environment(project.templates_dir))


def unpack(data: bytes, folder: Path) -> Path:
    folder.mkdir()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(folder, filter="data")
    return folder


def first_activity(folder: Path) -> Path:
    return sorted((folder / "activities").iterdir())[0]


def test_package_check_accepts_the_renderers_package(package: bytes, tmp_path: Path) -> None:
    sound = unpack(package, tmp_path / "sound")
    assert run_php(CHECK_PHP, str(sound), tmp_path=tmp_path) == {"sound": []}


def test_package_check_finds_every_problem(package: bytes, tmp_path: Path) -> None:
    damaged = unpack(package, tmp_path / "damaged")
    activity = first_activity(damaged)
    (activity / "inforef.xml").unlink()
    (damaged / "course" / "course.xml").write_text("<course><unclosed></course>", encoding="utf-8")
    second = sorted((damaged / "activities").iterdir())[1]
    text = (second / "module.xml").read_text(encoding="utf-8")
    (second / "module.xml").write_text(text.replace("<idnumber>partnerkit:", "<idnumber>oma:"), encoding="utf-8")
    found = run_php(CHECK_PHP, str(damaged), tmp_path=tmp_path)
    assert isinstance(found, dict)
    assert sorted(found["damaged"]) == [
        ["check_badxml", "course/course.xml"],
        ["check_missingfile", f"activities/{activity.name}/inforef.xml"],
        ["check_notpartnerkit", f"activities/{second.name}/module.xml"],
    ]


def test_package_check_refuses_folders_outside_the_package(package: bytes, tmp_path: Path) -> None:
    hostile = unpack(package, tmp_path / "hostile")
    activity = first_activity(hostile)
    backup = hostile / "moodle_backup.xml"
    text = backup.read_text(encoding="utf-8")
    backup.write_text(text.replace(f"<directory>activities/{activity.name}</directory>",
                                   "<directory>activities/../../etc</directory>", 1), encoding="utf-8")
    assert run_php(CHECK_PHP, str(hostile), tmp_path=tmp_path) == {
        "hostile": [["check_badfolder", "activities/../../etc"]]}


def test_package_check_finds_missing_and_damaged_file_content(package: bytes, tmp_path: Path) -> None:
    folder = unpack(package, tmp_path / "files")
    content = b"sopimuspohja"
    good = hashlib.sha1(content).hexdigest()
    bad = hashlib.sha1(b"muu").hexdigest()
    (folder / "files" / good[:2]).mkdir(parents=True)
    (folder / "files" / good[:2] / good).write_bytes(content)
    (folder / "files" / bad[:2]).mkdir(parents=True, exist_ok=True)
    (folder / "files" / bad[:2] / bad).write_bytes(b"muuttunut")
    missing = hashlib.sha1(b"puuttuu").hexdigest()
    entries = "".join(f"<file><contenthash>{h}</contenthash><filename>{n}</filename></file>"
                      for h, n in ((good, "a.pdf"), (bad, "b.pdf"), (missing, "c.pdf")))
    (folder / "files.xml").write_text(f"<files>{entries}</files>", encoding="utf-8")
    assert run_php(CHECK_PHP, str(folder), tmp_path=tmp_path) == {"files": [
        ["check_damagedcontent", "b.pdf"], ["check_missingcontent", "c.pdf"]]}


def test_link_mapper_points_staging_links_at_the_live_course(tmp_path: Path) -> None:
    assert run_php(MAP_PHP, tmp_path=tmp_path) == {
        "activity": '<a href="https://moodle.example/m/mod/page/view.php?id=21">x</a>',
        "longer": "https://moodle.example/m/mod/book/view.php?id=111",
        "unknown": "https://moodle.example/m/mod/url/view.php?id=13",
        "section": "https://moodle.example/m/course/section.php?id=41",
        "course": "https://moodle.example/m/course/view.php?id=6 https://moodle.example/m/course/view.php?id=7",
        "elsewhere": "https://muu.example/m/mod/page/view.php?id=11",
        "cm": 22,
        "null": None,
    }


def test_plugin_zip_holds_exactly_the_plugin_folder_under_partnerkit() -> None:
    data = render_plugin_zip(read_moodle_plugin())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
        assert archive.testzip() is None
    files = {f"partnerkit/{p.relative_to(PLUGIN).as_posix()}": p.read_bytes() for p in PLUGIN.rglob("*") if p.is_file()}
    folders = {f"partnerkit/{p.relative_to(PLUGIN).as_posix()}/" for p in PLUGIN.rglob("*") if p.is_dir()}
    assert {name: blob for name, blob in entries.items() if not name.endswith("/")} == files
    # Moodle's plugin validator looks for the lang/en/ folder by its own entry.
    assert {name for name in entries if name.endswith("/")} == folders | {"partnerkit/"}
    assert "partnerkit/version.php" in files and "partnerkit/lang/en/" in folders


def test_plugin_zip_is_the_same_bytes_whatever_the_reading_order() -> None:
    files = read_moodle_plugin()
    shuffled = dict(reversed(list(files.items())))
    assert render_plugin_zip(files) == render_plugin_zip(shuffled) == render_plugin_zip(read_moodle_plugin())
    with zipfile.ZipFile(io.BytesIO(render_plugin_zip(files))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_plugin_zip_unpacks_to_php_that_passes_lint(tmp_path: Path) -> None:
    php = shutil.which("php")
    assert php, "PHP is missing: run `make php` (Debian's php-cli and php-xml)"
    with zipfile.ZipFile(io.BytesIO(render_plugin_zip(read_moodle_plugin()))) as archive:
        archive.extractall(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partnerkit"]
    files = sorted((tmp_path / "partnerkit").rglob("*.php"))
    assert len(files) >= 10
    for path in files:
        result = subprocess.run([php, "-l", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"
