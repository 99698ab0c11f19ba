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
 * CLI: update a course in place from a partnerkit course backup.
 *
 * Exit status: 0 updated or already current, 1 the package was refused (the course is unchanged), 2 bad options.
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../../../config.php');
require_once($CFG->libdir . '/clilib.php');

[$options, $unrecognised] = cli_get_params(
    ['courseid' => 0, 'file' => '', 'dry-run' => false, 'help' => false],
    ['h' => 'help']
);
if ($unrecognised) {
    cli_error(get_string('cliunknowoption', 'admin', implode("\n  ", $unrecognised)), 2);
}
if ($options['help'] || !$options['courseid'] || $options['file'] === '') {
    echo get_string('cli_help', 'tool_partnerkit');
    exit($options['help'] ? 0 : 2);
}

$admin = get_admin();
\core\session\manager::set_user($admin);

try {
    $updater = new \tool_partnerkit\local\updater((int)$options['courseid'], (int)$admin->id);
    $changes = $updater->run($options['file'], !$options['dry-run']);
} catch (moodle_exception $e) {
    cli_writeln($e->getMessage(), STDERR);
    exit(1);
}

if (!$changes) {
    cli_writeln(get_string('nochanges', 'tool_partnerkit'));
    exit(0);
}
cli_writeln(get_string($options['dry-run'] ? 'preview' : 'applied', 'tool_partnerkit', count($changes)));
foreach ($changes as $change) {
    cli_writeln('- ' . get_string($change['type'], 'tool_partnerkit') . ': ' . $change['what']);
}
exit(0);
