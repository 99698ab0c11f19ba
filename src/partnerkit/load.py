"""Reading content files: YAML text to node trees that remember file, line and column.

This is the only module that reads content/. It never interprets values: a scalar stays the text the
editor wrote, so YAML 1.1 surprises (0401234567 as an octal number, NO as false) cannot happen here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .messages import Problem, make_problem
from .schema import COLLECTIONS, SINGLE_FILES

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 40

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LEADING_TAB = re.compile(r"^ *\t", re.MULTILINE)

# libyaml's and PyYAML's wording of the syntax errors editors actually make, in plain language.
_SYNTAX_HINTS: tuple[tuple[str, str, str], ...] = (
    (
        "mapping values are not allowed",
        "kaksoispiste väärässä kohdassa. Tarkista rivin sisennys tai kirjoita arvo lainausmerkkeihin.",
        "a colon in the wrong place. Check the indentation or put the value in quotes.",
    ),
    (
        "could not find expected ':'",
        "kaksoispiste puuttuu. Kirjoita kenttä muodossa avain: arvo.",
        "a colon is missing. Write the field as key: value.",
    ),
    (
        "did not find expected key",
        "sisennys on väärin. Sisennä saman tason kentät yhtä monella välilyönnillä.",
        "wrong indentation. Indent fields of the same level by the same number of spaces.",
    ),
    (
        "expected <block end>",
        "sisennys on väärin. Sisennä saman tason kentät yhtä monella välilyönnillä.",
        "wrong indentation. Indent fields of the same level by the same number of spaces.",
    ),
    (
        "did not find expected '-' indicator",
        "luettelon kohta on väärin sisennetty. Aloita jokainen kohta samalla sisennyksellä ja viivalla (-).",
        "a list item is wrongly indented. Start every item with a dash (-) at the same indentation.",
    ),
    (
        "found unexpected end of stream",
        "lainausmerkki tai sulje jäi sulkematta. Tarkista, että jokaisella \" ja ' merkillä on pari.",
        "a quote or bracket is never closed. Check that every \" and ' has its pair.",
    ),
    (
        "while scanning a quoted scalar",
        "lainausmerkki jäi sulkematta. Tarkista, että jokaisella \" ja ' merkillä on pari.",
        "a quote is never closed. Check that every \" and ' has its pair.",
    ),
    (
        "found character that cannot start any token",
        "merkki ei voi aloittaa arvoa (esimerkiksi @ tai `). Kirjoita arvo lainausmerkkeihin.",
        "a character cannot start a value (such as @ or `). Put the value in quotes.",
    ),
    (
        "found undefined alias",
        "viittaus (*nimi) ilman ankkuria. Ankkurit ja viittaukset eivät ole sallittuja: kirjoita arvo auki.",
        "an alias (*name) without an anchor. Anchors and aliases are not allowed: write the value out.",
    ),
)


@dataclass(frozen=True)
class Document:
    """One content file: its display path, the record type it must hold, and its YAML node tree."""

    path: str
    record: str
    root: yaml.Node | None


@dataclass(frozen=True)
class Content:
    """Everything read from content/: the documents that parsed, and the problems met while reading."""

    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]
    # (record type, file stem) of files that could not be parsed: references to them are not reported again.
    unreadable: tuple[tuple[str, str], ...] = ()


def list_content_files(content_dir: Path) -> list[tuple[Path, str]]:
    """Return (file, record type) for every content file, in a fixed order."""
    found: list[tuple[Path, str]] = []
    for name, record in SINGLE_FILES.items():
        found.append((content_dir / name, record))
    for folder, record in sorted(COLLECTIONS.items()):
        directory = content_dir / folder
        if directory.is_dir():
            for entry in sorted(directory.iterdir()):
                if entry.suffix in (".yaml", ".yml") and entry.is_file():
                    found.append((entry, record))
    return found


def load_content(content_dir: Path, root: Path, lang: str = "fi") -> Content:
    """Read and parse every content file under content_dir; paths in problems are relative to root."""
    documents: list[Document] = []
    problems: list[Problem] = []
    unreadable: list[tuple[str, str]] = []
    for file, record in list_content_files(content_dir):
        shown = display_path(file, root)
        if not file.exists():
            problems.append(make_problem(shown, 1, 1, "missing_file"))
            continue
        try:
            data = file.read_bytes()
        except OSError as error:
            problems.append(make_problem(shown, 1, 1, "read_error", detail=error.strerror or str(error)))
            continue
        document, found = parse_document(data, shown, record, lang)
        problems.extend(found)
        if document is not None:
            documents.append(document)
        else:
            unreadable.append((record, file.stem))
    for folder, record in sorted(COLLECTIONS.items()):
        if not (content_dir / folder).is_dir():
            problems.append(make_problem(display_path(content_dir / folder, root), 1, 1, "missing_folder", record=record))
    return Content(tuple(documents), tuple(problems), tuple(unreadable))


def display_path(file: Path, root: Path) -> str:
    """Return file relative to root with forward slashes, as shown in messages and edit links."""
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
        root = yaml.compose(text, Loader=_Loader)
    except yaml.composer.ComposerError as error:
        if "single document" in f"{error.context} {error.problem}":
            mark = error.problem_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            return None, [make_problem(path, line, column, "multiple_documents")]
        return None, [_syntax_problem(error, path, lang)]
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, path, lang)]
    except yaml.YAMLError as error:
        return None, [make_problem(path, 1, 1, "yaml_syntax", detail=str(error))]
    except RecursionError:
        return None, [make_problem(path, 1, 1, "too_deep", limit=MAX_DEPTH)]
    if root is None:
        return None, [make_problem(path, 1, 1, "empty_file", record=record)]
    return Document(path, record, root), []


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
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _scan_text(text: str, path: str) -> list[Problem]:
    """Catch what YAML reports badly or too late: tabs in indentation, control characters, runaway nesting."""
    problems: list[Problem] = []
    control = _CONTROL.search(text)
    if control:
        line, column = _position(text, control.start())
        problems.append(make_problem(path, line, column, "control_char", char=f"U+{ord(control.group()):04X}"))
    tab = _LEADING_TAB.search(text)
    if tab:
        line, column = _position(text, tab.end() - 1)
        problems.append(make_problem(path, line, column, "tab"))
    depth = _flow_depth(text)
    if depth > MAX_DEPTH:
        problems.append(make_problem(path, 1, 1, "too_deep", limit=MAX_DEPTH))
    return problems


def _flow_depth(text: str) -> int:
    """Return the deepest nesting of [ and { (an over-estimate: quotes are not parsed)."""
    # Composing a deeply nested flow collection recurses in C; refusing it early keeps the process alive.
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _syntax_problem(error: yaml.MarkedYAMLError, path: str, lang: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    raw = f"{error.context or ''} {error.problem or ''}"
    for needle, finnish, english in _SYNTAX_HINTS:
        if needle in raw:
            return make_problem(path, line, column, "yaml_syntax", detail=finnish if lang == "fi" else english)
    detail = (error.problem or "tuntematon virhe").strip()
    fallback = f"rakenne on virheellinen ({detail}). Vertaa riviä toisen tiedoston vastaavaan riviin."
    if lang != "fi":
        fallback = f"the structure is invalid ({detail}). Compare the line with the same line in another file."
    return make_problem(path, line, column, "yaml_syntax", detail=fallback)
