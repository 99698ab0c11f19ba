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
 * Updates a live course in place from a partnerkit course backup.
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace tool_partnerkit\local;

use backup;
use context_course;
use context_module;
use moodle_exception;
use restore_controller;
use restore_dbops;
use stdClass;

defined('MOODLE_INTERNAL') || die();

require_once($CFG->dirroot . '/backup/util/includes/restore_includes.php');
require_once($CFG->dirroot . '/course/lib.php');

/**
 * The package is first restored by Moodle itself into a hidden staging course (so a damaged package fails there,
 * never in the live course); the staging course is then compared with the live course activity by activity, by
 * the course module idnumbers partnerkit writes ("partnerkit:<content key>"). Unchanged activities are not
 * touched; changed ones get the new texts, settings and files in their existing course module; new ones are
 * moved over from the staging course; removed ones are deleted. Enrolments, roles, groups, completion marks of
 * kept activities and activities staff added themselves (without a partnerkit idnumber) are never touched.
 */
class updater {
    /** Instance columns that say nothing about content. */
    const IGNORED_INSTANCE_FIELDS = ['id', 'course', 'timecreated', 'timemodified', 'revision', 'legacyfiles',
        'legacyfileslast'];

    /** Course module settings a package decides. */
    const CM_FIELDS = ['completion', 'completionview', 'completionexpected', 'visible', 'visibleoncoursepage',
        'showdescription', 'indent'];

    /** Section fields a package decides. */
    const SECTION_FIELDS = ['name', 'summary', 'summaryformat', 'visible'];

    /** Course calendar event fields a package decides (its plans' dated actions). */
    const EVENT_FIELDS = ['name', 'description', 'format', 'timestart', 'timeduration', 'visible'];

    /** Book chapter fields a package decides. */
    const CHAPTER_FIELDS = ['pagenum', 'subchapter', 'title', 'content', 'contentformat', 'hidden', 'importsrc'];

    /** Completion criteria columns a package decides (moduleinstance is a course module id, mapped). */
    const CRITERIA_FIELDS = ['criteriatype', 'module', 'moduleinstance', 'courseinstance', 'enrolperiod', 'timeend',
        'gradepass', 'role'];

    /** @var stdClass the live course */
    private $course;
    /** @var int user the staging restore runs as */
    private $userid;

    /**
     * Creates an updater for a live course.
     *
     * @param int $courseid the course to update
     * @param int $userid the user the staging restore runs as (an administrator)
     */
    public function __construct(int $courseid, int $userid) {
        if ($courseid == SITEID) {
            throw new moodle_exception('error_sitecourse', 'tool_partnerkit');
        }
        $this->course = get_course($courseid);
        $this->userid = $userid;
    }

    /**
     * Checks the package, compares it with the course and, when $apply, makes the course match it.
     *
     * @param string $file path of the .mbz package
     * @param bool $apply false: only report what would change
     * @return array list of changes, each ['type' => string key, 'what' => text]; empty when the course is current
     * @throws moodle_exception when the package is damaged (nothing in the live course has changed then)
     */
    public function run(string $file, bool $apply): array {
        // One update of a course at a time: a second one would compare against a course half changed.
        $lock = \core\lock\lock_config::get_lock_factory('tool_partnerkit')->get_lock('course' . $this->course->id, 0);
        if (!$lock) {
            throw new moodle_exception('error_locked', 'tool_partnerkit');
        }
        try {
            $stagingid = $this->stage($file);
            try {
                $plan = $this->plan($stagingid);
                if ($apply && $plan['changes']) {
                    $this->apply($stagingid, $plan);
                }
                return $plan['changes'];
            } finally {
                \context_helper::reset_caches();
                delete_course($stagingid, false);
                fix_course_sortorder();
            }
        } finally {
            $lock->release();
        }
    }

