"""Reading content files: YAML text to node trees that remember file, line and column.

This is the only module that reads content/. It never interprets values: a scalar stays the text the
editor wrote, so YAML 1.1 surprises (0401234567 as an octal number, NO as false) cannot happen here.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import yaml

from .messages import Problem, format_message, make_problem
from .schema import COLLECTIONS, FILES_FOLDER, OPTIONAL_FILES, OPTIONAL_FOLDERS, SINGLE_FILES

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 40
# The Moodle admin tool shipped with partnerkit (GPL, like Moodle): zipped into the packages for installing.
MOODLE_PLUGIN_DIR = Path(__file__).resolve().parents[2] / "moodle" / "admin" / "tool" / "partnerkit"

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with the implicit tags of plain scalars remembered instead of matched again."""

    # The composer asks the resolver once per scalar, in Python: 600,000 times for 20,000 partners, mostly for
    # the same keys and values (id, name, tier: arki). Without path resolvers (the safe loader has none) the
    # tag depends only on the kind, the text and whether it was plain, so remembering it is exact.
    _tags: dict[str, str] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR_TAG
            tag = self._tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= 64 and len(self._tags) < 20000:
                    self._tags[value] = tag
            return tag
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG  # type: ignore[no-any-return]
        if kind is yaml.MappingNode:
            return self.DEFAULT_MAPPING_TAG  # type: ignore[no-any-return]
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


# C0 and C1 controls, and what YAML reads as a line break though editors show none (NEL, U+2028, U+2029):
# those would shift every line number after them. U+FFFE and U+FFFF are noncharacters libyaml refuses; the
# noncharacters U+FDD0-U+FDEF are kept for the build's own markers (mkdocs_plugin), so content cannot forge one.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
_LEADING_TAB = re.compile(r"(?:^|(?<=[\r\n])) *\t")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# libyaml's and PyYAML's wording of the syntax errors editors actually make, in plain language.
_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "yaml_colon_place"),
    ("could not find expected ':'", "yaml_colon_missing"),
    ("did not find expected key", "yaml_indent"),
    ("expected <block end>", "yaml_indent"),
    ("did not find expected '-' indicator", "yaml_list_indent"),
    ("found unexpected end of stream", "yaml_unclosed"),
    ("while scanning a quoted scalar", "yaml_unclosed_quote"),
    ("found character that cannot start any token", "yaml_bad_start"),
    ("found incompatible YAML document", "yaml_directive"),
    ("found unknown escape character", "yaml_escape"),
    ("did not find expected hexdecimal number", "yaml_escape"),
    ("found a tab character", "yaml_tab"),
    ("did not find expected ',' or ']'", "yaml_bracket"),
    ("did not find expected ',' or '}'", "yaml_brace"),
    ("did not find expected <document start>", "yaml_document_end"),
    ("found undefined tag handle", "yaml_tag"),
    ("while scanning an anchor", "yaml_anchor"),
    ("while scanning an alias", "yaml_alias"),
    ("found undefined alias", "yaml_undefined_alias"),
)


@dataclass(frozen=True)
class Document:
    """One content file: its display path, the record type it must hold, and its YAML node tree."""

    path: str
    record: str
    root: yaml.Node | None
    # The file's check result when it was taken from the check cache (validate.FileCheck); root is then None.
    checked: Any = None


@dataclass(frozen=True)
class Content:
    """Everything read from content/: the documents that parsed, and the problems met while reading."""

    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]
    # (record type, file stem) of files that could not be parsed: references to them are not reported again.
    unreadable: tuple[tuple[str, str], ...] = ()
    # Every entry under content/files/ by its path relative to that folder: True for a regular file inside it,
    # False for a symbolic link that leads outside it (or nowhere). Folders followed through links are not listed.
    attachments: Mapping[str, bool] = field(default_factory=dict)


# parse_document's signature: (file bytes, shown path, record type, lang) -> (document or None, problems).
Parsed = tuple[Document | None, list[Problem]]
Parser = Callable[[bytes, str, str, str], Parsed]
# A file read for parsing: (its place in the listing, bytes, shown path, record type, status when read).
ReadFile = tuple[int, bytes, str, str, os.stat_result]


