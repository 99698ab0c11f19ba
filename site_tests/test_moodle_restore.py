"""Restore the sample course backup into a real Moodle and check, in Moodle's database, that everything arrived.

Runs only when MOODLE_DIR points at an installed Moodle (4.5 or later), for example:

    MOODLE_DIR=/srv/moodle .venv/bin/python -m pytest site_tests/test_moodle_restore.py

MOODLE_PHP overrides the PHP command (default ``php``; e.g. ``sudo -u www-data php`` when moodledata belongs to
the web server). The package is restored as a new course, then published again over that course the way
the web UI's "Delete the contents of this course and then restore" does; the course is deleted at the end.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partnerkit.mbzcheck import check_mbz
from partnerkit.pipeline import Project, make_view, read_toolbox, source_date
from partnerkit.render import make_environment
from partnerkit.render.moodle import Course, plan_course, render_course_backup
from partnerkit.render.wheel import render_wheel
from site_tests.moodle_cli import MOODLE_DIR, run_php

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    not MOODLE_DIR or not (Path(MOODLE_DIR) / "config.php").is_file(),
    reason="set MOODLE_DIR to an installed Moodle (a folder with config.php) to run the real restore test",
)

# Reads the restored course back out of Moodle's database through Moodle's own API and prints it as JSON.
READ_COURSE_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
$courseid = (int)$argv[1];
$course = $DB->get_record('course', ['id' => $courseid], 'id, fullname, format, enablecompletion, lang', MUST_EXIST);
$course->formatoptions = $DB->get_records_menu('course_format_options', ['courseid' => $courseid, 'sectionid' => 0],
    '', 'name, value');
$criteria = array_values($DB->get_records('course_completion_criteria', ['course' => $courseid], 'id',
    'id, criteriatype, module, moduleinstance'));
$sections = array_values($DB->get_records('course_sections', ['course' => $courseid], 'section',
    'id, section, name, summary, summaryformat, sequence'));
$modules = [];
$sql = 'SELECT cm.id, m.name AS modname, cm.instance, cm.section, cm.completion, cm.completionview, cm.idnumber,
               cm.showdescription
          FROM {course_modules} cm JOIN {modules} m ON m.id = cm.module
         WHERE cm.course = ?';
foreach ($DB->get_records_sql($sql, [$courseid]) as $cm) {
    $record = $DB->get_record($cm->modname, ['id' => $cm->instance], '*', MUST_EXIST);
    $cm->name = $record->name;
    $cm->intro = $record->intro;
    $cm->content = $record->content ?? null;
    $cm->contentformat = $record->contentformat ?? null;
    $cm->externalurl = $record->externalurl ?? null;
    $cm->files = array_values($DB->get_records('files', ['contextid' => context_module::instance($cm->id)->id],
        'filearea, itemid, filepath, filename', 'id, component, filearea, itemid, filepath, filename, contenthash, mimetype, filesize'));
    if ($cm->modname === 'book') {
        $cm->chapters = array_values($DB->get_records('book_chapters', ['bookid' => $cm->instance], 'pagenum',
            'id, pagenum, title, content, contentformat'));
    }
    $modules[$cm->id] = $cm;
}
$events = array_values($DB->get_records('event', ['courseid' => $courseid], 'timestart, name',
    'id, name, description, format, eventtype, modulename, instance, groupid, timestart, timeduration, visible'));
echo json_encode(['version' => $CFG->release, 'wwwroot' => $CFG->wwwroot, 'course' => $course,
    'sections' => $sections, 'modules' => $modules, 'criteria' => $criteria, 'events' => $events,
    'languages' => array_keys(get_string_manager()->get_list_of_translations())]);
"""

# What the web UI does for "Delete the contents of this course and then restore" with the course settings
# overwritten (restore_controller runs restore_dbops::delete_course_content() for this target).
REPUBLISH_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');
$admin = get_admin();
\core\session\manager::set_user($admin);
$courseid = (int)$argv[2];
$folder = restore_controller::get_tempdir_name($courseid, $admin->id);
get_file_packer('application/vnd.moodle.backup')->extract_to_pathname($argv[1], make_backup_temp_directory($folder));
$rc = new restore_controller($folder, $courseid, backup::INTERACTIVE_NO, backup::MODE_GENERAL, $admin->id,
    backup::TARGET_EXISTING_DELETING);