    /**
     * Unpacks and checks the package, then restores it into a new hidden course; returns that course's id.
     *
     * @param string $file path of the .mbz package
     * @return int staging course id
     */
    private function stage(string $file): int {
        global $DB;
        if (!is_file($file) || !is_readable($file)) {
            throw new moodle_exception('error_nofile', 'tool_partnerkit', '', $file);
        }
        $folder = restore_controller::get_tempdir_name($this->course->id, $this->userid);
        $path = make_backup_temp_directory($folder);
        try {
            $extracted = get_file_packer('application/vnd.moodle.backup')->extract_to_pathname($file, $path);
        } catch (\Throwable $e) {
            $extracted = false;
        }
        $unpacked = is_array($extracted) && !in_array(false, $extracted, true)
            && !array_filter($extracted, 'is_string');
        $problems = $unpacked ? package_check::problems($path) : [['check_archive', basename($file)]];
        if ($problems) {
            fulldelete($path);
            throw new moodle_exception('error_package', 'tool_partnerkit', '', self::describe($problems));
        }
        $expected = count(simplexml_load_file("$path/moodle_backup.xml", 'SimpleXMLElement', LIBXML_NONET)
            ->information->contents->activities->activity);
        [$fullname, $shortname] = restore_dbops::calculate_course_names(0,
            get_string('stagingcourse', 'tool_partnerkit'), 'tool_partnerkit_staging');
        $stagingid = restore_dbops::create_new_course($fullname, $shortname, $this->course->category);
        try {
            $rc = new restore_controller($folder, $stagingid, backup::INTERACTIVE_NO, backup::MODE_GENERAL,
                $this->userid, backup::TARGET_NEW_COURSE);
            if (!$rc->execute_precheck()) {
                $results = $rc->get_precheck_results();
                if (!empty($results['errors'])) {
                    $rc->destroy();
                    throw new moodle_exception('error_package', 'tool_partnerkit', '',
                        implode('; ', $results['errors']));
                }
            }
            $rc->execute_plan();
            $rc->destroy();
            // Moodle is the judge: every activity of the package must have arrived, each with its identity.
            $cms = $DB->get_records('course_modules', ['course' => $stagingid], '', 'id, idnumber');
            $identified = array_filter($cms, function ($cm) {
                return strpos((string)$cm->idnumber, package_check::IDNUMBER_PREFIX) === 0;
            });
            $idnumbers = array_unique(array_column($identified, 'idnumber'));
            if (count($cms) !== $expected || count($identified) !== $expected || count($idnumbers) !== $expected) {
                throw new moodle_exception('error_package', 'tool_partnerkit', '',
                    get_string('check_restorecount', 'tool_partnerkit',
                        (object)['expected' => $expected, 'found' => count($idnumbers)]));
            }
        } catch (\Throwable $e) {
            delete_course($stagingid, false);
            fix_course_sortorder();
            fulldelete($path);
            if ($e instanceof moodle_exception && $e->module === 'tool_partnerkit') {
                throw $e;
            }
            throw new moodle_exception('error_package', 'tool_partnerkit', '', $e->getMessage());
        }
        return $stagingid;
    }

    /**
     * Returns the problems as one line of text in the current language.
     *
     * @param array $problems list of [string key, parameter]
     * @return string
     */
    public static function describe(array $problems): string {
        return implode('; ', array_map(function (array $problem): string {
            return get_string($problem[0], 'tool_partnerkit', $problem[1]);
        }, $problems));
    }

    /**
     * Reads a course's sections (by number) and course modules (by id) from the database.
     *
     * @param int $courseid course to read
     * @return array ['sections' => [number => record], 'cms' => [id => record]]
     */
    private function read_course(int $courseid): array {
        global $DB;
        $sections = [];
        foreach ($DB->get_records('course_sections', ['course' => $courseid], 'section') as $section) {
            $sections[(int)$section->section] = $section;
        }
        $sql = 'SELECT cm.*, m.name AS modname
                  FROM {course_modules} cm
                  JOIN {modules} m ON m.id = cm.module
                 WHERE cm.course = ? AND cm.deletioninprogress = 0
              ORDER BY cm.id';
        return ['sections' => $sections, 'cms' => $DB->get_records_sql($sql, [$courseid])];
    }

