"""Problems found in content, and the Finnish and English texts that explain them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

LOCALE_DIR = Path(__file__).parent / "locale"


def read_catalogues(folder: Path = LOCALE_DIR) -> dict[str, dict[str, str]]:
    """Return {key: {language: text}} from the gettext catalogues <language>.po in folder."""
    # polib (pinned) reads the standard .po format translators' tools edit; a new language is a new .po file.
    catalogue: dict[str, dict[str, str]] = {}
    for file in sorted(folder.glob("*.po")):
        for entry in polib.pofile(str(file), encoding="utf-8"):
            if entry.msgstr and not entry.obsolete:
                catalogue.setdefault(entry.msgid, {})[file.stem] = entry.msgstr
    return catalogue


# Every text a user reads: check messages, command line, progress, output errors, CI annotations, prompts.
# Keys are stable: tests assert on the rendered text, and tests/test_messages.py fails on a missing translation.
CATALOGUE: dict[str, dict[str, str]] = read_catalogues()
# Finnish first: it is the default and the language every text is written in first.
LANGUAGES: tuple[str, ...] = tuple(sorted({lang for texts in CATALOGUE.values() for lang in texts},
                                          key=lambda lang: (lang != "fi", lang)))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the content, located to file, line and column (1-based)."""

    path: str
    line: int
    column: int
    code: str
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def render(self, lang: str = "fi") -> str:
        """Return the problem as 'path:line:column: message' in the given language."""
        return f"{self.path}:{self.line}:{self.column}: {format_message(self.code, lang, **dict(self.params))}"


def make_problem(path: str, line: int, column: int, code: str, **params: Any) -> Problem:
    """Return a Problem; params fill the message's placeholders."""
    if code not in CATALOGUE:
        raise KeyError(f"no message for {code!r}")
    return Problem(path, line, column, code, tuple(sorted(params.items())))


@dataclass(frozen=True)
class LocalizedText:
    """A catalogue text used as a placeholder's value; it is shown in the language of the message around it."""

    key: str


def format_message(code: str, lang: str, /, **params: Any) -> str:
    """Return the catalogue text for code in lang with its placeholders filled."""
    filled = {name: CATALOGUE[value.key][lang] if isinstance(value, LocalizedText) else value
              for name, value in params.items()}
    return CATALOGUE[code][lang].format(**filled)


def word(kind: str, key: str, lang: str) -> str:
    """Return a word used inside messages (kind 'kind' or 'target'), e.g. word('target', 'teams', 'en') -> 'team'."""
    return CATALOGUE[f"{kind}_{key}"][lang]


class LocalizedError(Exception):
    """An error whose text comes from the catalogue, rendered in the user's language where it is reported."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(format_message(key, "fi", **params))
        self.key, self.params = key, params

    def render(self, lang: str) -> str:
        """Return the error's text in lang."""
        return format_message(self.key, lang, **self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        # MkDocs' worker processes send errors back pickled; the default would call __init__ with the text.
        return (_rebuild_error, (type(self), self.key, self.params))


class RenderError(LocalizedError):
    """Content that passed the check could not be rendered; names the content file it came from."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__("cli_render_error", where=where, detail=detail)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.params["where"], self.params["detail"]))


def _rebuild_error(kind: type[LocalizedError], key: str, params: dict[str, Any]) -> LocalizedError:
    error = kind.__new__(kind)
    LocalizedError.__init__(error, key, **params)
    return error


def format_summary(problems: list[Problem], lang: str) -> str:
    """Return the closing line of a failed check."""
    if len(problems) == 1:
        return format_message("summary_one", lang)
    files = len({p.path for p in problems})
    return format_message("summary", lang, count=len(problems), files=files)


class ContentError(Exception):
    """Raised when content has problems; carries all of them, sorted by location."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in content")
        self.problems = sorted(problems)

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        # Rebuilt from its problems when it crosses processes (read_toolbox_apart), not from the summary text.
        return ContentError, (self.problems,)
