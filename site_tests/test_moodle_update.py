"""Update a live course in place with tool_partnerkit in a real Moodle, and check what staff did there survives.

Runs only when MOODLE_DIR points at an installed Moodle (4.5 or later), like test_moodle_restore.py. The test
copies the plugin (moodle/admin/tool/partnerkit) into MOODLE_DIR and runs Moodle's CLI upgrade when the copy
there differs. The scenario: the sample is restored as a new course; a user is enrolled, put in a group and marks
every activity complete; then a changed sample (one partner renamed, one method added, one removed) is published
over it with the plugin's CLI: first as a dry run, then two damaged packages, then for real, then once more.
"""

from __future__ import annotations

import filecmp
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partnerkit.audience import INTERNAL
from partnerkit.load import read_moodle_plugin
from partnerkit.pipeline import Project, read_toolbox, source_date
from partnerkit.render import make_environment
from partnerkit.render.moodle import Course, pack_backup, plan_course, render_course_backup, render_plugin_zip
from site_tests.moodle_cli import MOODLE_DIR, run_php

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "moodle" / "admin" / "tool" / "partnerkit"

pytestmark = pytest.mark.skipif(
    not MOODLE_DIR or not (Path(MOODLE_DIR) / "config.php").is_file(),
    reason="set MOODLE_DIR to an installed Moodle (a folder with config.php) to run the real update test",
)

RENAMED_PARTNER = "hotelli-jarvenselka"
NEW_PARTNER_NAME = "Hotelli Järvenselkä ja Kokouskeskus Oy"
ADDED_METHOD = "kumppanien-aamukahvit"
# A dated plan action moved by a day: its calendar event changes in place.
MOVED_ACTION = ("tyoelamapalvelut-2026", "sidosryhmaaamu-kevat", "start: 2026-04-16", "start: 2026-04-17")
# A month-level action of the same plan moved from August to September: the year wheel (a file) changes.
MOVED_MONTH = ("tyoelamapalautteen-kooste", "months: [8]", "months: [9]")
PLANS_IDNUMBER = "partnerkit:intro/plans"

# A user enrolled as a student, in a group, with every activity of the course marked complete.
SETUP_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/group/lib.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->libdir . '/completionlib.php');
\core\session\manager::set_user(get_admin());
$courseid = (int)$argv[1];
$username = 'pkupdate' . $courseid;
$userid = user_create_user((object)['username' => $username, 'password' => 'Salasana-1', 'firstname' => 'Testi',
    'lastname' => 'Käyttäjä', 'email' => $username . '@example.invalid', 'auth' => 'manual', 'confirmed' => 1,
    'mnethostid' => $CFG->mnet_localhost_id]);
$student = $DB->get_field('role', 'id', ['shortname' => 'student'], MUST_EXIST);
if (!enrol_try_internal_enrol($courseid, $userid, $student)) {
    throw new moodle_exception('enrolment failed');
}
$groupid = groups_create_group((object)['courseid' => $courseid, 'name' => 'Tiimi Järvi']);
groups_add_member($groupid, $userid);
$course = get_course($courseid);
$completion = new completion_info($course);
foreach (get_fast_modinfo($course, $userid)->get_cms() as $cm) {
    if ($cm->completion == COMPLETION_TRACKING_MANUAL) {
        $completion->update_state($cm, COMPLETION_COMPLETE, $userid);
    } else if ($cm->completion == COMPLETION_TRACKING_AUTOMATIC) {
        $completion->set_module_viewed($cm, $userid);
    }
}
// An activity staff added by hand, at the end of the first tier's section: the update leaves it alone.
$own = create_module((object)['modulename' => 'page', 'course' => $courseid, 'section' => 1, 'visible' => 1,
    'name' => 'Tiimin oma muistilista', 'introeditor' => ['text' => '', 'format' => FORMAT_HTML, 'itemid' => 0],
    'content' => '<p>Oma.</p>',
    'contentformat' => FORMAT_HTML, 'display' => 5, 'printintro' => 0, 'printlastmodified' => 1]);