$rc->get_plan()->get_setting('overwrite_conf')->set_value(true);
$rc->execute_precheck();
$rc->execute_plan();
$rc->destroy();
"""

# Moodle's HTML cleaning (what format_text() applies when $CFG->forceclean is on, and to every text not trusted).
CLEAN_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
echo json_encode(array_map(function ($path) {
    return purify_html(file_get_contents($path));
}, array_slice($argv, 1)));
"""

DELETE_COURSE_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
delete_course((int)$argv[1], false);
"""


def php(*args: str) -> str:
    """Run PHP with Moodle's environment and return its output; fail the test with PHP's output on error."""
    return run_php(*args).stdout


def restore_script() -> Path:
    """Moodle's CLI restore (admin/cli, or public/admin/cli in newer layouts)."""
    for candidate in ("admin/cli/restore_backup.php", "public/admin/cli/restore_backup.php"):
        path = Path(MOODLE_DIR) / candidate
        if path.is_file():
            return path
    pytest.fail(f"restore_backup.php not found under {MOODLE_DIR}")


@pytest.fixture(scope="module", params=["internal", "public"])
def sample(request: pytest.FixtureRequest) -> tuple[Course, bytes]:
    """The staff course, then the public course for companies, each from its profile's view as the build makes it."""
    project = Project(ROOT)
    view, profile = make_view(read_toolbox(project), request.param)
    env = make_environment(project.templates_dir)
    data = render_course_backup(view, profile, source_date(view), env)
    assert check_mbz(data) == []
    return plan_course(view, profile, env), data


