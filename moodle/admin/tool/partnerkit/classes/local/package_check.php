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
 * Structural check of an unpacked course backup before anything touches a course.
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace tool_partnerkit\local;

/**
 * Finds what would make a restore fail part-way or silently drop content (measured in real Moodle 4.5 and 5.0).
 *
 * Pure PHP: it reads only the unpacked folder, so it runs (and is tested) without a Moodle site.
 */
class package_check {
    /** Prefix of the course module idnumbers partnerkit writes: the identity of an activity across builds. */
    const IDNUMBER_PREFIX = 'partnerkit:';

    /** Files restore requires at the top of a course backup. */
    const REQUIRED_ROOT_FILES = ['moodle_backup.xml', 'files.xml', 'users.xml', 'roles.xml', 'groups.xml',
        'scales.xml', 'outcomes.xml', 'questions.xml', 'course/course.xml', 'course/roles.xml'];

    /** Files restore requires in every activity folder, besides <modulename>.xml. */
    const REQUIRED_ACTIVITY_FILES = ['module.xml', 'inforef.xml', 'roles.xml', 'grades.xml'];

    /** sha1 of nothing: directory entries in files.xml have no content file. */
    const EMPTY_HASH = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

    /**
     * Returns every problem of the unpacked backup in $dir, each as [string key, parameter]; none when it is sound.
     *
     * @param string $dir folder the backup was unpacked into
     * @return array[] list of [string key, parameter]
     */
    public static function problems(string $dir): array {
        $problems = [];
        foreach (self::REQUIRED_ROOT_FILES as $name) {
            if (!is_file("$dir/$name")) {
                $problems[] = ['check_missingfile', $name];
            } else if (self::load_xml("$dir/$name") === null) {
                $problems[] = ['check_badxml', $name];
            }
        }
        $backup = is_file("$dir/moodle_backup.xml") ? self::load_xml("$dir/moodle_backup.xml") : null;
        if ($backup === null) {
            return $problems;
        }
        if ((string)($backup->information->details->detail->type ?? '') !== 'course') {
            $problems[] = ['check_notcourse', ''];
        }
        foreach ($backup->information->contents->sections->section ?? [] as $section) {
            $folder = self::safe_folder((string)$section->directory, 'sections/section_');
            if ($folder === null) {
                $problems[] = ['check_badfolder', (string)$section->directory];
            } else if (!is_file("$dir/$folder/section.xml")) {
                $problems[] = ['check_missingfile', "$folder/section.xml"];
            } else if (self::load_xml("$dir/$folder/section.xml") === null) {
                $problems[] = ['check_badxml', "$folder/section.xml"];
            }
        }
        $activities = 0;
        foreach ($backup->information->contents->activities->activity ?? [] as $activity) {
            $activities++;
            $folder = self::safe_folder((string)$activity->directory, 'activities/');
            $modname = (string)$activity->modulename;
            if ($folder === null || !preg_match('/^[a-z][a-z0-9_]*$/', $modname)) {
                $problems[] = ['check_badfolder', (string)$activity->directory];
                continue;
            }
            $missing = false;
            foreach (array_merge(self::REQUIRED_ACTIVITY_FILES, ["$modname.xml"]) as $name) {
                if (!is_file("$dir/$folder/$name")) {
                    $problems[] = ['check_missingfile', "$folder/$name"];
                    $missing = true;
                } else if (self::load_xml("$dir/$folder/$name") === null) {
                    $problems[] = ['check_badxml', "$folder/$name"];
                    $missing = true;
                }
            }
            if ($missing) {
                continue;
            }
            $module = self::load_xml("$dir/$folder/module.xml");
            if (strpos((string)$module->idnumber, self::IDNUMBER_PREFIX) !== 0) {
                $problems[] = ['check_notpartnerkit', "$folder/module.xml"];
            }
        }
        if ($activities === 0) {
            $problems[] = ['check_noactivities', ''];
        }
        $files = is_file("$dir/files.xml") ? self::load_xml("$dir/files.xml") : null;
        foreach ($files->file ?? [] as $file) {
            $hash = (string)$file->contenthash;
            if ($hash === self::EMPTY_HASH || $hash === '') {
                continue;
            }
            $path = "$dir/files/" . substr($hash, 0, 2) . "/$hash";
            if (!preg_match('/^[0-9a-f]{40}$/', $hash) || !is_file($path)) {
                $problems[] = ['check_missingcontent', (string)$file->filename];
            } else if (sha1_file($path) !== $hash) {
                $problems[] = ['check_damagedcontent', (string)$file->filename];
            }
        }
        return $problems;
    }

    /**
     * Parses an XML file without network access; null when it is not well-formed.
     *
     * @param string $path file to read
     * @return \SimpleXMLElement|null
     */
    private static function load_xml(string $path): ?\SimpleXMLElement {
        $previous = libxml_use_internal_errors(true);
        $xml = simplexml_load_file($path, \SimpleXMLElement::class, LIBXML_NONET);
        libxml_clear_errors();
        libxml_use_internal_errors($previous);
        return $xml === false ? null : $xml;
    }

    /**
     * Returns the folder when it is a plain relative path under $prefix, else null (no way out of the package).
     *
     * @param string $folder folder named in moodle_backup.xml
     * @param string $prefix where such folders live
     * @return string|null
     */
    private static function safe_folder(string $folder, string $prefix): ?string {
        if (strpos($folder, $prefix) !== 0 || !preg_match('#^[a-z]+/[A-Za-z0-9_]+$#', $folder)) {
            return null;
        }
        return $folder;
    }
}
