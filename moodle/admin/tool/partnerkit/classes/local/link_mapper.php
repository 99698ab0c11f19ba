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
 * Rewrites links between activities and sections from the staging course to the course being updated.
 *
 * @package    tool_partnerkit
 * @copyright  2026 partnerkit maintainers
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

namespace tool_partnerkit\local;

/**
 * Restore decodes a package's links into this site's addresses of the staging course; the live course needs its own.
 *
 * Pure PHP, so it is tested without a Moodle site.
 */
class link_mapper {
    /** @var string this site's wwwroot */
    private $wwwroot;
    /** @var int[] staging course module id => live course module id */
    private $cms;
    /** @var array staging section id => live section id (or a placeholder for a section still to be created) */
    private $sections;
    /** @var int staging course id */
    private $fromcourse;
    /** @var int live course id */
    private $tocourse;

    /**
     * Creates a mapper.
     *
     * @param string $wwwroot this site's wwwroot
     * @param array $cms staging course module id => live course module id
     * @param array $sections staging section id => live section id
     * @param int $fromcourse staging course id
     * @param int $tocourse live course id
     */
    public function __construct(string $wwwroot, array $cms, array $sections, int $fromcourse, int $tocourse) {
        $this->wwwroot = rtrim($wwwroot, '/');
        $this->cms = $cms;
        $this->sections = $sections;
        $this->fromcourse = $fromcourse;
        $this->tocourse = $tocourse;
    }

    /**
     * Returns the live course module id of a staging course module id.
     *
     * @param int $cmid staging course module id
     * @return int
     */
    public function map_cm(int $cmid): int {
        return (int)($this->cms[$cmid] ?? $cmid);
    }

    /**
     * Returns the text with every link to a staging activity, section or course pointing at its live counterpart.
     *
     * @param string|null $text HTML (or any text) from the staging course
     * @return string|null
     */
    public function map(?string $text): ?string {
        if ($text === null || $text === '') {
            return $text;
        }
        $root = preg_quote($this->wwwroot, '#');
        $pattern = "#($root/(?:mod/[a-z][a-z0-9_]*/view\\.php|course/section\\.php|course/view\\.php)\\?id=)(\\d+)(?!\\d)#";
        return preg_replace_callback($pattern, function (array $match): string {
            $id = (int)$match[2];
            if (strpos($match[1], '/mod/') !== false) {
                $mapped = $this->cms[$id] ?? $id;
            } else if (strpos($match[1], '/course/section.php') !== false) {
                $mapped = $this->sections[$id] ?? $id;
            } else {
                $mapped = $id === $this->fromcourse ? $this->tocourse : $id;
            }
            return $match[1] . $mapped;
        }, $text);
    }
}