echo json_encode(['userid' => $userid, 'groupid' => $groupid, 'own' => $own->coursemodule]);
"""

# Everything the test compares, read from Moodle's database.
STATE_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
$courseid = (int)$argv[1];
$userid = (int)$argv[2];
$context = context_course::instance($courseid);
$modules = [];
$sql = 'SELECT cm.id, m.name AS modname, cm.instance, cm.idnumber, cs.section
          FROM {course_modules} cm
          JOIN {modules} m ON m.id = cm.module
          JOIN {course_sections} cs ON cs.id = cm.section
         WHERE cm.course = ?';
foreach ($DB->get_records_sql($sql, [$courseid]) as $cm) {
    $record = $DB->get_record($cm->modname, ['id' => $cm->instance], '*', MUST_EXIST);
    $text = ($record->content ?? '') . ($record->intro ?? '');
    if ($cm->modname === 'book') {
        foreach ($DB->get_records('book_chapters', ['bookid' => $cm->instance], 'pagenum') as $chapter) {
            $text .= $chapter->content;
        }
    }
    $files = [];
    foreach ($DB->get_records('files', ['contextid' => context_module::instance($cm->id)->id]) as $file) {
        if ($file->filename !== '.') {
            $files["$file->component/$file->filearea/$file->itemid$file->filepath$file->filename"] = $file->contenthash;
        }
    }
    ksort($files);
    $modules[$cm->id] = ['idnumber' => $cm->idnumber, 'modname' => $cm->modname, 'name' => $record->name,
        'section' => (int)$cm->section, 'text' => $text, 'files' => $files, 'revision' => $record->revision ?? null];
}
$sections = [];
foreach ($DB->get_records('course_sections', ['course' => $courseid], 'section') as $section) {
    $sections[] = ['id' => (int)$section->id, 'name' => $section->name, 'sequence' => $section->sequence,
        'summary' => $section->summary];
}
$completions = $DB->get_records_menu('course_modules_completion', ['userid' => $userid], '',
    'coursemoduleid, completionstate');
$enrolments = $DB->count_records_sql('SELECT COUNT(1) FROM {user_enrolments} ue JOIN {enrol} e ON e.id = ue.enrolid
    WHERE e.courseid = ? AND ue.userid = ?', [$courseid, $userid]);
echo json_encode([
    'modules' => $modules,
    'sections' => $sections,
    'completions' => $completions,
    'enrolments' => $enrolments,
    'roles' => $DB->count_records('role_assignments', ['contextid' => $context->id, 'userid' => $userid]),
    'groups' => array_values($DB->get_fieldset_sql('SELECT g.name FROM {groups} g
        JOIN {groups_members} gm ON gm.groupid = g.id WHERE g.courseid = ? AND gm.userid = ?', [$courseid, $userid])),
    'courses' => $DB->count_records('course'),
    'criteria' => array_values($DB->get_fieldset_select('course_completion_criteria', 'moduleinstance',
        'course = ?', [$courseid])),
    'wwwroot' => $CFG->wwwroot,
    'events' => $DB->get_records_menu('event', ['courseid' => $courseid], 'uuid', 'uuid, ' .
        $DB->sql_concat('id', "':'", 'timestart', "':'", 'timeduration', "':'", 'name')),
]);
"""

# The admin page's form renders in Moodle, and the page is in the site administration tree.
ADMIN_PAGE_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
require_once($CFG->libdir . '/adminlib.php');
\core\session\manager::set_user(get_admin());
$PAGE->set_url('/admin/tool/partnerkit/index.php');
$PAGE->set_context(context_system::instance());
$html = (new \tool_partnerkit\form\update_form())->render();
$page = admin_get_root(true)->locate('tool_partnerkit');
echo json_encode(['fields' => array_values(array_filter(['courseid', 'package', 'dryrun'], function ($name) use ($html) {
    return strpos($html, 'name="' . $name . '"') !== false;
})), 'page' => $page ? $page->url->out(false) : null, 'title' => get_string('pluginname', 'tool_partnerkit')]);
"""

# A course made by hand, without partnerkit's activities: the wrong course to update.
OTHER_COURSE_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
require_once($CFG->dirroot . '/course/lib.php');
\core\session\manager::set_user(get_admin());
if ($argv[1] === 'create') {
    $course = create_course((object)['fullname' => 'Muu kurssi', 'shortname' => 'pk-muu-kurssi', 'category' => 1]);
    echo json_encode(['id' => $course->id, 'courses' => $DB->count_records('course'),
        'modules' => $DB->count_records('course_modules', ['course' => $course->id])]);
} else {
    $modules = $DB->count_records('course_modules', ['course' => (int)$argv[2]]);
    delete_course((int)$argv[2], false);
    echo json_encode(['modules' => $modules, 'courses' => $DB->count_records('course')]);
}
"""

