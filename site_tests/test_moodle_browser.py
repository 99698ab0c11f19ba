"""The restored course and the plugin's admin page in a real Moodle, through Chromium as an admin uses them.

Runs only when MOODLE_DIR points at an installed Moodle, like test_moodle_update.py. Moodle is served by PHP's
built-in web server at the wwwroot of its config.php (so that address must be free on this machine); a site
administrator made for the test logs in through the login form. The sample is restored as a new course; the
course page and a section page are measured; then the changed sample is uploaded on the admin page, first as
a dry run and then for real. Everything the test made is deleted at the end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_tests.conftest import ARTIFACTS
from site_tests.test_moodle_update import (ADDED_METHOD, MOODLE_DIR, REMOVED_METHOD, ROOT, build_package,
                                           changed_sample, install_plugin, run_php)

pytestmark = pytest.mark.skipif(
    not MOODLE_DIR or not (Path(MOODLE_DIR) / "config.php").is_file(),
    reason="set MOODLE_DIR to an installed Moodle (a folder with config.php) to run the real browser test",
)

USERNAME = "pkselaintesti"
PASSWORD = "Selain-Testi-1"
# The course page must stay far from the one-megabyte page of the old layout (issue 17); measured in 4.5.5+:
# about 225 KB, of which Moodle's own page for an empty course (206 KB) is most.
PAGE_BUDGET = 400_000

# Makes (or removes) the test's site administrator, and an empty course to compare page sizes with.
SETUP_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/course/lib.php');
\core\session\manager::set_user(get_admin());
[$action, $username] = [$argv[1], $argv[2]];
if ($old = $DB->get_record('user', ['username' => $username, 'deleted' => 0])) {
    set_config('siteadmins', implode(',', array_diff(explode(',', $CFG->siteadmins), [$old->id])));
    user_delete_user($old);
}
if ($DB->record_exists('course', ['shortname' => 'pk-tyhja-kurssi'])) {
    delete_course($DB->get_field('course', 'id', ['shortname' => 'pk-tyhja-kurssi']), false);
}
if ($action === 'create') {
    $id = user_create_user((object)['username' => $username, 'password' => $argv[3], 'firstname' => 'Selain',
        'lastname' => 'Testi', 'email' => $username . '@example.invalid', 'auth' => 'manual', 'confirmed' => 1,
        'mnethostid' => $CFG->mnet_localhost_id, 'lang' => 'en']);
    set_config('siteadmins', $CFG->siteadmins . ',' . $id);
    $courseid = (int)$argv[4];
    $DB->set_field('course', 'shortname', 'pkselain' . $courseid, ['id' => $courseid]);
    $DB->set_field('course', 'fullname', 'Selaintesti ' . $courseid, ['id' => $courseid]);
    rebuild_course_cache($courseid);
    $empty = create_course((object)['fullname' => 'Tyhjä kurssi', 'shortname' => 'pk-tyhja-kurssi', 'category' => 1,
        'format' => 'topics', 'numsections' => 8]);
    echo json_encode(['wwwroot' => $CFG->wwwroot, 'empty' => $empty->id]);
} else {
    delete_course((int)$argv[3], false);
}
"""

# The partnerkit activities of the course, by idnumber.
ACTIVITIES_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
echo json_encode(array_values($DB->get_fieldset_select('course_modules', 'idnumber', 'course = ? AND idnumber <> ?',
    [(int)$argv[1], ''])));