@pytest.fixture(scope="module")
def restored(sample: tuple[Course, bytes], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Restore the sample package as a new course in category 1; yield what Moodle's database holds."""
    folder = tmp_path_factory.mktemp("moodle")
    package = folder / "sample.mbz"
    package.write_bytes(sample[1])
    folder.chmod(0o755)
    package.chmod(0o644)
    output = php(str(restore_script()), f"--file={package}", "--categoryid=1")
    found = re.findall(r"(\d+)\D*$", output.strip())
    assert found, f"no course id in the restore output:\n{output}"
    courseid = found[-1]
    scripts = {}
    for name, text in (("read", READ_COURSE_PHP), ("republish", REPUBLISH_PHP), ("delete", DELETE_COURSE_PHP)):
        scripts[name] = folder / f"{name}_course.php"
        scripts[name].write_text(text, encoding="utf-8")
    try:
        first = json.loads(php(str(scripts["read"]), courseid))
        # Publishing again over the same course must give the same course, not a second copy of everything.
        php(str(scripts["republish"]), str(package), courseid)
        yield {**json.loads(php(str(scripts["read"]), courseid)), "first": first}
    finally:
        php(str(scripts["delete"]), courseid)


_ENCODED = re.compile(r"\$@([A-Z]+)\*(\d+)@\$")


def decoded(html_text: str, course: Course, restored: dict[str, Any]) -> str:
    """The package's HTML as restore leaves it: each encoded link decoded to the restored activity or section."""
    by_idnumber = {m["idnumber"]: m["id"] for m in restored["modules"].values()}
    section_ids = {int(s["section"]): s["id"] for s in restored["sections"]}
    cm_targets = {str(a.cmid): (a.modname, by_idnumber[a.idnumber]) for s in course.sections for a in s.activities}
    section_targets = {str(s.id): section_ids[s.number] for s in course.sections}

    def link(match: re.Match[str]) -> str:
        if match[1] == "COURSESECTIONBYID":
            return f"{restored['wwwroot']}/course/section.php?id={section_targets[match[2]]}"
        modname, cmid = cm_targets[match[2]]
        assert match[1] == f"{modname.upper()}VIEWBYID"
        return f"{restored['wwwroot']}/mod/{modname}/view.php?id={cmid}"

    return _ENCODED.sub(link, html_text)


def modules_in_order(restored: dict[str, Any], section: dict[str, Any]) -> list[dict[str, Any]]:
    """The section's activities in the order Moodle shows them."""
    ids = [i for i in (section["sequence"] or "").split(",") if i]
    return [restored["modules"][i] for i in ids]


def test_every_section_arrived_in_order(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    course = sample[0]
    sections = restored["sections"]
    assert [s["name"] for s in sections] == [s.name for s in course.sections]
    for expected, actual in zip(course.sections, sections, strict=True):
        assert actual["summary"] == decoded(expected.summary_html, course, restored)
        assert str(actual["summaryformat"]) == "1"


def test_every_activity_arrived_in_its_section(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    for expected, actual in zip(sample[0].sections, restored["sections"], strict=True):
        modules = modules_in_order(restored, actual)
        assert [(m["modname"], m["name"]) for m in modules] == [(a.modname, a.name) for a in expected.activities]
        for activity, module in zip(expected.activities, modules, strict=True):
            assert module["idnumber"] == activity.idnumber
            assert module["intro"] == decoded(activity.intro_html, sample[0], restored)
            if activity.modname == "page":
                assert module["content"] == decoded(activity.content_html, sample[0], restored)
                assert str(module["contentformat"]) == "1"
            elif activity.modname == "url":
                assert module["externalurl"] == activity.url
    assert len(restored["modules"]) == sum(len(s.activities) for s in sample[0].sections)


def test_every_partner_row_arrived(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    pages = {m["name"]: m["content"] for m in restored["modules"].values() if m["modname"] == "page"}
    checked = 0
    for section in sample[0].sections:
        for activity in section.activities:
            if activity.key.endswith("/partners"):
                content = pages[activity.name]
                expected_rows = activity.content_html.count('<th scope="row">')
                assert content.count('<th scope="row">') == expected_rows
                checked += expected_rows
    assert checked > 0


def test_every_book_chapter_arrived(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    books = [m for m in restored["modules"].values() if m["modname"] == "book"]
    expected = [a for s in sample[0].sections for a in s.activities if a.modname == "book"]
    assert len(books) == len(expected) == 1
    assert [c["title"] for c in books[0]["chapters"]] == [c.title for c in expected[0].chapters]
    assert [html.unescape(c["content"]) for c in books[0]["chapters"]] == [
        html.unescape(c.content_html) for c in expected[0].chapters]


def test_republishing_replaces_the_course_contents(restored: dict[str, Any]) -> None:
    first = restored["first"]
    assert [s["name"] for s in restored["sections"]] == [s["name"] for s in first["sections"]]
    assert len(restored["modules"]) == len(first["modules"])
    assert restored["course"]["fullname"] == first["course"]["fullname"]
    # Delete-and-restore makes every activity anew: same content, new course module ids (so the links differ).
    ids = re.compile(r"\?id=\d+")
    assert [ids.sub("", s["summary"]) for s in restored["sections"]] == [
        ids.sub("", s["summary"]) for s in first["sections"]]
    assert not set(restored["modules"]) & set(first["modules"])


def test_course_shows_progress(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    assert str(restored["course"]["enablecompletion"]) == "1"
    expected = {a.idnumber: str(a.completion) for s in sample[0].sections for a in s.activities}
    assert {m["idnumber"]: str(m["completion"]) for m in restored["modules"].values()} == expected
    viewed = {str(m["completionview"]) for m in restored["modules"].values() if str(m["completion"]) == "2"}
    assert viewed == ({"1"} if "2" in expected.values() else set())


def test_course_completion_criteria_arrived(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    by_idnumber = {m["idnumber"]: str(m["id"]) for m in restored["modules"].values()}
    expected = [by_idnumber[a.idnumber] for a in sample[0].completion_criteria()]
    # The sample chooses tier_introductions: the staff course has criteria, the public one no tier pages for them.
    assert bool(expected) == any(s.key.startswith("tier") for s in sample[0].sections), expected
    assert sorted(str(c["moduleinstance"]) for c in restored["criteria"]) == sorted(expected)
    assert {str(c["criteriatype"]) for c in restored["criteria"]} == ({"4"} if expected else set())


def test_one_section_per_page_and_course_language(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    assert restored["course"]["formatoptions"]["coursedisplay"] == "1"
    # restore_course_structure_step::process_course() keeps a forced language only when its pack is installed.
    assert sample[0].lang == "fi"
    assert restored["course"]["lang"] == ("fi" if "fi" in restored["languages"] else "")


def test_each_method_once(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    names = [m["name"] for m in restored["modules"].values()]
    assert len(names) == len(set(names))


def test_plan_actions_are_course_calendar_events(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    planned = sample[0].events
    assert planned, "the sample's plans have dated actions"
    for state in (restored["first"], restored):  # restored, then published again over the same course
        events = [(e["name"], int(e["timestart"]), int(e["timeduration"]), e["eventtype"], str(e["groupid"]),
                   str(e["visible"]), html.unescape(e["description"])) for e in state["events"]]
        assert sorted(events) == sorted((e.name, e.timestart, e.timeduration, "course", "0", "1",
                                         html.unescape(e.description_html)) for e in planned)
        assert {(str(e["modulename"]), str(e["instance"]), str(e["format"])) for e in state["events"]} == {
            ("0", "0", "1")}


def test_year_wheels_are_files_of_the_plans_page(sample: tuple[Course, bytes], restored: dict[str, Any]) -> None:
    course = sample[0]
    pages = [a for s in course.sections for a in s.activities if a.key == "intro/plans"]
    wheels = {f.filename: hashlib.sha1(f.data).hexdigest() for page in pages for f in page.files if f.data}
    # The plans are the staff's: the public course has no plans page, so no wheel either.
    assert bool(wheels) == (not course.shortname.endswith("-julkinen"))
    for state in (restored["first"], restored):  # restored, then published again over the same course
        found = {f["filename"]: (f["contenthash"], f["component"], f["filearea"], str(f["itemid"]), f["filepath"],
                                 f["mimetype"], int(f["filesize"]))
                 for m in state["modules"].values() for f in m["files"] if f["filename"].startswith("vuosikello-")}
        assert found == {name: (contenthash, "mod_page", "content", "0", "/", "image/svg+xml",
                                len(next(f.data for p in pages for f in p.files if f.filename == name) or b""))
                         for name, contenthash in wheels.items()}
        if pages:
            module = next(m for m in state["modules"].values() if m["idnumber"] == pages[0].idnumber)
            assert {f["filename"] for f in module["files"]} == {".", *wheels}
            for name in wheels:
                assert f'src="@@PLUGINFILE@@/{name}"' in module["content"]


def test_wheel_image_survives_moodles_html_cleaning_where_inline_svg_does_not(tmp_path: Path) -> None:
    project = Project(ROOT)
    view, profile = make_view(read_toolbox(project), "internal")
    env = make_environment(project.templates_dir)
    page = next(a for s in plan_course(view, profile, env).sections for a in s.activities if a.key == "intro/plans")
    inline = render_wheel({(3, "arki"): 2}, {"arki": "Arki"}, "Vuosikello 2026", "#kk-{month}", 3)
    tmp_path.chmod(0o755)
    texts = {"page": page.content_html, "inline": f"<p>Vuosikello</p>{inline}"}
    for name, text in texts.items():
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
        (tmp_path / f"{name}.html").chmod(0o644)
    (tmp_path / "clean.php").write_text(CLEAN_PHP, encoding="utf-8")
    cleaned = json.loads(php(str(tmp_path / "clean.php"), *(str(tmp_path / f"{name}.html") for name in texts)))
    assert "<svg" not in cleaned[1] and "<p>Vuosikello</p>" in cleaned[1]
    images = re.findall(r'<img src="@@PLUGINFILE@@/vuosikello-\d+\.svg" alt="[^"]+"', page.content_html)
    assert images and all(image in cleaned[0] for image in images), cleaned[0][:3000]
    assert "Vuosikello 2026 taulukkona" in cleaned[0]
