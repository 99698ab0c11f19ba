<?php
// This file is part of tool_partnerkit, a Moodle admin tool shipped with partnerkit.
//
// tool_partnerkit is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// tool_partnerkit is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * English strings of tool_partnerkit.
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['applied'] = 'The course was updated: {$a} changes.';
$string['apply'] = 'Update the course';
$string['aspect_chapters'] = 'chapters';
$string['aspect_files'] = 'files';
$string['change_added'] = 'New activity';
$string['change_changed'] = 'Changed activity';
$string['change_course'] = 'Course settings';
$string['change_criteria'] = 'Course completion criteria, count now';
$string['change_eventadded'] = 'New calendar event';
$string['change_eventchanged'] = 'Changed calendar event';
$string['change_eventremoved'] = 'Removed calendar event';
$string['change_order'] = 'Order of activities in section';
$string['change_removed'] = 'Removed activity';
$string['change_sectionadded'] = 'New section';
$string['change_sectionchanged'] = 'Changed section';
$string['change_sectionremoved'] = 'Removed empty section';
$string['check_archive'] = '{$a} is not a readable course backup archive';
$string['check_badfolder'] = 'moodle_backup.xml names an unusable folder: {$a}';
$string['check_badxml'] = '{$a} is not well-formed XML';
$string['check_damagedcontent'] = 'the content of file {$a} does not match its checksum';
$string['check_missingcontent'] = 'the content of file {$a} is missing';
$string['check_missingfile'] = '{$a} is missing';
$string['check_noactivities'] = 'the package has no activities';
$string['check_notcourse'] = 'the package is not a course backup';
$string['check_notpartnerkit'] = '{$a} has no partnerkit identity (idnumber partnerkit:...): build the package with partnerkit';
$string['check_restorecount'] = 'Moodle restored {$a->found} of the package\'s {$a->expected} activities';
$string['cli_help'] = 'Updates an existing course in place from a partnerkit course backup (.mbz).

Unchanged activities keep their course modules and completion marks; changed ones get the new content; new ones
are added and removed ones are deleted. Enrolments, roles, groups and activities added by hand are not touched.
The package is first restored into a hidden staging course: if it is damaged, the course is not changed.

Options:
--courseid=N     The course to update (required)
--file=PATH      The course backup built by partnerkit (required)
--dry-run        Only print what would change
-h, --help       Print this help

Example:
sudo -u www-data php admin/tool/partnerkit/cli/update_course.php --courseid=12 --file=/tmp/toolbox.mbz --dry-run
';
$string['course'] = 'Course to update';
$string['dryrun'] = 'Show what would change';
$string['dryrun_help'] = 'Only list the changes; the course stays as it is.';
$string['error_locked'] = 'Another update of this course is running: try again when it has finished.';
$string['error_nofile'] = 'The file {$a} cannot be read.';
$string['error_notpartnerkitcourse'] = 'The course has no activities from a partnerkit package, so nothing in it can be matched: restore the package as a new course first. The course was not changed.';
$string['error_package'] = 'The package was refused and the course was not changed: {$a}';
$string['error_sitecourse'] = 'The site front page cannot be updated with this tool.';
$string['intro'] = 'Update a course built with partnerkit from a new course backup. Unchanged activities keep their identity and completion marks; enrolments, roles, groups and activities added by hand are not touched. The package is checked in a hidden staging course first: a damaged package changes nothing.';
$string['nochanges'] = 'The course is already up to date: nothing to change.';
$string['package'] = 'Course backup (.mbz) built by partnerkit';
$string['pluginname'] = 'Partnerkit course update';
$string['preview'] = 'These changes would be made ({$a}):';
$string['privacy:metadata'] = 'The partnerkit course update tool stores no personal data.';
$string['sectionnumber'] = 'Section {$a}';
$string['stagingcourse'] = 'Partnerkit staging course (removed automatically)';