    /**
     * Compares the staging course with the live course and returns what would change and how.
     *
     * @param int $stagingid staging course id
     * @return array the plan; 'changes' lists the changes for people
     */
    private function plan(int $stagingid): array {
        global $CFG, $DB;
        $staging = $this->read_course($stagingid);
        $live = $this->read_course($this->course->id);
        $changes = [];

        // Live activities by identity; a second copy of an identity (an old merge restore) is removed.
        $byidnumber = [];
        $removed = [];
        foreach ($live['cms'] as $cm) {
            if (strpos((string)$cm->idnumber, package_check::IDNUMBER_PREFIX) !== 0) {
                continue;
            }
            if (isset($byidnumber[$cm->idnumber])) {
                $removed[$cm->id] = $cm;
            } else {
                $byidnumber[$cm->idnumber] = $cm;
            }
        }
        $cmmap = [];
        $added = [];
        foreach ($staging['cms'] as $cm) {
            if (isset($byidnumber[$cm->idnumber]) && $byidnumber[$cm->idnumber]->modname === $cm->modname) {
                $cmmap[$cm->id] = (int)$byidnumber[$cm->idnumber]->id;
                unset($byidnumber[$cm->idnumber]);
            } else {
                // A new activity keeps its course module: it moves from the staging course.
                $cmmap[$cm->id] = (int)$cm->id;
                $added[$cm->id] = $cm;
            }
        }
        $removed += $byidnumber;
        if (count($removed) + count($cmmap) - count($added) === 0) {
            // Not a course built from a partnerkit package (or the wrong course): everything would be added twice.
            throw new moodle_exception('error_notpartnerkitcourse', 'tool_partnerkit');
        }

        // Sections by position; a section still to be created gets a placeholder id no link can match.
        $sectionmap = [];
        foreach ($staging['sections'] as $number => $section) {
            $sectionmap[$section->id] = isset($live['sections'][$number]) ? (int)$live['sections'][$number]->id : 0;
        }
        $mapper = new link_mapper($CFG->wwwroot, $cmmap, $sectionmap, $stagingid, (int)$this->course->id);

        $sectionupdates = [];
        foreach ($staging['sections'] as $number => $section) {
            $wanted = [];
            foreach (self::SECTION_FIELDS as $field) {
                $wanted[$field] = $field === 'summary' ? $mapper->map($section->summary) : $section->$field;
            }
            $current = $live['sections'][$number] ?? null;
            if ($current === null) {
                $changes[] = ['type' => 'change_sectionadded', 'what' => $this->section_label($section)];
                $sectionupdates[$number] = $wanted;
                continue;
            }
            $differs = array_filter(array_keys($wanted), function ($field) use ($wanted, $current) {
                return (string)$wanted[$field] !== (string)$current->$field;
            });
            if ($differs) {
                $changes[] = ['type' => 'change_sectionchanged', 'what' => $this->section_label($section)
                    . ' (' . implode(', ', $differs) . ')'];
                $sectionupdates[$number] = array_intersect_key($wanted, array_flip($differs));
            }
        }

        // Activities: texts and settings of kept ones, new ones, removed ones.
        $updates = [];
        foreach ($staging['cms'] as $cm) {
            if (isset($added[$cm->id])) {
                $changes[] = ['type' => 'change_added', 'what' => $this->cm_label($cm)];
                $updates[$cm->id] = ['instance' => $this->mapped_instance($cm, $mapper), 'cm' => [], 'chapters' => null,
                    'files' => false, 'new' => true];
                continue;
            }
            $target = $live['cms'][$cmmap[$cm->id]];
            $update = $this->compare_activity($cm, $target, $mapper);
            if ($update['aspects']) {
                $changes[] = ['type' => 'change_changed', 'what' => $this->cm_label($cm)
                    . ' (' . implode(', ', $update['aspects']) . ')'];
                $updates[$cm->id] = $update + ['new' => false];
            }
        }
        foreach ($removed as $cm) {
            $changes[] = ['type' => 'change_removed', 'what' => $this->cm_label($cm)];
        }

        // Where each activity sits: the package's order first, then what staff added to that section.
        $ours = [];
        foreach ($live['cms'] as $cm) {
            if (strpos((string)$cm->idnumber, package_check::IDNUMBER_PREFIX) === 0) {
                $ours[$cm->id] = true;
            }
        }
        $sequences = [];
        $maxnumber = max(array_keys($staging['sections']));
        foreach ($live['sections'] + $staging['sections'] as $number => $unused) {
            $current = isset($live['sections'][$number])
                ? array_values(array_filter(explode(',', (string)$live['sections'][$number]->sequence))) : [];
            $foreign = array_values(array_filter($current, function ($id) use ($ours, $live) {
                return isset($live['cms'][$id]) && !isset($ours[$id]);
            }));
            $packaged = [];
            if (isset($staging['sections'][$number])) {
                foreach (array_filter(explode(',', (string)$staging['sections'][$number]->sequence)) as $id) {
                    if (isset($staging['cms'][$id])) {
                        $packaged[] = $cmmap[$id];
                    }
                }
            }
            $wanted = array_merge($packaged, $foreign);
            $kept = array_values(array_filter($current, function ($id) use ($removed, $live) {
                return isset($live['cms'][$id]) && !isset($removed[$id]);
            }));
            if ($number > $maxnumber && !$wanted) {
                $changes[] = ['type' => 'change_sectionremoved', 'what' => $this->section_label(
                    $live['sections'][$number])];
                $sequences[$number] = null;
            } else if (array_map('intval', $kept) !== array_map('intval', $wanted)) {
                if (isset($live['sections'][$number])) {
                    $changes[] = ['type' => 'change_order', 'what' => $this->section_label($live['sections'][$number])];
                }
                $sequences[$number] = $wanted;
            }
        }

        $events = $this->compare_events($stagingid);
        foreach ($events['added'] as $event) {
            $changes[] = ['type' => 'change_eventadded', 'what' => $event->name];
        }
        foreach ($events['changed'] as $change) {
            $changes[] = ['type' => 'change_eventchanged', 'what' => $change['to']->name
                . ' (' . implode(', ', array_keys($change['fields'])) . ')'];
        }
        foreach ($events['removed'] as $event) {
            $changes[] = ['type' => 'change_eventremoved', 'what' => $event->name];
        }

        $courseupdate = $this->compare_course($stagingid, $mapper);
        if ($courseupdate['fields']) {
            $changes[] = ['type' => 'change_course', 'what' => implode(', ', array_keys($courseupdate['fields']))];
        }
        if ($courseupdate['criteria'] !== null) {
            $changes[] = ['type' => 'change_criteria', 'what' => (string)count($courseupdate['criteria'])];
        }
        return ['changes' => $changes, 'cmmap' => $cmmap, 'removed' => $removed, 'updates' => $updates,
            'sections' => $sectionupdates, 'sequences' => $sequences, 'course' => $courseupdate,
            'staging' => $staging, 'events' => $events];
    }