class FileMemo(Protocol):
    """Earlier per-file results that load_content may use instead of reading and parsing (checkcache.CheckMemo)."""

    def reuse(self, path: str, record: str, status: os.stat_result) -> Parsed | None:
        """Return the file's earlier result if its status shows it unchanged, else None (it is then read)."""

    def parse_all(self, files: Iterable[ReadFile], count: int, lang: str) -> Iterator[tuple[int, Parsed]]:
        """Parse (and check) the files read, yielding each one's place in the listing and its result."""


class _Listed(NamedTuple):
    """One content file found by the listing."""

    path: str  # as the file system takes it
    shown: str  # relative to the project root, as messages show it
    record: str
    stem: str
    plain: bool  # a regular file and no link, as the directory entry says (a file that cannot lead outside)


def _yaml_stem(name: str) -> str | None:
    """Return the name without its .yaml or .yml suffix (Path.suffix's rules), or None for any other name."""
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1 and name[dot:] in (".yaml", ".yml"):
        return name[:dot]
    return None


def _shown_prefix(directory: Path, root: Path) -> str | None:
    """Return what display_path puts before a file name for every file in directory, or None if it varies."""
    # Exactly when display_path's lexical fast path holds for a file in directory, it holds for every one.
    sample = directory / "x"
    text, prefix = str(sample), str(root).rstrip("/") + "/"
    if (os.sep == "/" and text == str(directory) + "/x" and text.startswith(prefix)
            and root.is_absolute() == sample.is_absolute()):
        return text[len(prefix):-1]
    return None


# A content file's name reaches page addresses, edit links and CI annotations: letters (ä and ö too), digits,
# hyphens, underscores and dots only (no quotes, spaces, control characters or bytes that are not UTF-8).
_SAFE_NAME = re.compile(r"[^\W_][\w.-]*")


def is_usable_name(name: str) -> bool:
    """Return True for a content file name the check accepts (see _SAFE_NAME)."""
    return _SAFE_NAME.fullmatch(name) is not None


def printable_name(name: str) -> str:
    """Return a file name as messages may show it: every character that is not plainly printable escaped."""
    return "".join(ch if ch.isprintable() and ch.isascii() or ch.isalpha() else f"\\u{ord(ch):04x}" for ch in name)


def suggest_file_name(stem: str) -> str:
    """Return a safe file name for a stem, e.g. 'Kahvila "Ässä" Oy' -> 'kahvila-assa-oy.yaml'."""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii").lower()
    return (re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "tiedosto") + ".yaml"


def _list_files(content_dir: Path, root: Path, problems: list[Problem] | None = None) -> list[_Listed]:
    """Return every content file with its record type, in a fixed order: single files, then folders by name.

    Files whose names cannot be used are left out; problems, when given, gets a located problem for each.
    """
    found: list[_Listed] = []
    for name, record in SINGLE_FILES.items():
        file = content_dir / name
        try:
            plain = stat.S_ISREG(os.lstat(file).st_mode)
        except OSError:
            plain = False
        found.append(_Listed(str(file), display_path(file, root), record, file.stem, plain))
    for name, record in OPTIONAL_FILES.items():
        file = content_dir / name
        try:
            mode = os.lstat(file).st_mode
        except OSError:
            continue  # left out on purpose: the toolbox works without it
        found.append(_Listed(str(file), display_path(file, root), record, file.stem, stat.S_ISREG(mode)))
    for folder, record in sorted(COLLECTIONS.items()):
        directory = content_dir / folder
        if not directory.is_dir():
            continue
        # One directory read, and types from its entries: no stat per file, no Path per file (20,000 of them).
        with os.scandir(directory) as entries:
            listed = sorted(((entry.name, entry) for entry in entries), key=lambda pair: pair[0])
        base, prefix = str(directory) + "/", _shown_prefix(directory, root)
        for name, entry in listed:
            stem = _yaml_stem(name)
            # Links are listed even when they lead to no regular file, so load_content can say why.
            # is_symlink first: is_file follows the link, and a link loop would raise there.
            if not (entry.is_symlink() or entry.is_file()):
                continue
            if stem is None or not _SAFE_NAME.fullmatch(name):
                shown_name = printable_name(name)
                where = (prefix if prefix is not None else display_path(directory, root) + "/") + shown_name
                if problems is not None and stem is None and _yaml_stem(name.lower()) is not None:
                    problems.append(make_problem(where, 1, 1, "yaml_suffix_case"))
                elif problems is not None and stem is not None:
                    problems.append(make_problem(where, 1, 1, "bad_file_name", suggestion=suggest_file_name(stem)))
                continue
            shown = prefix + name if prefix is not None else display_path(directory / name, root)
            found.append(_Listed(base + name, shown, record, stem, entry.is_file(follow_symlinks=False)))
    return found


