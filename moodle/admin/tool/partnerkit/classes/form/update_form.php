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
 * Form of the admin page: the course, the package and whether to change anything yet.
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace tool_partnerkit\form;

defined('MOODLE_INTERNAL') || die();

require_once($CFG->libdir . '/formslib.php');

/**
 * Upload a package for a course; the dry run is on until the admin turns it off.
 */
class update_form extends \moodleform {
    /**
     * Defines the fields.
     */
    protected function definition() {
        $form = $this->_form;
        $form->addElement('course', 'courseid', get_string('course', 'tool_partnerkit'), ['multiple' => false]);
        $form->addRule('courseid', null, 'required', null, 'client');
        $form->addElement('filepicker', 'package', get_string('package', 'tool_partnerkit'), null,
            ['accepted_types' => ['.mbz'], 'maxfiles' => 1]);
        $form->addRule('package', null, 'required', null, 'client');
        $form->addElement('advcheckbox', 'dryrun', get_string('dryrun', 'tool_partnerkit'));
        $form->addHelpButton('dryrun', 'dryrun', 'tool_partnerkit');
        $form->setDefault('dryrun', 1);
        $this->add_action_buttons(false, get_string('apply', 'tool_partnerkit'));
    }
}