    /**
     * Compares the course events the package brought (uuid partnerkit:...) with the live course's.
     *
     * Events staff added themselves have no partnerkit uuid and are left alone.
     *
     * @param int $stagingid staging course id
     * @return array ['added' => staging events, 'changed' => [['to' => live event, 'fields' => [...]]],
     *     'removed' => live events]
     */
    private function compare_events(int $stagingid): array {
        $wanted = $this->partnerkit_events($stagingid);
        $live = $this->partnerkit_events((int)$this->course->id);
        $current = [];
        $removed = [];
        foreach ($live as $event) {
            if (isset($current[$event->uuid])) {
                $removed[$event->id] = $event; // A second copy (an old merge restore).
            } else {
                $current[$event->uuid] = $event;
            }
        }
        $added = [];
        $changed = [];
        foreach ($wanted as $event) {
            if (!isset($current[$event->uuid])) {
                $added[$event->id] = $event;
                continue;
            }
            $to = $current[$event->uuid];
            unset($current[$event->uuid]);
            $fields = [];
            foreach (self::EVENT_FIELDS as $field) {
                if ((string)$event->$field !== (string)$to->$field) {
                    $fields[$field] = $event->$field;
                }
            }
            if ($fields) {
                $changed[] = ['to' => $to, 'fields' => $fields];
            }
        }
        return ['added' => $added, 'changed' => $changed, 'removed' => $removed + $current];
    }

    /**
     * Returns a course's course events that a partnerkit package made, in a stable order.
     *
     * @param int $courseid course id
     * @return stdClass[] event records
     */
    private function partnerkit_events(int $courseid): array {
        global $DB;
        $select = 'courseid = ? AND eventtype = ? AND ' . $DB->sql_like('uuid', '?');
        return array_values($DB->get_records_select('event', $select,
            [$courseid, 'course', $DB->sql_like_escape(package_check::IDNUMBER_PREFIX) . '%'], 'uuid, id'));
    }

    /**
     * Returns a section's name for people (its number when it has none).
     *
     * @param stdClass $section course_sections record
     * @return string
     */
    private function section_label(stdClass $section): string {
        $name = trim((string)$section->name);
        return $name !== '' ? format_string($name) : get_string('sectionnumber', 'tool_partnerkit', $section->section);
    }