def list_content_files(content_dir: Path) -> list[tuple[Path, str]]:
    """Return (file, record type) for every content file, in a fixed order."""
    return [(Path(item.path), item.record) for item in _list_files(content_dir, content_dir)]


def load_content(content_dir: Path, root: Path, lang: str = "fi", parse: Parser | None = None,
                 memo: FileMemo | None = None) -> Content:
    """Read and parse every content file under content_dir; paths in problems are relative to root.

    parse replaces parse_document, e.g. by one that reuses earlier results (checkcache.CheckMemo.parse); memo
    goes further: files whose status shows them unchanged are not even read (checkcache.CheckMemo).
    """
    parser = parse or parse_document
    misnamed: list[Problem] = []
    listed = _list_files(content_dir, root, misnamed)
    # Each file's (document, problems, unreadable), filled in any order, gathered in the listing's order.
    results: list[tuple[Document | None, list[Problem], bool]] = [(None, [], False)] * len(listed)
    pending: list[int] = []
    inside: Path | None = None
    for index, item in enumerate(listed):
        if item.plain:
            if memo is not None:
                try:
                    status = os.lstat(item.path)
                except OSError:
                    status = None
                if status is not None and stat.S_ISREG(status.st_mode):
                    reused = memo.reuse(item.shown, item.record, status)
                    if reused is not None:
                        results[index] = (reused[0], reused[1], reused[0] is None)
                        continue
            pending.append(index)
            continue
        file = Path(item.path)
        if not file.exists():
            # A link that leads nowhere (broken, or a loop of links) says so; a missing single file is missing.
            code = "symlink_broken" if file.is_symlink() else "missing_file"
            results[index] = (None, [make_problem(item.shown, 1, 1, code)], False)
            continue
        inside = inside or content_dir.resolve()
        if file.is_symlink() and not file.resolve().is_relative_to(inside):
            # Reading it would echo another file's lines (perhaps a secret) in error messages.
            results[index] = (None, [make_problem(item.shown, 1, 1, "symlink_outside")], False)
            continue
        pending.append(index)

    def read_pending() -> Iterator[ReadFile]:
        for index in pending:
            item = listed[index]
            try:
                data, status = _read_limited(item.path, item.plain)
            except OSError as error:
                detail = error.strerror or str(error)
                results[index] = (None, [make_problem(item.shown, 1, 1, "read_error", detail=detail)], False)
                continue
            if status.st_size > MAX_FILE_BYTES:
                size = status.st_size
                results[index] = (None, [make_problem(item.shown, 1, 1, "file_too_large", size=size,
                                                      limit=MAX_FILE_BYTES)], True)
                continue
            yield index, data, item.shown, item.record, status

    if memo is not None:
        parsed: Iterable[tuple[int, Parsed]] = memo.parse_all(read_pending(), len(pending), lang)
    else:
        parsed = ((index, parser(data, shown, record, lang)) for index, data, shown, record, _ in read_pending())
    for index, (document, found) in parsed:
        results[index] = (document, found, document is None)
    documents: list[Document] = []
    problems: list[Problem] = list(misnamed)
    unreadable: list[tuple[str, str]] = []
    for item, (document, found, failed) in zip(listed, results):
        problems.extend(found)
        if document is not None:
            documents.append(document)
        elif failed:
            unreadable.append((item.record, item.stem))
    for folder, record in sorted(COLLECTIONS.items()):
        if folder not in OPTIONAL_FOLDERS and not (content_dir / folder).is_dir():
            problems.append(make_problem(display_path(content_dir / folder, root), 1, 1, "missing_folder", record=record))
    attachments = list_attachments(content_dir / FILES_FOLDER)
    return Content(tuple(documents), tuple(problems), tuple(unreadable), attachments)