# What the "Install plugins" page does with an uploaded zip before it installs anything: unzip it as the
# plugin's folder and run Moodle's plugin validator (core_plugin_manager::install_plugins).
VALIDATE_ZIP_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
$manager = core_plugin_manager::instance();
$tmp = make_request_directory();
$files = $manager->unzip_plugin_file($argv[1], $tmp, 'partnerkit');
$validator = \core\update\validator::instance($tmp, $files);
$validator->assert_plugin_type('tool');
$validator->assert_moodle_version($CFG->version);
$ok = $validator->execute();
$messages = [];
foreach ($validator->get_messages() as $message) {
    $messages[] = [$message->level, $message->msgcode];
}
echo json_encode(['ok' => $ok, 'rootdir' => $validator->get_rootdir(), 'messages' => $messages,
    'component' => $validator->get_versionphp_info()['component'] ?? null]);
"""

CLEANUP_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
require_once($CFG->dirroot . '/user/lib.php');
delete_course((int)$argv[1], false);
if ($user = $DB->get_record('user', ['id' => (int)$argv[2], 'deleted' => 0])) {
    user_delete_user($user);
}
"""


def install_plugin() -> None:
    """Copy the plugin into Moodle and let Moodle's upgrade install it, when the copy there is not current."""
    target = Path(MOODLE_DIR) / "admin" / "tool" / "partnerkit"
    comparison = filecmp.dircmp(PLUGIN, target) if target.is_dir() else None
    if comparison is None or not _same_tree(comparison):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(PLUGIN, target)
        run_php(str(Path(MOODLE_DIR) / "admin" / "cli" / "upgrade.php"), "--non-interactive")


def _same_tree(comparison: filecmp.dircmp[str]) -> bool:
    if comparison.left_only or comparison.right_only or comparison.diff_files or comparison.funny_files:
        return False
    return all(_same_tree(sub) for sub in comparison.subdirs.values())


def build_package(root: Path) -> tuple[Course, bytes]:
    """The internal course backup of the toolbox project at root, and its plan."""
    project = Project(root)
    toolbox = read_toolbox(project)
    env = make_environment(project.templates_dir)
    return plan_course(toolbox, INTERNAL, env), render_course_backup(toolbox, INTERNAL, source_date(toolbox), env)


def unreferenced_method() -> str:
    """The first method no other content file names: removing it leaves the sample valid."""
    texts = {path: path.read_text(encoding="utf-8") for path in (ROOT / "content").rglob("*.yaml")}
    for method in sorted((ROOT / "content" / "methods").glob("*.yaml")):
        word = re.compile(rf"(?<![\w-]){re.escape(method.stem)}(?![\w-])")
        if not any(word.search(text) for path, text in texts.items() if path != method):
            return method.stem
    pytest.fail("every method of the sample is named elsewhere: no method can be removed")


REMOVED_METHOD = unreferenced_method()