    /**
     * Returns an activity's name and identity for people.
     *
     * @param stdClass $cm course module record with modname
     * @return string
     */
    private function cm_label(stdClass $cm): string {
        global $DB;
        $name = $DB->get_field($cm->modname, 'name', ['id' => $cm->instance]);
        return format_string((string)$name) . ' [' . $cm->idnumber . ']';
    }

    /**
     * Returns the staging instance's content fields with links mapped to the live course.
     *
     * @param stdClass $cm staging course module
     * @param link_mapper $mapper the link mapping
     * @return array field => value
     */
    private function mapped_instance(stdClass $cm, link_mapper $mapper): array {
        global $DB;
        $record = (array)$DB->get_record($cm->modname, ['id' => $cm->instance], '*', MUST_EXIST);
        $fields = [];
        foreach ($record as $field => $value) {
            if (!in_array($field, self::IGNORED_INSTANCE_FIELDS, true)) {
                $fields[$field] = is_string($value) ? $mapper->map($value) : $value;
            }
        }
        return $fields;
    }

    /**
     * Compares a staging activity with its live counterpart: texts, settings, book chapters and files.
     *
     * @param stdClass $from staging course module
     * @param stdClass $to live course module
     * @param link_mapper $mapper the link mapping
     * @return array what differs, and the values to write
     */
    private function compare_activity(stdClass $from, stdClass $to, link_mapper $mapper): array {
        global $DB;
        $aspects = [];
        $wanted = $this->mapped_instance($from, $mapper);
        $current = (array)$DB->get_record($to->modname, ['id' => $to->instance], '*', MUST_EXIST);
        $instance = [];
        foreach ($wanted as $field => $value) {
            if (array_key_exists($field, $current) && (string)$current[$field] !== (string)$value) {
                $instance[$field] = $value;
            }
        }
        if ($instance) {
            $aspects[] = implode(', ', array_keys($instance));
        }
        $cm = [];
        foreach (self::CM_FIELDS as $field) {
            if ((string)$from->$field !== (string)$to->$field) {
                $cm[$field] = $from->$field;
            }
        }
        if ($cm) {
            $aspects[] = implode(', ', array_keys($cm));
        }
        $chapters = null;
        if ($from->modname === 'book') {
            $fromchapters = array_values($DB->get_records('book_chapters', ['bookid' => $from->instance], 'pagenum, id'));
            $tochapters = array_values($DB->get_records('book_chapters', ['bookid' => $to->instance], 'pagenum, id'));
            $same = count($fromchapters) === count($tochapters);
            foreach ($fromchapters as $i => $chapter) {
                foreach (self::CHAPTER_FIELDS as $field) {
                    $value = $field === 'content' ? $mapper->map($chapter->content) : $chapter->$field;
                    $same = $same && (string)$value === (string)$tochapters[$i]->$field;
                }
            }
            if (!$same) {
                $chapters = $fromchapters;
                $aspects[] = get_string('aspect_chapters', 'tool_partnerkit');
            }
        }
        $files = $chapters !== null || $this->file_list($from) !== $this->file_list($to);
        if ($files && $chapters === null) {
            $aspects[] = get_string('aspect_files', 'tool_partnerkit');
        }
        return ['aspects' => $aspects, 'instance' => $instance, 'cm' => $cm, 'chapters' => $chapters,
            'files' => $files];
    }

    /**
     * Lists an activity's files as component/area/position/path/name => content hash (book chapters by position).
     *
     * @param stdClass $cm course module record with modname
     * @return array
     */
    private function file_list(stdClass $cm): array {
        global $DB;
        $context = context_module::instance($cm->id);
        $positions = [];
        if ($cm->modname === 'book') {
            $ids = $DB->get_fieldset_select('book_chapters', 'id', 'bookid = ? ORDER BY pagenum, id', [$cm->instance]);
            $positions = array_flip($ids);
        }
        $list = [];
        foreach ($DB->get_records('files', ['contextid' => $context->id]) as $file) {
            if ($file->filename === '.') {
                continue;
            }
            $item = $file->component === 'mod_book' && $file->filearea === 'chapter'
                ? 'chapter' . ($positions[$file->itemid] ?? 'x' . $file->itemid) : $file->itemid;
            $list["$file->component/$file->filearea/$item$file->filepath$file->filename"] = $file->contenthash;
        }
        ksort($list);
        return $list;
    }