"""


# The course module id of the activity with an idnumber.
CMID_PHP = r"""<?php
define('CLI_SCRIPT', true);
require(getenv('MOODLE_DIR') . '/config.php');
echo json_encode($DB->get_field('course_modules', 'id', ['course' => (int)$argv[1], 'idnumber' => $argv[2]], MUST_EXIST));
"""


def free(host: str, port: int) -> bool:
    """Whether nothing listens at host:port."""
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) != 0


@pytest.fixture(scope="module")
def moodle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A restored sample course, a site administrator and Moodle served over HTTP; removed afterwards."""
    install_plugin()
    folder = tmp_path_factory.mktemp("moodle_browser")
    folder.chmod(0o755)
    course, old_package = build_package(ROOT)
    files = {"old.mbz": old_package, "new.mbz": build_package(changed_sample(folder))[1],
             "setup.php": SETUP_PHP.encode(), "activities.php": ACTIVITIES_PHP.encode(), "cmid.php": CMID_PHP.encode()}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        (folder / name).chmod(0o644)
    output = run_php(str(Path(MOODLE_DIR) / "admin" / "cli" / "restore_backup.php"), f"--file={folder / 'old.mbz'}",
                     "--categoryid=1").stdout
    courseid = re.findall(r"(\d+)\D*$", output.strip())[-1]
    server = None
    try:
        made = json.loads(run_php(str(folder / "setup.php"), "create", USERNAME, PASSWORD, courseid).stdout)
        address = urllib.parse.urlsplit(made["wwwroot"])
        host, port = address.hostname or "localhost", address.port or 80
        if address.scheme != "http" or not free(host, port):
            pytest.fail(f"cannot serve {made['wwwroot']} here: it must be http and nothing may listen at {host}:{port}")
        # The built-in server serves a folder; wwwroot's path (/moodle45) is a link in it to the Moodle folder.
        docroot = folder / "www"
        target = docroot.joinpath(*[part for part in address.path.split("/") if part])
        target.parent.mkdir(parents=True, exist_ok=True)
        if target == docroot:
            docroot = Path(MOODLE_DIR)
        else:
            target.symlink_to(Path(MOODLE_DIR).resolve(), target_is_directory=True)
        log = (folder / "server.log").open("wb")
        server = subprocess.Popen(["php", "-S", f"{host}:{port}", "-t", str(docroot)], stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True,
                                  env={**os.environ, "PHP_CLI_SERVER_WORKERS": "2"})
        deadline = time.monotonic() + 30
        while free(host, port):
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"PHP's web server did not start: {(folder / 'server.log').read_text()}")
            time.sleep(0.2)

        def activities() -> list[str]:
            return sorted(json.loads(run_php(str(folder / "activities.php"), courseid).stdout))

        def cmid(idnumber: str) -> str:
            return str(json.loads(run_php(str(folder / "cmid.php"), courseid, idnumber).stdout))

        yield {"url": made["wwwroot"], "courseid": courseid, "empty": str(made["empty"]), "folder": folder,
               "course": course, "activities": activities, "cmid": cmid}
    finally:
        if server is not None:
            # The server's workers are its children: stop the whole process group it leads.
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        run_php(str(folder / "setup.php"), "delete", USERNAME, courseid)


