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
 * Admin page: update a course in place from a partnerkit course backup (Site administration > Courses).
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

require(__DIR__ . '/../../../config.php');
require_once($CFG->libdir . '/adminlib.php');

admin_externalpage_setup('tool_partnerkit');

$form = new \tool_partnerkit\form\update_form();
$output = '';
if ($data = $form->get_data()) {
    $folder = make_request_directory();
    $file = $folder . '/package.mbz';
    $form->save_file('package', $file, true);
    try {
        $updater = new \tool_partnerkit\local\updater((int)$data->courseid, (int)$USER->id);
        $changes = $updater->run($file, empty($data->dryrun));
        if (!$changes) {
            $output .= $OUTPUT->notification(get_string('nochanges', 'tool_partnerkit'), 'info');
        } else {
            $key = empty($data->dryrun) ? 'applied' : 'preview';
            $items = array_map(function (array $change): string {
                return html_writer::tag('li', s(get_string($change['type'], 'tool_partnerkit')
                    . ': ' . $change['what']));
            }, $changes);
            $output .= $OUTPUT->notification(get_string($key, 'tool_partnerkit', count($changes)),
                empty($data->dryrun) ? 'success' : 'info');
            $output .= html_writer::tag('ul', implode('', $items));
        }
    } catch (moodle_exception $e) {
        $output .= $OUTPUT->notification($e->getMessage(), 'error');
    }
}

echo $OUTPUT->header();
echo $OUTPUT->heading(get_string('pluginname', 'tool_partnerkit'));
echo html_writer::tag('p', get_string('intro', 'tool_partnerkit'));
echo $output;
$form->display();
echo $OUTPUT->footer();