# Opening never waits (a named pipe put in a file's place between listing and reading) nor takes a terminal.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_limited(path: str, plain: bool = False) -> tuple[bytes, os.stat_result]:
    """Return at most MAX_FILE_BYTES + 1 bytes of a regular file, and its status when it was read."""
    if not plain:
        # A named pipe would block the build for ever and a device could be endless; neither is content, and
        # neither is opened. (A plain file, by its directory entry, is a regular file: opened at once.)
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
            raise OSError(errno.EINVAL, "ei tavallinen tiedosto")
    # A plain file that became a link since the listing is refused: the link was never checked.
    descriptor = os.open(path, _OPEN_FLAGS | (getattr(os, "O_NOFOLLOW", 0) if plain else 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
            raise OSError(errno.EINVAL, "ei tavallinen tiedosto")
        wanted = MAX_FILE_BYTES + 1
        # Asked for what the status promises (os.read allocates all it is asked for: 512 kB per file would cost
        # more than the reading). One call nearly always brings it all; only otherwise read on to the end.
        chunks = [os.read(descriptor, min(wanted, status.st_size + 1))]
        if len(chunks[0]) != status.st_size:
            wanted -= len(chunks[0])
            while wanted > 0 and chunks[-1]:
                chunks.append(os.read(descriptor, wanted))
                wanted -= len(chunks[-1])
        return b"".join(chunks), status
    finally:
        os.close(descriptor)


def list_attachments(files_dir: Path) -> dict[str, bool]:
    """Return {path relative to files_dir: stays inside files_dir} for every file and link under files_dir."""
    found: dict[str, bool] = {}
    if not files_dir.is_dir():
        return found
    base = files_dir.resolve()
    # os.walk does not follow linked folders, so nothing outside files_dir is ever listed through one.
    for folder, folders, names in os.walk(files_dir):
        folders.sort()
        here = Path(folder)
        for name in sorted(names) + [f for f in folders if (here / f).is_symlink()]:
            entry = here / name
            relative = entry.relative_to(files_dir).as_posix()
            try:
                target = entry.resolve(strict=True)
            except (OSError, RuntimeError):  # a broken link or a loop of links
                found[relative] = False
                continue
            found[relative] = target.is_relative_to(base) and stat.S_ISREG(target.stat().st_mode)
    return found


def read_attachment(content_dir: Path, relative: str) -> bytes:
    """Return the bytes of an attachment under content/files/; refuse anything that resolves outside that folder."""
    base = (content_dir / FILES_FOLDER).resolve()
    target = (base / relative).resolve()
    # Checked again here: the folder may have changed since validation.
    if not target.is_relative_to(base) or not target.is_file():
        raise PermissionError(f"liite {relative} ei ole tavallinen tiedosto kansiossa {base}")
    return target.read_bytes()


def read_moodle_plugin(plugin_dir: Path = MOODLE_PLUGIN_DIR) -> dict[str, bytes]:
    """Return {path relative to plugin_dir: bytes} for every file of the shipped Moodle plugin, in sorted order."""
    files: dict[str, bytes] = {}
    for folder, folders, names in os.walk(plugin_dir):
        folders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            files[path.relative_to(plugin_dir).as_posix()] = path.read_bytes()
    if "version.php" not in files:
        # Reported like any other unreadable file: the path is what the user needs.
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(plugin_dir / "version.php"))
    return files


def display_path(file: Path, root: Path) -> str:
    """Return file relative to root with forward slashes, as shown in messages and edit links."""
    # Lexically first: a linked file is shown where the editor sees it, not where the link leads. Resolving
    # only when that fails keeps 20,000 files from costing 40,000 resolve() calls.
    text, prefix = str(file), str(root).rstrip("/") + "/"
    if os.sep == "/" and text.startswith(prefix) and root.is_absolute() == file.is_absolute():
        return text[len(prefix):]
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()


def parse_document(data: bytes, path: str, record: str, lang: str = "fi") -> tuple[Document | None, list[Problem]]:
    """Decode and parse one file's bytes; return its document, or None and the reasons it cannot be read."""
    if len(data) > MAX_FILE_BYTES:
        return None, [make_problem(path, 1, 1, "file_too_large", size=len(data), limit=MAX_FILE_BYTES)]
    text, problem = _decode(data, path)
    if problem is not None:
        return None, [problem]
    early = _scan_text(text, path)
    if early:
        return None, early
    try:
        deep = _too_deep(text, path)
        if deep is not None:
            return None, [deep]
        root = yaml.compose(text, Loader=_Loader)
    except yaml.composer.ComposerError as error:
        if "single document" in f"{error.context} {error.problem}":
            mark = error.problem_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            return None, [make_problem(path, line, column, "multiple_documents")]
        return None, [_syntax_problem(error, text, path, lang)]
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, text, path, lang)]
    except yaml.reader.ReaderError as error:
        line, column = _position(text, error.position)
        return None, [make_problem(path, line, column, "control_char", char=f"U+{error.character:04X}")]
    except yaml.YAMLError as error:
        return None, [make_problem(path, 1, 1, "yaml_syntax", detail=str(error))]
    except RecursionError:
        return None, [make_problem(path, 1, 1, "too_deep", limit=MAX_DEPTH)]
    if root is None:
        return None, [make_problem(path, 1, 1, "empty_file", record=record)]
    # An anchor without an alias composes to an ordinary node, yet the file would fail once someone adds the
    # alias: anchors are refused wherever they stand (only a file with an "&" can hold one).
    anchor = _first_anchor(text) if "&" in text else None
    if anchor is not None:
        return None, [make_problem(path, anchor.line + 1, anchor.column + 1, "alias")]
    return Document(path, record, root), []