def changed_sample(folder: Path) -> Path:
    """A copy of the sample with one partner renamed, one method added and one removed."""
    root = folder / "changed"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    partner = root / "content" / "partners" / f"{RENAMED_PARTNER}.yaml"
    text = partner.read_text(encoding="utf-8")
    partner.write_text(re.sub(r"(?m)^name: .*$", f"name: {NEW_PARTNER_NAME}", text, count=1), encoding="utf-8")
    removed = root / "content" / "methods" / f"{REMOVED_METHOD}.yaml"
    method = removed.read_text(encoding="utf-8")
    removed.unlink()
    method = re.sub(r"(?m)^id: .*$", f"id: {ADDED_METHOD}", method, count=1)
    method = re.sub(r"(?m)^title: .*$", "title: Kumppanien aamukahvit", method, count=1)
    (root / "content" / "methods" / f"{ADDED_METHOD}.yaml").write_text(method, encoding="utf-8")
    plan = root / "content" / "plans" / f"{MOVED_ACTION[0]}.yaml"
    text = plan.read_text(encoding="utf-8")
    assert text.count(MOVED_ACTION[2]) == 1
    text = text.replace(MOVED_ACTION[2], MOVED_ACTION[3])
    action = text.index(f"id: {MOVED_MONTH[0]}")
    months = text.index(MOVED_MONTH[1], action)
    assert months < text.find("- id:", action), "the months line is the moved action's own"
    plan.write_text(text[:months] + MOVED_MONTH[2] + text[months + len(MOVED_MONTH[1]):], encoding="utf-8")
    return root


def without_member(package: bytes, suffix: str) -> bytes:
    """The package with its first archive member ending in suffix left out (a damaged package)."""
    out = io.BytesIO()
    dropped = False
    with tarfile.open(fileobj=io.BytesIO(package), mode="r:gz") as source, \
            tarfile.open(fileobj=out, mode="w:gz") as target:
        for member in source.getmembers():
            if not dropped and member.name.endswith(suffix):
                dropped = True
                continue
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
    assert dropped
    return out.getvalue()


