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
 * Admin menu entry of tool_partnerkit (Site administration > Courses).
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

if ($hassiteconfig) {
    $ADMIN->add('courses', new admin_externalpage('tool_partnerkit',
        get_string('pluginname', 'tool_partnerkit'),
        new moodle_url('/admin/tool/partnerkit/index.php'), 'moodle/site:config'));
}