def _first_anchor(text: str) -> yaml.Mark | None:
    """Return where the first YAML anchor (&name) of text stands, or None."""
    for event in yaml.parse(text, Loader=_Loader):
        if getattr(event, "anchor", None) is not None and not isinstance(event, yaml.AliasEvent):
            return event.start_mark
    return None


def _too_deep(text: str, path: str) -> Problem | None:
    """Return a problem at the first collection nested deeper than MAX_DEPTH, or None."""
    # The composer recurses once per level (libyaml's in C: 100,000 "- " on one line crash the process), and
    # libyaml's scanner slows down quadratically in deep flow collections. Its event parser keeps an explicit
    # stack instead, so counting depth from events and stopping at the limit is safe and cheap.
    if _indicator_count(text) <= MAX_DEPTH:
        return None
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return make_problem(path, mark.line + 1, mark.column + 1, "too_deep", limit=MAX_DEPTH)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _indicator_count(text: str) -> int:
    """Return an upper bound of the number of collections in text, counted in C without parsing."""
    # Every collection needs an indicator of its own: "[" or "{" (flow), "-" and whitespace (block sequence
    # entry), ":" or "?" (mapping key). Most content files have fewer than MAX_DEPTH of them in all, and then
    # no collection can be nested deeper than that: the event walk above, in Python, is skipped for them.
    dashes = sum(text.count("-" + space) for space in " \t\r\n") + text.endswith("-")
    return text.count("[") + text.count("{") + text.count(":") + text.count("?") + dashes


def _decode(data: bytes, path: str) -> tuple[str, Problem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        return "", make_problem(path, 1, 1, "bom")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        return "", make_problem(path, 1, 1, "utf16")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return "", make_problem(path, line, column, "encoding", byte=f"0x{data[error.start]:02x}")


def _position(text: str, offset: int) -> tuple[int, int]:
    # Counted as YAML and editors count: a lone CR (old Mac files) ends a line too.
    lines = _LINE_BREAK.split(text[:offset])
    return len(lines), len(lines[-1]) + 1


def _scan_text(text: str, path: str) -> list[Problem]:
    """Catch what YAML reports badly or too late: tabs in indentation and control characters."""
    problems: list[Problem] = []
    control = _CONTROL.search(text)
    if control:
        line, column = _position(text, control.start())
        problems.append(make_problem(path, line, column, "control_char", char=f"U+{ord(control.group()):04X}"))
    # The pattern's look-behind is slow on 20,000 files; a file without a tab cannot match it.
    tab = _LEADING_TAB.search(text) if "\t" in text else None
    if tab:
        line, column = _position(text, tab.end() - 1)
        problems.append(make_problem(path, line, column, "tab"))
    return problems


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, path: str, lang: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    # At the end of a file without a final line break libyaml points one line past the last: show the end instead.
    lines = _LINE_BREAK.split(text)
    if line > len(lines):
        line, column = len(lines), len(lines[-1]) + 1
    raw = f"{error.context or ''} {error.problem or ''}"
    for needle, key in _SYNTAX_HINTS:
        if needle in raw:
            return make_problem(path, line, column, "yaml_syntax", detail=format_message(key, lang))
    detail = format_message("yaml_other", lang, detail=(error.problem or "?").strip())
    return make_problem(path, line, column, "yaml_syntax", detail=detail)


def read_check_cache(file: Path) -> bytes | None:
    """Return the stored check results (see checkcache.py), or None when there are none or they cannot be read."""
    try:
        return file.read_bytes()
    except OSError:
        return None


def read_code_fingerprint(modules: list[Path]) -> bytes:
    """Return the source of the modules whose code decides check results: a cached result is valid only with it."""
    return b"\0".join(module.read_bytes() for module in modules)