def with_changed_wheel(package: bytes) -> tuple[bytes, str]:
    """The package with the 2026 year wheel's bytes changed and every text left as it is; and the new content hash."""
    with tarfile.open(fileobj=io.BytesIO(package), mode="r:gz") as source:
        members = {m.name: source.extractfile(m).read() for m in source.getmembers() if m.isfile()}  # type: ignore[union-attr]
    files = members["files.xml"].decode()
    record = re.search(r"<contenthash>(\w+)</contenthash>(?:(?!</file>).)*?<filename>vuosikello-2026\.svg</filename>"
                       r"(?:(?!</file>).)*?<filesize>(\d+)</filesize>", files, re.S)
    assert record, "the package has the 2026 wheel"
    old_hash, size = record[1], record[2]
    blob = members.pop(f"files/{old_hash[:2]}/{old_hash}") + b"<!-- toinen versio -->"
    new_hash = hashlib.sha1(blob).hexdigest()
    members[f"files/{new_hash[:2]}/{new_hash}"] = blob
    changed = record[0].replace(old_hash, new_hash).replace(f"<filesize>{size}<", f"<filesize>{len(blob)}<")
    members["files.xml"] = files.replace(record[0], changed).encode()
    return pack_backup(members, 0), new_hash


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Restore, use, then update the course as described in the module docstring; yield every result."""
    install_plugin()
    folder = tmp_path_factory.mktemp("moodle_update")
    folder.chmod(0o755)
    old_course, old_package = build_package(ROOT)
    new_course, new_package = build_package(changed_sample(folder))
    files = {
        "old": old_package,
        "new": new_package,
        "truncated": new_package[: len(new_package) // 2],
        "missing": without_member(new_package, "/page.xml"),
        "wheel_only": with_changed_wheel(new_package)[0],
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.mbz"
        paths[name].write_bytes(data)
        paths[name].chmod(0o644)
    scripts = {}
    for name, text in (("setup", SETUP_PHP), ("state", STATE_PHP), ("cleanup", CLEANUP_PHP)):
        scripts[name] = folder / f"{name}.php"
        scripts[name].write_text(text, encoding="utf-8")
    restore = Path(MOODLE_DIR) / "admin" / "cli" / "restore_backup.php"
    output = run_php(str(restore), f"--file={paths['old']}", "--categoryid=1").stdout
    courseid = re.findall(r"(\d+)\D*$", output.strip())[-1]
    cli = str(Path(MOODLE_DIR) / "admin" / "tool" / "partnerkit" / "cli" / "update_course.php")
    userid = ""
    try:
        user = json.loads(run_php(str(scripts["setup"]), courseid).stdout)
        userid = str(user["userid"])

        def state() -> dict[str, Any]:
            return json.loads(run_php(str(scripts["state"]), courseid, userid).stdout)

        def update(name: str, *flags: str) -> subprocess.CompletedProcess[str]:
            return run_php(cli, f"--courseid={courseid}", f"--file={paths[name]}", *flags, check=False)

        results: dict[str, Any] = {"old_course": old_course, "new_course": new_course, "before": state(),
                                   "own": str(user["own"])}
        results["dry_run"] = update("new", "--dry-run")
        results["after_dry_run"] = state()
        results["truncated"] = update("truncated")
        results["after_truncated"] = state()
        results["missing"] = update("missing")
        results["after_missing"] = state()
        results["update"] = update("new")
        results["after_update"] = state()
        results["again"] = update("new")
        results["after_again"] = state()
        # Only a file changed, no text: the update still replaces it, under a new revision.
        results["wheel_only"] = update("wheel_only")
        results["after_wheel_only"] = state()
        results["wheel_only_hash"] = with_changed_wheel(new_package)[1]
        yield results
    finally:
        run_php(str(scripts["cleanup"]), courseid, userid or "0")


def by_idnumber(state: dict[str, Any]) -> dict[str, str]:
    """Course module id of each partnerkit activity."""
    return {m["idnumber"]: cmid for cmid, m in state["modules"].items() if m["idnumber"]}


def test_marks_enrolment_and_group_are_in_place_before(scenario: dict[str, Any]) -> None:
    before = scenario["before"]
    assert before["enrolments"] == 1 and before["roles"] == 1 and before["groups"] == ["Tiimi Järvi"]
    assert len(before["completions"]) == len(before["modules"]) - 1 == sum(
        len(s.activities) for s in scenario["old_course"].sections)
    assert set(before["completions"].values()) == {"1"}
    assert not before["modules"][scenario["own"]]["idnumber"]


def test_dry_run_lists_the_changes_and_changes_nothing(scenario: dict[str, Any]) -> None:
    result = scenario["dry_run"]
    assert result.returncode == 0, result.stderr
    assert "method/" + ADDED_METHOD in result.stdout
    assert "method/" + REMOVED_METHOD in result.stdout
    assert "tier/" in result.stdout
    assert scenario["after_dry_run"] == scenario["before"]


@pytest.mark.parametrize("damage", ["truncated", "missing"])
def test_damaged_package_is_refused_and_changes_nothing(scenario: dict[str, Any], damage: str) -> None:
    result = scenario[damage]
    assert result.returncode == 1
    assert result.stderr.strip(), "the refusal says why"
    if damage == "missing":
        assert "page.xml" in result.stderr
    # Nothing changed, and no staging course was left behind.
    assert scenario[f"after_{damage}"] == scenario["before"]


def test_update_keeps_enrolment_group_and_marks_of_unchanged_activities(scenario: dict[str, Any]) -> None:
    result = scenario["update"]
    assert result.returncode == 0, result.stderr
    before, after = scenario["before"], scenario["after_update"]
    assert after["enrolments"] == 1 and after["roles"] == 1 and after["groups"] == ["Tiimi Järvi"]
    assert after["courses"] == before["courses"], "the staging course is removed"
    old_ids, new_ids = by_idnumber(before), by_idnumber(after)
    kept = set(old_ids) & set(new_ids)
    assert kept and all(old_ids[i] == new_ids[i] for i in kept), "kept activities keep their course modules"
    unchanged = [i for i in kept if before["modules"][old_ids[i]]["text"] == after["modules"][new_ids[i]]["text"]]
    assert len(unchanged) > len(kept) // 2
    assert all(after["completions"].get(new_ids[i]) == "1" for i in kept), "completion marks stay"


def test_update_brings_the_changes(scenario: dict[str, Any]) -> None:
    after = scenario["after_update"]
    new_course: Course = scenario["new_course"]
    ids = by_idnumber(after)
    expected = [a.idnumber for s in new_course.sections for a in s.activities]
    assert sorted(ids) == sorted(expected), "every activity once, no copies"
    assert len(after["modules"]) == len(expected) + 1
    assert "partnerkit:method/" + REMOVED_METHOD not in ids
    added = after["modules"][ids["partnerkit:method/" + ADDED_METHOD]]
    assert added["name"] == "Kumppanien aamukahvit"
    assert ids["partnerkit:method/" + ADDED_METHOD] not in after["completions"]
    renamed = [m for m in after["modules"].values() if NEW_PARTNER_NAME in m["text"]]
    assert renamed, "the renamed partner arrived"
    # Sections and activities in the package's order; what staff added stays at the end of its section.
    for planned, section in zip(new_course.sections, after["sections"], strict=True):
        sequence = [i for i in section["sequence"].split(",") if i]
        own = [scenario["own"]] if planned.number == 1 else []
        assert sequence == [ids[a.idnumber] for a in planned.activities] + own
    assert after["modules"][scenario["own"]] == scenario["before"]["modules"][scenario["own"]]
    assert len(after["sections"]) == len(new_course.sections)


def test_links_point_at_the_live_course(scenario: dict[str, Any]) -> None:
    after = scenario["after_update"]
    cmids = set(after["modules"])
    section_ids = {str(s["id"]) for s in after["sections"]}
    texts = [m["text"] for m in after["modules"].values()] + [s["summary"] or "" for s in after["sections"]]
    root = re.escape(after["wwwroot"])
    activity_links = [m for t in texts for m in re.findall(root + r"/mod/\w+/view\.php\?id=(\d+)", t)]
    section_links = [m for t in texts for m in re.findall(root + r"/course/section\.php\?id=(\d+)", t)]
    assert activity_links and section_links
    assert set(activity_links) <= cmids - {scenario["own"]}
    assert set(section_links) <= section_ids
    added = by_idnumber(after)["partnerkit:method/" + ADDED_METHOD]
    assert added in activity_links, "a tier links to the added method"
    assert sorted(after["criteria"]) == sorted(
        by_idnumber(after)[a.idnumber] for a in scenario["new_course"].completion_criteria())


def test_second_update_changes_nothing(scenario: dict[str, Any]) -> None:
    result = scenario["again"]
    assert result.returncode == 0, result.stderr
    assert len([line for line in result.stdout.splitlines() if line.startswith("- ")]) == 0, result.stdout
    assert scenario["after_again"] == scenario["after_update"]


def test_admin_page_is_in_the_site_administration(tmp_path: Path) -> None:
    install_plugin()
    script = tmp_path / "admin_page.php"
    script.write_text(ADMIN_PAGE_PHP, encoding="utf-8")
    tmp_path.chmod(0o755)
    found = json.loads(run_php(str(script)).stdout)
    assert found["fields"] == ["courseid", "package", "dryrun"]
    assert found["page"].endswith("/admin/tool/partnerkit/index.php")
    assert found["title"]


def test_a_course_without_partnerkit_activities_is_refused(tmp_path: Path) -> None:
    install_plugin()
    tmp_path.chmod(0o755)
    script = tmp_path / "other_course.php"
    script.write_text(OTHER_COURSE_PHP, encoding="utf-8")
    package = tmp_path / "sample.mbz"
    package.write_bytes(build_package(ROOT)[1])
    package.chmod(0o644)
    created = json.loads(run_php(str(script), "create").stdout)
    cli = str(Path(MOODLE_DIR) / "admin" / "tool" / "partnerkit" / "cli" / "update_course.php")
    try:
        result = run_php(cli, f"--courseid={created['id']}", f"--file={package}", check=False)
    finally:
        deleted = json.loads(run_php(str(script), "delete", str(created["id"])).stdout)
    assert result.returncode == 1
    assert "partnerkit" in result.stderr
    assert deleted["modules"] == created["modules"], "nothing was added to the wrong course"
    assert deleted["courses"] == created["courses"] - 1, "no staging course was left behind"


def test_plugin_zip_passes_moodles_install_validation(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    package = tmp_path / "moodle-tool_partnerkit.zip"
    package.write_bytes(render_plugin_zip(read_moodle_plugin()))
    package.chmod(0o644)
    script = tmp_path / "validate_zip.php"
    script.write_text(VALIDATE_ZIP_PHP, encoding="utf-8")
    found = json.loads(run_php(str(script), str(package)).stdout)
    assert found["ok"] is True, found["messages"]
    assert found["rootdir"] == "partnerkit" and found["component"] == "tool_partnerkit"
    assert not [m for m in found["messages"] if m[0] == "error"], found["messages"]
    # Warnings Moodle shows and lets the admin accept: the plugin is beta, and a copy may be installed already.
    assert {m[1] for m in found["messages"] if m[0] == "warning"} <= {"maturity", "targetexists"}


def test_update_moves_the_changed_plan_event_in_place(scenario: dict[str, Any]) -> None:
    before, after = scenario["before"]["events"], scenario["after_update"]["events"]
    new_course: Course = scenario["new_course"]
    uuid = f"partnerkit:plan/{MOVED_ACTION[0]}/{MOVED_ACTION[1]}"
    assert sorted(before) == sorted(after) == sorted(e.uuid for e in new_course.events)
    old_id, old_start, _, name = before[uuid].split(":", 3)
    new_id, new_start, duration, new_name = after[uuid].split(":", 3)
    assert new_id == old_id, "the event keeps its identity"
    assert int(new_start) == int(old_start) + 86400 and int(duration) == 86400 and new_name == name
    assert all(after[key] == before[key] for key in before if key != uuid), "other events untouched"
    planned = {e.uuid: e for e in new_course.events}
    assert all(int(after[key].split(":")[1]) == planned[key].timestart for key in after)
    assert "Muuttunut kalenteritapahtuma" in scenario["dry_run"].stdout or "Changed calendar event" in \
        scenario["dry_run"].stdout, scenario["dry_run"].stdout


def wheel_files(course: Course) -> dict[str, str]:
    """{file key as STATE_PHP lists it: content hash} of the plans page's year wheels, as planned."""
    page = next(a for section in course.sections for a in section.activities if a.idnumber == PLANS_IDNUMBER)
    return {f"mod_page/content/0/{f.filename}": hashlib.sha1(f.data).hexdigest() for f in page.files if f.data}