    /**
     * Compares the course settings and completion criteria of the staging course with the live course.
     *
     * @param int $stagingid staging course id
     * @param link_mapper $mapper the link mapping
     * @return array ['fields' => course fields to set, 'criteria' => criteria rows to write or null]
     */
    private function compare_course(int $stagingid, link_mapper $mapper): array {
        global $DB;
        $from = get_course($stagingid);
        $to = get_course($this->course->id);
        $fields = [];
        foreach (['lang', 'enablecompletion', 'summary', 'summaryformat'] as $field) {
            $value = $field === 'summary' ? $mapper->map($from->summary) : $from->$field;
            if ((string)$value !== (string)$to->$field) {
                $fields[$field] = $value;
            }
        }
        if ($from->format === $to->format) {
            $fromoptions = course_get_format($from)->get_format_options();
            $tooptions = course_get_format($to)->get_format_options();
            foreach ($fromoptions as $name => $value) {
                if (array_key_exists($name, $tooptions) && (string)$tooptions[$name] !== (string)$value) {
                    $fields[$name] = $value;
                }
            }
        }
        $criteria = [];
        foreach ($DB->get_records('course_completion_criteria', ['course' => $stagingid], 'id') as $row) {
            $item = [];
            foreach (self::CRITERIA_FIELDS as $field) {
                $item[$field] = $row->$field;
            }
            // 4 = COMPLETION_CRITERIA_TYPE_ACTIVITY: moduleinstance holds a course module id.
            if ($item['moduleinstance'] !== null && (int)$item['criteriatype'] === 4) {
                $item['moduleinstance'] = $mapper->map_cm((int)$item['moduleinstance']);
            }
            $criteria[] = $item;
        }
        $aggregation = $this->aggregation($stagingid);
        $current = [];
        foreach ($DB->get_records('course_completion_criteria', ['course' => $to->id], 'id') as $row) {
            $item = [];
            foreach (self::CRITERIA_FIELDS as $field) {
                $item[$field] = $row->$field;
            }
            $current[] = $item;
        }
        $key = function (array $rows): array {
            $keys = array_map(function ($row) {
                return json_encode(array_map('strval', $row));
            }, $rows);
            sort($keys);
            return $keys;
        };
        $same = $key($criteria) === $key($current) && $aggregation === $this->aggregation($to->id);
        return ['fields' => $fields, 'criteria' => $same ? null : $criteria, 'aggregation' => $aggregation];
    }

    /**
     * Returns a course's completion aggregation methods, sorted, without ids.
     *
     * @param int $courseid course id
     * @return array
     */
    private function aggregation(int $courseid): array {
        global $DB;
        $rows = [];
        foreach ($DB->get_records('course_completion_aggr_methd', ['course' => $courseid]) as $row) {
            $rows[] = ['criteriatype' => $row->criteriatype, 'method' => $row->method, 'value' => $row->value];
        }
        usort($rows, function ($a, $b) {
            return strcmp(json_encode($a), json_encode($b));
        });
        return $rows;
    }