@pytest.fixture(scope="module")
def admin(moodle: dict[str, Any], browser: Any) -> Iterator[Any]:
    """A browser page logged in as the test's site administrator."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(moodle["url"] + "/login/index.php")
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("#loginbtn")
    # Only the address matters here: after a cache purge Moodle compiles its theme on the first page (minutes
    # on a busy machine).
    page.wait_for_url(re.compile(r"/my/"), wait_until="commit")
    yield page
    context.close()


def page_bytes(page: Any, url: str) -> bytes:
    """The HTML Moodle sends for url (what a browser downloads before scripts, styles and images)."""
    response = page.goto(url)
    assert response.status == 200 and response.url == url, response.url
    return response.body()


def test_course_page_and_section_page_stay_small(moodle: dict[str, Any], admin: Any) -> None:
    course = page_bytes(admin, f"{moodle['url']}/course/view.php?id={moodle['courseid']}")
    sections = sorted(set(re.findall(rb"/course/section\.php\?id=(\d+)", course)), key=int)
    assert len(sections) == len(moodle["course"].sections), "the course page links to every section's own page"
    tier = page_bytes(admin, f"{moodle['url']}/course/section.php?id={sections[1].decode()}")
    empty = page_bytes(admin, f"{moodle['url']}/course/view.php?id={moodle['empty']}")
    print(f"\ncourse page {len(course) / 1000:.0f} KB, first tier's section page {len(tier) / 1000:.0f} KB, "
          f"an empty course of Moodle's {len(empty) / 1000:.0f} KB")
    assert len(course) < PAGE_BUDGET and len(tier) < PAGE_BUDGET


def test_year_wheel_image_shows_on_the_plans_page(moodle: dict[str, Any], admin: Any) -> None:
    plans = next(a for s in moodle["course"].sections for a in s.activities if a.key == "intro/plans")
    wheels = sorted(f.filename for f in plans.files if f.data)
    assert wheels, "the sample's plans have a year wheel"
    url = f"{moodle['url']}/mod/page/view.php?id={moodle['cmid'](plans.idnumber)}"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        for width in (1280, 390):
            admin.set_viewport_size({"width": width, "height": 900})
            admin.goto(url)
            images = admin.locator("#region-main img[src*='/mod_page/content/']")
            assert images.count() == len(wheels)
            for number, name in enumerate(wheels):
                image = images.nth(number)
                image.scroll_into_view_if_needed()
                found = image.evaluate("""img => img.decode().then(() => ({natural: img.naturalWidth, src: img.src,
                    alt: img.alt, right: img.getBoundingClientRect().right, window: window.innerWidth}))""")
                assert found["natural"] > 0, f"{name} did not load: {found}"
                assert found["src"].endswith("/" + name) and len(found["alt"]) > 100
                assert found["right"] <= found["window"], "the wheel reaches outside the window"
            # Moodle sends an SVG as a download (send_file() forces it for image/svg+xml); an <img> shows it anyway.
            response = admin.request.get(images.first.evaluate("img => img.src"))
            assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
            print(f"\n{width} px: {wheels[0]} served as {response.headers['content-type']}, "
                  f"Content-Disposition: {response.headers.get('content-disposition')}")
            images.first.scroll_into_view_if_needed()
            admin.locator("#region-main figure").first.screenshot(path=str(ARTIFACTS / f"moodle-wheel-{width}.png"))
            admin.screenshot(path=str(ARTIFACTS / f"moodle-plans-page-{width}.png"))
            table = admin.locator("#region-main table").first
            table.scroll_into_view_if_needed()
            table.screenshot(path=str(ARTIFACTS / f"moodle-wheel-table-{width}.png"))
    finally:
        admin.set_viewport_size({"width": 1280, "height": 900})


def settle(page: Any, pending: set[Any]) -> None:
    """Wait until the file picker has no request in flight for half a second (it re-renders on each answer)."""
    quiet_since = time.monotonic()
    deadline = quiet_since + 120
    while time.monotonic() - quiet_since < 0.5:
        if pending:
            quiet_since = time.monotonic()
        assert time.monotonic() < deadline, "the file picker did not settle"
        page.wait_for_timeout(100)


def upload(page: Any, moodle: dict[str, Any], package: Path, dry_run: bool) -> str:
    """Fill in the admin page's form as an admin does and return the text of the page that answers."""
    pending: set[Any] = set()

    def track(request: Any) -> None:
        if "/repository/" in request.url:
            pending.add(request)

    def done(request: Any) -> None:
        pending.discard(request)

    page.on("request", track)
    page.on("requestfinished", done)
    page.on("requestfailed", done)
    try:
        page.goto(moodle["url"] + "/admin/tool/partnerkit/index.php")
        page.fill("input[id^=form_autocomplete_input]", f"pkselain{moodle['courseid']}")
        page.click(f"ul[id^=form_autocomplete_suggestions] li:has-text('Selaintesti {moodle['courseid']}')")
        # The picker opens on the repository used last (an AJAX listing); choosing one lists it again.
        dialog = ".moodle-dialogue-base:not([aria-hidden=true])"
        page.click("input[name=packagechoose]")
        page.wait_for_selector(f"{dialog} .fp-repo-name:text-is('Upload a file')")
        settle(page, pending)
        page.click(f"{dialog} .fp-repo-name:text-is('Upload a file')")
        page.wait_for_selector(f"{dialog} input[name=repo_upload_file]")
        settle(page, pending)
        page.set_input_files(f"{dialog} input[name=repo_upload_file]", str(package))
        page.click(f"{dialog} .fp-upload-btn")
        page.wait_for_selector(f".filepicker-filename a:text-is('{package.name}')")
    finally:
        page.remove_listener("request", track)
        page.remove_listener("requestfinished", done)
        page.remove_listener("requestfailed", done)
    if not dry_run:
        page.uncheck("#id_dryrun")
    # The update restores the package into a staging course first: that takes a while on a busy machine.
    with page.expect_navigation(timeout=600_000):
        page.click("#id_submitbutton")
    return page.inner_text("#region-main")


def test_admin_page_dry_run_shows_changes_then_apply_updates(moodle: dict[str, Any], admin: Any) -> None:
    before = moodle["activities"]()
    assert f"partnerkit:method/{REMOVED_METHOD}" in before
    shown = upload(admin, moodle, moodle["folder"] / "new.mbz", dry_run=True)
    assert f"method/{ADDED_METHOD}" in shown and f"method/{REMOVED_METHOD}" in shown, shown
    assert moodle["activities"]() == before, "a dry run changes nothing"
    applied = upload(admin, moodle, moodle["folder"] / "new.mbz", dry_run=False)
    assert f"method/{ADDED_METHOD}" in applied, applied
    after = moodle["activities"]()
    assert f"partnerkit:method/{ADDED_METHOD}" in after and f"partnerkit:method/{REMOVED_METHOD}" not in after
    assert len(after) == len(before)
    again = upload(admin, moodle, moodle["folder"] / "new.mbz", dry_run=False)
    assert moodle["activities"]() == after
    assert f"method/{ADDED_METHOD}" not in again, "the second upload finds nothing to change"


def test_plan_events_show_in_the_course_calendar(moodle: dict[str, Any], admin: Any) -> None:
    event = moodle["course"].events[0]
    url = (f"{moodle['url']}/calendar/view.php?view=day&course={moodle['courseid']}"
           f"&time={event.timestart + 12 * 3600}")
    admin.goto(url)
    admin.wait_for_selector("[data-region='day-events-list'], .calendarwrapper")
    text = admin.inner_text("#region-main")
    assert event.name in text, text[:2000]