def test_update_replaces_the_year_wheel_files(scenario: dict[str, Any]) -> None:
    old, new = wheel_files(scenario["old_course"]), wheel_files(scenario["new_course"])
    assert sorted(old) == sorted(new) and old != new, "moving an action to another month changes the wheel"
    states = {name: scenario[name]["modules"][by_idnumber(scenario[name])[PLANS_IDNUMBER]]
              for name in ("before", "after_dry_run", "after_update", "after_again")}
    assert states["before"]["files"] == states["after_dry_run"]["files"] == old
    assert states["after_update"]["files"] == new
    # A new revision gives the page's files a new address, so no browser shows last week's wheel from its cache.
    assert int(states["after_update"]["revision"]) > int(states["before"]["revision"])
    assert states["after_again"] == states["after_update"], "the second update leaves the files and revision"
    assert "intro/plans" in scenario["dry_run"].stdout


def test_update_of_files_alone_replaces_them_under_a_new_revision(scenario: dict[str, Any]) -> None:
    result = scenario["wheel_only"]
    assert result.returncode == 0, result.stderr
    before = scenario["after_again"]["modules"][by_idnumber(scenario["after_again"])[PLANS_IDNUMBER]]
    after = scenario["after_wheel_only"]["modules"][by_idnumber(scenario["after_wheel_only"])[PLANS_IDNUMBER]]
    assert after["text"] == before["text"], "no text changed"
    assert after["files"] == {**before["files"], "mod_page/content/0/vuosikello-2026.svg": scenario["wheel_only_hash"]}
    assert int(after["revision"]) == int(before["revision"]) + 1
    others = {key: module for key, module in scenario["after_wheel_only"]["modules"].items()
              if module["idnumber"] != PLANS_IDNUMBER}
    assert others == {key: module for key, module in scenario["after_again"]["modules"].items()
                      if module["idnumber"] != PLANS_IDNUMBER}