    /**
     * Makes the live course match the staging course as planned.
     *
     * @param int $stagingid staging course id
     * @param array $plan what plan() found
     */
    private function apply(int $stagingid, array $plan): void {
        global $DB;
        $courseid = (int)$this->course->id;
        $transaction = $DB->start_delegated_transaction();

        // Sections first, so that links to new sections can be written with their ids.
        $numbers = array_keys($plan['staging']['sections']);
        course_create_sections_if_missing($courseid, $numbers);
        $plan = $this->plan($stagingid);
        $live = $this->read_course($courseid);
        foreach ($plan['sections'] as $number => $fields) {
            $section = $live['sections'][$number];
            $DB->update_record('course_sections', (object)(['id' => $section->id, 'timemodified' => time()] + $fields));
        }

        foreach ($plan['removed'] as $cm) {
            course_delete_module($cm->id);
        }

        $coursecontext = context_course::instance($courseid);
        foreach ($plan['updates'] as $stagingcmid => $update) {
            $from = $plan['staging']['cms'][$stagingcmid];
            if ($update['new']) {
                // The new activity's course module, instance and context move into the live course.
                $DB->set_field('course_modules', 'course', $courseid, ['id' => $from->id]);
                $DB->set_field($from->modname, 'course', $courseid, ['id' => $from->instance]);
                // Its texts were restored with links to the staging course: point them at the live one.
                $current = (array)$DB->get_record($from->modname, ['id' => $from->instance], '*', MUST_EXIST);
                $mapped = array_filter($update['instance'], function ($value, $field) use ($current) {
                    return array_key_exists($field, $current) && (string)$current[$field] !== (string)$value;
                }, ARRAY_FILTER_USE_BOTH);
                if ($mapped) {
                    $DB->update_record($from->modname, (object)(['id' => $from->instance] + $mapped));
                }
                if ($from->modname === 'book') {
                    $this->map_chapter_links($from->instance, $plan);
                }
                context_module::instance($from->id)->update_moved($coursecontext);
                continue;
            }
            $to = $live['cms'][$plan['cmmap'][$stagingcmid]];
            $columns = $DB->get_columns($to->modname);
            // The revision is part of the address of a page's files (pluginfile.php/<context>/mod_page/content/
            // <revision>/...), which browsers keep for hours ($CFG->filelifetime): changed files (a new year
            // wheel) get a new address.
            $revised = isset($columns['revision']) && ($update['instance'] || $update['files']);
            if ($update['instance'] || $revised) {
                $record = (object)(['id' => $to->instance, 'timemodified' => time()] + $update['instance']);
                if ($revised) {
                    $record->revision = (int)$DB->get_field($to->modname, 'revision', ['id' => $to->instance]) + 1;
                }
                $DB->update_record($to->modname, $record);
            }
            if ($update['cm']) {
                $DB->update_record('course_modules', (object)(['id' => $to->id] + $update['cm']));
            }
            $chaptermap = [];
            if ($update['chapters'] !== null) {
                $chaptermap = $this->replace_chapters($update['chapters'], $to, $plan);
            }
            if ($update['files']) {
                $this->replace_files($from, $to, $chaptermap);
            }
        }

        // Sequences: the package's order, then what staff added to the section; empty surplus sections go.
        foreach ($plan['sequences'] as $number => $sequence) {
            if ($sequence === null) {
                continue;
            }
            $section = $live['sections'][$number];
            $DB->set_field('course_sections', 'sequence', implode(',', $sequence), ['id' => $section->id]);
            foreach ($sequence as $cmid) {
                $DB->set_field('course_modules', 'section', $section->id, ['id' => $cmid]);
            }
        }
        foreach ($plan['updates'] as $stagingcmid => $update) {
            if ($update['new']) {
                $this->remove_from_staging_sequence($stagingcmid, $plan);
            }
        }

        $courseupdate = $plan['course'];
        if ($courseupdate['criteria'] !== null) {
            $DB->delete_records('course_completion_criteria', ['course' => $courseid]);
            foreach ($courseupdate['criteria'] as $row) {
                $DB->insert_record('course_completion_criteria', (object)(['course' => $courseid] + $row));
            }
            $DB->delete_records('course_completion_aggr_methd', ['course' => $courseid]);
            foreach ($courseupdate['aggregation'] as $row) {
                $DB->insert_record('course_completion_aggr_methd', (object)(['course' => $courseid] + $row));
            }
        }
        if ($courseupdate['fields']) {
            update_course((object)(['id' => $courseid] + $courseupdate['fields']));
        }

        // Calendar: new events move from the staging course, changed ones keep their id, removed ones go.
        foreach ($plan['events']['added'] as $event) {
            $DB->set_field('event', 'courseid', $courseid, ['id' => $event->id]);
        }
        foreach ($plan['events']['changed'] as $change) {
            $DB->update_record('event', (object)(['id' => $change['to']->id, 'timemodified' => time()]
                + $change['fields']));
        }
        foreach ($plan['events']['removed'] as $event) {
            $DB->delete_records('event', ['id' => $event->id]);
        }
        $transaction->allow_commit();

        rebuild_course_cache($courseid, true);
        rebuild_course_cache($stagingid, true);
        $sectionnumbers = array_keys(array_filter($plan['sequences'], 'is_null'));
        rsort($sectionnumbers);
        foreach ($sectionnumbers as $number) {
            course_delete_section($courseid, $number, false);
        }
        \cache::make('core', 'completion')->purge();
        \cache::make('core', 'coursecompletion')->purge();
        rebuild_course_cache($courseid, true);
    }

