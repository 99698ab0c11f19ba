"""The message catalogues: every key in every language, the same placeholders, and no key the code lacks."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from partnerkit.messages import CATALOGUE, LANGUAGES, LOCALE_DIR, LocalizedError, format_message, read_catalogues

SOURCE = Path(__file__).resolve().parents[1] / "src" / "partnerkit"
# Calls whose first string argument (or the one after the location) is a catalogue key.
KEY_CALLS = {"format_message": 0, "LocalizedError": 0, "OutputError": 0, "LocalizedText": 0, "make_problem": 3,
             "report": 1}


def placeholders(text: str) -> set[str]:
    """Return the names of a text's str.format placeholders."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_languages_are_finnish_first_then_english() -> None:
    assert LANGUAGES == ("fi", "en")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_has_a_text_in_every_language(lang: str) -> None:
    missing = sorted(key for key, texts in CATALOGUE.items() if not texts.get(lang))
    assert missing == []


def test_a_key_missing_from_one_language_is_found(tmp_path: Path) -> None:
    for file in LOCALE_DIR.glob("*.po"):
        text = file.read_text(encoding="utf-8")
        if file.stem == "en":
            text = text.replace('msgid "summary_one"', 'msgid "summary_one_removed"')
        (tmp_path / file.name).write_text(text, encoding="utf-8")
    catalogue = read_catalogues(tmp_path)
    assert set(catalogue["summary_one"]) == {"fi"}


def test_placeholders_are_the_same_in_every_language() -> None:
    differing = {key: {lang: sorted(placeholders(text)) for lang, text in texts.items()}
                 for key, texts in CATALOGUE.items()
                 if len({frozenset(placeholders(text)) for text in texts.values()}) > 1}
    assert differing == {}


def test_every_key_the_code_uses_exists() -> None:
    used: dict[str, str] = {}
    for module in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            position = KEY_CALLS.get(name)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                used[argument.value] = f"{module.relative_to(SOURCE)}:{node.lineno}"
    assert len(used) > 100  # the scan reaches the code's calls
    assert {key: where for key, where in used.items() if key not in CATALOGUE} == {}


def test_english_is_english_and_finnish_is_finnish() -> None:
    assert format_message("cli_failed", "fi") == "Koontia ei tehty; aiempi tuloste on ennallaan."
    assert format_message("cli_failed", "en") == "Nothing was built; the previous output is unchanged."


def test_an_error_is_shown_in_the_language_of_the_place_it_is_reported() -> None:
    error = LocalizedError("out_exists", path="content/a.yaml")
    assert error.render("fi") == "content/a.yaml: tiedosto on jo olemassa, eikä sitä korvata."
    assert error.render("en") == "content/a.yaml: the file already exists and is not replaced."
