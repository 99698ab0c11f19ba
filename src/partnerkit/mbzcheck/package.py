"""The unpacked package every rule group reads, and the problems the groups report into it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

from .rules import RULES

# The literal Moodle writes for a NULL column.
NULL = "$@NULL@$"

# FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_WIKI (legacy), FORMAT_MARKDOWN.
TEXT_FORMATS = {"0", "1", "2", "3", "4"}


@dataclass(frozen=True)
class Problem:
    """One reported problem: the rule it breaks, the archive path it concerns and what is wrong."""

    rule: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"


@dataclass
class FileRecord:
    """One <file> of files.xml."""

    fid: str
    contenthash: str
    contextid: str
    component: str
    filearea: str
    itemid: str
    filepath: str
    filename: str
    filesize: str

    def label(self) -> str:
        """Describe the record as component/filearea/itemid plus path, for messages."""
        return f"{self.component}/{self.filearea}/{self.itemid} {self.filepath}{self.filename}"


@dataclass
class Activity:
    """One activity as moodle_backup.xml lists it."""

    moduleid: str
    sectionid: str
    modulename: str
    directory: str
    contextid: str | None = None
    instance: ET.Element | None = None
    module_sectionid: str | None = None


@dataclass
class Section:
    """One section as moodle_backup.xml lists it."""

    sectionid: str
    directory: str
    number: int | None = None
    sequence: str | None = None
    element: ET.Element | None = None


@dataclass
class Summary:
    """Counts for the command line's success line."""

    sections: int = 0
    modules: Counter[str] = field(default_factory=Counter)
    files: int = 0


def is_int(value: str | None) -> bool:
    """True when value is an optionally signed decimal integer (surrounding space allowed)."""
    return value is not None and re.fullmatch(r"-?[0-9]+", value.strip()) is not None


def text_of(element: ET.Element | None, tag: str) -> str | None:
    """Text of a child element: None when the child is absent, '' when it is empty."""
    if element is None:
        return None
    child = element.find(tag)
    if child is None:
        return None
    return child.text or ""


@dataclass
class Package:
    """The unpacked archive, what the groups learnt from it so far, and the problems found."""

    data: bytes
    problems: list[Problem] = field(default_factory=list)
    members: dict[str, bytes] = field(default_factory=dict)
    xml: dict[str, ET.Element | None] = field(default_factory=dict)
    settings: dict[str, dict[str, str]] = field(default_factory=dict)
    root_settings: dict[str, str] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)
    referenced_files: set[str] = field(default_factory=set)
    course_contextid: str | None = None
    system_contextid: str | None = None
    include_files: bool = True
    backup_type: str | None = None
    backup_usable: bool = False
    files_usable: bool = False
    bad_roots: set[str] = field(default_factory=set)
    summary: Summary = field(default_factory=Summary)

    def add(self, rule: str, path: str, message: str) -> None:
        """Record one problem of a registered rule, about one archive path."""
        if rule not in RULES:
            raise KeyError(f"unregistered mbzcheck rule {rule!r}")
        self.problems.append(Problem(rule, path, message))

    def root(self, path: str, expected: str) -> ET.Element | None:
        """Parsed root of a member if it exists, parsed, and has the expected root element."""
        element = self.xml.get(path)
        if element is None:
            return None
        if element.tag != expected:
            # Reported once even though several checks ask for the same file.
            if path not in self.bad_roots:
                self.bad_roots.add(path)
                self.add("xml.root_element", path, f"root element is <{element.tag}>, Moodle expects <{expected}>")
            return None
        return element

    def require(self, path: str, rule: str = "structure.required_file_missing", reason: str = "") -> bool:
        """Report a missing required file under rule; True when present."""
        if path in self.members:
            return True
        self.add(rule, path, "required file is missing" + (f" ({reason})" if reason else ""))
        return False

    def directory_exists(self, directory: str) -> bool:
        """True when some member lies below directory."""
        return any(p.startswith(directory + "/") for p in self.members)

    def setting_on(self, name: str) -> bool:
        """True when a root setting is 1 in moodle_backup.xml."""
        return self.root_settings.get(name) == "1"

    def ids(self, path: str, root_name: str, child: str) -> set[str] | None:
        """The id attributes of root_name/child in a member; None when the member is unusable."""
        root = self.xml.get(path)
        if root is None or root.tag != root_name:
            return None
        return {element.get("id", "") for element in root.findall(child)}

    def inforef_ids(self, path: str, item: str) -> set[str] | None:
        """The ids an inforef.xml lists for item (file, user, role); None when it is unusable."""
        root = self.xml.get(path)
        if root is None or root.tag != "inforef":
            return None
        return {(text_of(element, "id") or "").strip() for element in root.findall(f"{item}ref/{item}")}

    def check_format(self, path: str, element: ET.Element, name: str, owner: str = "") -> None:
        """Report a text format field that is not one of Moodle's formats."""
        value = text_of(element, name)
        if value is not None and value.strip() not in TEXT_FORMATS:
            where = f"{owner} " if owner else ""
            self.add("structure.text_format", path, f"{where}{name} must be one of 0, 1, 2, 3, 4, got {value!r}")