    /**
     * Takes a moved activity out of the staging course's section, so deleting that course leaves it alone.
     *
     * @param int $cmid the moved course module
     * @param array $plan the plan
     */
    private function remove_from_staging_sequence(int $cmid, array $plan): void {
        global $DB;
        foreach ($plan['staging']['sections'] as $section) {
            $sequence = array_filter(explode(',', (string)$section->sequence));
            if (in_array((string)$cmid, $sequence, true)) {
                $left = array_values(array_diff($sequence, [(string)$cmid]));
                $DB->set_field('course_sections', 'sequence', implode(',', $left), ['id' => $section->id]);
            }
        }
    }

    /**
     * Points the links in a moved book's chapters at the live course.
     *
     * @param int $bookid the moved book
     * @param array $plan the plan
     */
    private function map_chapter_links(int $bookid, array $plan): void {
        global $DB;
        $mapper = $this->mapper($plan);
        foreach ($DB->get_records('book_chapters', ['bookid' => $bookid]) as $chapter) {
            $content = $mapper->map($chapter->content);
            if ($content !== $chapter->content) {
                $DB->set_field('book_chapters', 'content', $content, ['id' => $chapter->id]);
            }
        }
    }

    /**
     * Returns the link mapper of a plan made after every section exists.
     *
     * @param array $plan the plan
     * @return link_mapper
     */
    private function mapper(array $plan): link_mapper {
        global $CFG;
        $live = $this->read_course((int)$this->course->id);
        $sections = [];
        foreach ($plan['staging']['sections'] as $number => $section) {
            $sections[$section->id] = (int)$live['sections'][$number]->id;
        }
        $stagingid = (int)reset($plan['staging']['sections'])->course;
        return new link_mapper($CFG->wwwroot, $plan['cmmap'], $sections, $stagingid, (int)$this->course->id);
    }

    /**
     * Gives a live book the staging book's chapters, keeping chapter ids by position; returns staging => live ids.
     *
     * @param array $chapters the staging book's chapters in order
     * @param stdClass $to the live book's course module
     * @param array $plan the plan
     * @return array staging chapter id => live chapter id
     */
    private function replace_chapters(array $chapters, stdClass $to, array $plan): array {
        global $DB;
        $mapper = $this->mapper($plan);
        $existing = array_values($DB->get_records('book_chapters', ['bookid' => $to->instance], 'pagenum, id'));
        $map = [];
        foreach ($chapters as $i => $chapter) {
            $record = ['bookid' => $to->instance, 'timemodified' => time()];
            foreach (self::CHAPTER_FIELDS as $field) {
                $record[$field] = $field === 'content' ? $mapper->map($chapter->content) : $chapter->$field;
            }
            if (isset($existing[$i])) {
                $record['id'] = $existing[$i]->id;
                $DB->update_record('book_chapters', (object)$record);
                $map[$chapter->id] = (int)$existing[$i]->id;
            } else {
                $record['timecreated'] = time();
                $map[$chapter->id] = (int)$DB->insert_record('book_chapters', (object)$record);
            }
        }
        $context = context_module::instance($to->id);
        $fs = get_file_storage();
        foreach (array_slice($existing, count($chapters)) as $surplus) {
            $fs->delete_area_files($context->id, 'mod_book', 'chapter', $surplus->id);
            $DB->delete_records('book_chapters', ['id' => $surplus->id]);
        }
        return $map;
    }

    /**
     * Replaces every file of a live activity with the staging activity's files.
     *
     * @param stdClass $from staging course module
     * @param stdClass $to live course module
     * @param array $chaptermap staging chapter id => live chapter id (books)
     */
    private function replace_files(stdClass $from, stdClass $to, array $chaptermap): void {
        global $DB;
        $fs = get_file_storage();
        $fromcontext = context_module::instance($from->id);
        $tocontext = context_module::instance($to->id);
        $fs->delete_area_files($tocontext->id);
        foreach ($DB->get_records('files', ['contextid' => $fromcontext->id], 'id') as $record) {
            if ($record->filename === '.') {
                continue;
            }
            $itemid = $record->component === 'mod_book' && $record->filearea === 'chapter'
                ? ($chaptermap[$record->itemid] ?? $record->itemid) : $record->itemid;
            $fs->create_file_from_storedfile(['contextid' => $tocontext->id, 'itemid' => $itemid],
                $fs->get_file_instance($record));
        }
    }
}
