"""The JSON Schema shipped for editors: complete Finnish documentation, in sync with the validator and sample."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from partnerkit.load import list_content_files
from partnerkit.schema import RECORDS, schema_files
from tests.conftest import update_golden

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "schema"


@pytest.mark.parametrize("record", sorted(RECORDS))
def test_every_field_is_documented_in_finnish(record: str) -> None:
    undocumented = [
        f.name for f in RECORDS[record].fields if len(f.title.strip()) < 2 or len(f.description.strip()) < 10
    ]
    assert undocumented == [], f"{record}: fields without a Finnish title and description: {undocumented}"
    assert RECORDS[record].title and RECORDS[record].description


def test_shipped_schema_files_are_current() -> None:
    expected = schema_files()
    update_golden({SCHEMA_DIR / name: text for name, text in expected.items()})
    shipped = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.schema.json")}
    assert shipped == expected, "run `python build.py schema` and commit schema/"


def _all_properties(node: object) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if "properties" in node:
            found.extend(node["properties"].values())
        for value in node.values():
            found.extend(_all_properties(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_all_properties(value))
    return found


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_schema_properties_have_title_and_description(name: str) -> None:
    document = json.loads(schema_files()[name])
    jsonschema.Draft7Validator.check_schema(document)
    assert all(p.get("title") and p.get("description") for p in _all_properties(document))


def test_sample_content_satisfies_the_schema() -> None:
    files = list_content_files(ROOT / "content")
    assert len(files) > 60
    for file, record in files:
        validator = jsonschema.Draft7Validator(json.loads(schema_files()[f"{record}.schema.json"]))
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        # YAML 1.1 turns unquoted dates into date objects; the validator reads them as text.
        data = json.loads(json.dumps(data, default=str))
        errors = [f"{file}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == []


def test_every_default_is_written_once_and_told_in_its_description() -> None:
    # The checker, the model and new files take a left-out field's value from schema.Field.default alone.
    defaults = {(record.name, spec.name): spec.default for record in RECORDS.values() for spec in record.fields
                if spec.default is not None}
    assert defaults == {("toolbox", "review_after_months"): 12, ("partner", "publishable"): False,
                        ("guide", "order"): 100, ("guide", "staff_only"): False,
                        ("partner", "status"): "active", ("service", "order"): 100,
                        ("action", "status"): "planned", ("action", "public"): False,
                        ("toolbox", "moodle_course_language"): False, ("toolbox", "moodle_completion"): "none"}
    for record in RECORDS.values():
        for spec in record.fields:
            if spec.default is not None:
                shown = str(spec.default).lower()
                assert f"oletus {shown}" in spec.description.lower(), (record.name, spec.name)
