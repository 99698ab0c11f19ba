"""New content files and new toolbox repositories, as text in memory. Pure: the command line asks, checks and writes.

`partnerkit new partner|method|contact|team|guide|service|plan` turns answers into one record file (with the editor
modeline, fields in schema order, values quoted only where YAML would misread them). `partnerkit init DIR` gets a whole
repository skeleton that builds at once: content with one example of each record, mkdocs.yml, JSON Schemas,
CI definitions for GitHub and GitLab, a pre-commit example and VS Code settings.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import jinja2
import yaml

from .load import Content, parse_document
from .render.suggest import GITHUB_FORM, GITLAB_TEMPLATE
from .messages import Problem, format_message
from .schema import COLLECTIONS, OPTIONAL_FILES, RECORDS, SINGLE_FILES, TIER_IDS, TOOLBOX, Field, schema_files
from .validate import check_content, suggest_id

RECORD_TYPES = ("partner", "method", "contact", "team", "guide", "service", "plan")
FOLDER_OF = {record: folder for folder, record in COLLECTIONS.items()}
# Until a team lead writes the real text; the command tells them to.
PLACEHOLDER_TEXT = "Kirjoita tähän kuvaus: mitä tehdään, kenen kanssa ja kuinka usein."
DEFAULT_SOURCE = "git+https://github.com/ORGANISAATIO/partnerkit.git@main"
REVIEW_MONTHS_DEFAULT = TOOLBOX.default_of("review_after_months")


@dataclass(frozen=True)
class Question:
    """One answer `partnerkit new` needs: an option (--key) and, on a terminal, a prompt from the schema's docs."""

    key: str
    field: Field
    required: bool = False
    many: bool = False
    ask: bool = True  # prompt for it on a terminal even when optional

    @property
    def option(self) -> str:
        """Return the command-line option, e.g. --review-date."""
        return "--" + self.key.replace("_", "-")


def _field(record: str, name: str) -> Field:
    found = RECORDS[record].field_named(name)
    assert found is not None, (record, name)
    return found


QUESTIONS: dict[str, tuple[Question, ...]] = {
    "partner": (
        Question("name", _field("partner", "name"), True),
        Question("type", _field("partner", "type"), True),
        Question("field", _field("partner", "field"), True),
        Question("tier", _field("cooperation", "tier"), True, many=True),
        Question("description", _field("cooperation", "description"), many=True),
        Question("contact", _field("cooperation", "contacts"), many=True),
        Question("website", _field("partner", "website")),
        Question("review_date", _field("partner", "review_date"), ask=False),
    ),
    "method": (
        Question("title", _field("method", "title"), True),
        Question("kind", _field("method", "kind"), True),
        Question("summary", _field("method", "summary"), True),
        Question("tier", _field("method", "tiers"), True, many=True),
        Question("owner", _field("method", "owner")),
        Question("body", _field("method", "body"), ask=False),
    ),
    "contact": (
        Question("name", _field("contact", "name"), True),
        Question("title", _field("contact", "title"), True),
        Question("email", _field("contact", "email"), True),
        Question("team", _field("contact", "team"), True),
        Question("phone", _field("contact", "phone")),
    ),
    "team": (
        Question("name", _field("team", "name"), True),
        Question("description", _field("team", "description")),
        Question("email", _field("team", "email")),
        Question("lead", _field("team", "lead")),
    ),
    "guide": (
        Question("title", _field("guide", "title"), True),
        Question("summary", _field("guide", "summary"), True),
        Question("body", _field("guide", "body"), ask=False),
        Question("order", _field("guide", "order"), ask=False),
        Question("owner", _field("guide", "owner")),
    ),
    "service": (
        Question("title", _field("service", "title"), True),
        Question("summary", _field("service", "summary"), True),
        Question("for_whom", _field("service", "for_whom"), True),
        Question("benefits", _field("service", "benefits"), True),
        Question("how_to_start", _field("service", "how_to_start"), True),
        Question("field", _field("service", "fields"), many=True),
        Question("contact_team", _field("service", "contact_team")),
        Question("contact_email", _field("service", "contact_email")),
    ),
    "plan": (
        Question("team", _field("plan", "team"), True),
        Question("year", _field("plan", "year"), True),
        Question("tier", _field("goal", "tier"), many=True),
    ),
}
# A new plan's goal texts until the team writes them; the command tells them to, as for descriptions.
PLACEHOLDER_GOAL = "Kirjoita tähän tavoite: mitä tiimi haluaa vuoden aikana saavuttaa tällä tasolla."
OPTION_KEYS: tuple[str, ...] = tuple(sorted({q.key for questions in QUESTIONS.values() for q in questions}))


@dataclass(frozen=True)
class NewFile:
    """A content file to create: its path relative to the project root, its id and its text."""

    path: str
    id: str
    text: str


def render_modeline(record: str, depth: int) -> str:
    """Return the yaml-language-server comment that ties a file depth folders below content/ to its schema."""
    return f"# yaml-language-server: $schema={'../' * (depth + 1)}schema/{record}.schema.json\n"


def collect_ids(content: Content) -> dict[str, list[str]]:
    """Return {collection folder: sorted ids} found in the parsed content, for prompts and suggestions."""
    found: dict[str, set[str]] = {folder: set() for folder in COLLECTIONS}
    for document in content.documents:
        folder = FOLDER_OF.get(document.record)
        if folder and isinstance(document.root, yaml.MappingNode):
            for key, value in document.root.value:
                if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode):
                    found[folder].add(value.value.strip())
    collected = {folder: sorted(ids) for folder, ids in found.items()}
    collected["tiers"] = list(TIER_IDS)  # the model's order, not the alphabet's
    return collected


def check_answer(question: Question, value: str, ids: dict[str, list[str]], lang: str = "fi") -> str:
    """Return why one typed answer cannot be used (in lang), or '' when it can."""
    spec = question.field
    if not value:
        return format_message("answer_required", lang) if question.required else ""
    if spec.kind == "enum" and value not in spec.choices:
        return format_message("answer_choose", lang, choices=", ".join(spec.choices))
    if spec.target and (spec.kind == "ref" or spec.item_kind == "ref"):
        known = ids.get(spec.target, [])
        if value not in known:
            return format_message("answer_unknown_id", lang, value=value,
                                  known=", ".join(known) or format_message("answer_none", lang))
    if spec.kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return format_message("answer_date", lang)
    if spec.kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return format_message("answer_email", lang)
    if spec.kind == "url" and not re.match(r"https?://\S+\.\S+$", value):
        return format_message("answer_url", lang)
    if spec.kind == "int" and not re.fullmatch(r"-?\d{1,9}", value):
        return format_message("answer_int", lang)
    return ""


def find_missing(record: str, answers: dict[str, Any]) -> list[Question]:
    """Return the required questions without an answer, in asking order."""
    return [q for q in QUESTIONS[record] if q.required and not answers.get(q.key)]


def render_record(record: str, answers: dict[str, Any], today: date) -> NewFile:
    """Return the new record file for the answers; optional answers that are empty are left out."""
    if record == "plan":
        # A plan is named after its team and year: one file each, and the checker refuses a second one.
        # Both are input: the file name is made of their id forms, the file holds them as given for the checker.
        year = str(answers["year"])
        plan_id = f"{suggest_id(str(answers['team']))}-{suggest_id(year)}"
        plan: dict[str, Any] = {"team": answers["team"], "year": int(year) if year.isdigit() else year,
                                "goals": [{"tier": tier, "text": PLACEHOLDER_GOAL}
                                          for tier in answers.get("tier") or []] or None}
        return NewFile(f"content/{FOLDER_OF[record]}/{plan_id}.yaml", plan_id,
                       render_modeline(record, 1) + emit_record(record, plan))
    title_key = "name" if record in ("partner", "contact", "team") else "title"
    record_id = answers.get("id") or suggest_id(str(answers[title_key]))
    values: dict[str, Any] = {"id": record_id}
    if record == "partner":
        tiers = list(answers["tier"])
        descriptions = list(answers.get("description") or [])
        if len(descriptions) == 1 and len(tiers) > 1:
            descriptions = descriptions * len(tiers)
        cooperations = []
        for position, tier in enumerate(tiers):
            cooperation: dict[str, Any] = {"tier": tier, "description": (descriptions[position] if position <
                                                                          len(descriptions) else PLACEHOLDER_TEXT)}
            if answers.get("contact"):
                cooperation["contacts"] = list(answers["contact"])
            cooperations.append(cooperation)
        values.update(
            name=answers["name"], type=answers["type"], field=answers["field"], website=answers.get("website"),
            review_date=answers.get("review_date") or today,
            publishable=True if answers.get("publishable") else None,
            cooperations=cooperations,
        )
    elif record == "method":
        values.update(title=answers["title"], kind=answers["kind"], summary=answers["summary"],
                      body=answers.get("body"), tiers=list(answers["tier"]), owner=answers.get("owner"))
    elif record == "guide":
        values.update(title=answers["title"], summary=answers["summary"], body=answers.get("body") or PLACEHOLDER_TEXT,
                      order=int(answers["order"]) if answers.get("order") else None, owner=answers.get("owner"))
    elif record == "service":
        values.update(title=answers["title"], summary=answers["summary"], for_whom=answers["for_whom"],
                      benefits=answers["benefits"], how_to_start=answers["how_to_start"],
                      fields=list(answers.get("field") or []) or None, contact_team=answers.get("contact_team"),
                      contact_email=answers.get("contact_email"))
    elif record == "contact":
        values.update(name=answers["name"], title=answers["title"], email=answers["email"],
                      phone=answers.get("phone"), team=answers["team"])
    elif record == "team":
        values.update(name=answers["name"], description=answers.get("description"), email=answers.get("email"),
                      lead=answers.get("lead"))
    else:
        raise ValueError(f"unknown record type {record!r}")
    path = f"content/{FOLDER_OF[record]}/{record_id}.yaml"
    return NewFile(path, record_id, render_modeline(record, 1) + emit_record(record, values))


def emit_record(record: str, values: dict[str, Any], indent: int = 0) -> str:
    """Return values as YAML in the schema's field order; None values are left out."""
    lines: list[str] = []
    pad = " " * indent
    for spec in RECORDS[record].fields:
        value = values.get(spec.name)
        if value is None:
            continue
        if spec.kind == "record":
            # A nested record (a partner's agreement) as an indented mapping under its key.
            lines.append(f"{pad}{spec.name}:")
            lines.append(emit_record(spec.target, value, indent + 2).rstrip("\n"))
        elif spec.kind == "list":
            lines.append(f"{pad}{spec.name}:")
            for item in value:
                if spec.item_kind == "record":
                    nested = emit_record(spec.target, item, indent + 4)
                    lines.append(f"{pad}  - " + nested[indent + 4:].rstrip("\n"))
                else:
                    lines.append(f"{pad}  - {_scalar(str(item))}")
        else:
            lines.append(f"{pad}{spec.name}: {_value(spec, value, indent)}")
    return "\n".join(lines) + "\n"


def _value(spec: Field, value: Any, indent: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, date)):
        return value.isoformat() if isinstance(value, date) else str(value)
    text = str(value)
    if spec.kind == "text" and ("\n" in text.strip() or len(text) > 80) and not text[:1].isspace():
        body = "\n".join((" " * (indent + 2) + line) if line else "" for line in text.strip("\n").split("\n"))
        return "|\n" + body
    if spec.kind == "phone":
        # Always quoted: an unquoted 0401234567 is a number to YAML (and an octal one at that).
        return json.dumps(text, ensure_ascii=False)
    return _scalar(text)


# libyaml when present: an import writes thousands of values, each read back once here.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4096)
def needs_quotes(text: str) -> bool:
    """Return True when a YAML reader could read text written plain as something else (or fail on it)."""
    plain_safe = (
        text == text.strip() and text != "" and "\n" not in text and ": " not in text and " #" not in text
        and not text.endswith(":") and text[0] not in "!&*-?[]{}|>'\"%@`#,"
    )
    if plain_safe:
        try:
            if yaml.load(f"x: {text}", Loader=_SafeLoader) == {"x": text}:
                return False
        except yaml.YAMLError:
            pass
    return True


def _scalar(text: str) -> str:
    """Return text as a YAML scalar: plain when every YAML reader gets the same string back, else double-quoted."""
    return json.dumps(text, ensure_ascii=False) if needs_quotes(text) else text


def problems_in_new_file(content: Content, new: NewFile, record: str, lang: str = "fi") -> list[Problem]:
    """Return the problems the checker reports in the new file when it joins the existing content."""
    document, problems = parse_document(new.text.encode("utf-8"), new.path, record, lang)
    if document is None:
        return problems
    others = tuple(d for d in content.documents if d.path != new.path)
    joined = Content(others + (document,), content.problems, content.unreadable)
    return [p for p in check_content(joined, lang) if p.path == new.path]


# --- init: a whole new toolbox repository ------------------------------------------------------------------


def render_vscode_settings() -> str:
    """Return .vscode/settings.json: every content folder tied to its JSON Schema, spaces for indentation."""
    schemas: dict[str, list[str]] = {}
    for name, record in sorted({**SINGLE_FILES, **OPTIONAL_FILES}.items()):
        schemas.setdefault(f"./schema/{record}.schema.json", []).append(f"content/{name}")
    for folder, record in sorted(COLLECTIONS.items()):
        schemas.setdefault(f"./schema/{record}.schema.json", []).extend(
            [f"content/{folder}/*.yaml", f"content/{folder}/*.yml"])
    settings = {
        "yaml.schemas": dict(sorted(schemas.items())),
        "yaml.validate": True,
        "yaml.hover": True,
        "yaml.completion": True,
        "yaml.format.enable": False,
        "[yaml]": {
            "editor.insertSpaces": True,
            "editor.tabSize": 2,
            "editor.detectIndentation": False,
            "editor.renderWhitespace": "boundary",
        },
        "files.encoding": "utf8",
        "files.eol": "\n",
        "files.insertFinalNewline": True,
        "files.trimTrailingWhitespace": True,
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def render_vscode_extensions() -> str:
    """Return .vscode/extensions.json recommending Red Hat's YAML extension (schema completion and checks)."""
    return json.dumps({"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n"


def render_examples(today: date) -> dict[str, str]:
    """Return one example file of each record type, so a new toolbox builds before anything is written."""
    examples: list[tuple[str, dict[str, Any]]] = [
        ("team", {"name": "Työelämäpalvelut", "email": "tyoelamapalvelut@oppilaitos.example",
                  "description": "Tiimi, joka tukee opettajia kumppanuuksissa. Korvaa omalla tiimilläsi.",
                  "lead": "maija-meikalainen"}),
        ("contact", {"name": "Maija Meikäläinen", "title": "Työelämäkoordinaattori",
                     "email": "maija.meikalainen@oppilaitos.example", "phone": "040 000 0000",
                     "team": "tyoelamapalvelut"}),
        ("partner", {"name": "Esimerkki Oy", "type": "company", "field": "Ravintola-ala",
                     "tier": ["arki"], "contact": ["maija-meikalainen"], "review_date": today,
                     "description": ["Esimerkkikumppani: työpaikalla järjestettävä koulutus. Korvaa oikealla "
                                     "kumppanilla tai poista tiedosto."]}),
        ("method", {"title": "Kumppanuuskeskustelu", "kind": "method", "tier": ["arki", "kehittaminen"],
                    "summary": "Vuosittainen keskustelu kumppanin kanssa yhteistyön tilanteesta ja tavoitteista.",
                    "owner": "maija-meikalainen"}),
        ("service", {"title": "Opiskelija työpaikalle", "contact_team": "tyoelamapalvelut",
                     "summary": "Esimerkkipalvelu: opiskelija oppii työpaikallanne koulutussopimuksella.",
                     "for_whom": "Yrityksille, joilla on alan työtehtäviä. Korvaa omalla tekstilläsi.",
                     "benefits": "Tutustutte tuleviin osaajiin ennen rekrytointia. Korvaa omalla tekstilläsi.",
                     "how_to_start": "Lähettäkää viesti yhteiseen osoitteeseemme. Korvaa omalla tekstilläsi."}),
    ]
    files: dict[str, str] = {}
    for record, answers in examples:
        new = render_record(record, answers, today)
        files[new.path] = new.text
    return files


def render_skeleton(env: jinja2.Environment, institution: str, source: str, today: date) -> dict[str, str]:
    """Return every file of a new toolbox repository as {path: text}; env must not autoescape (YAML, Makefile)."""
    values = {"institution": institution, "source": source, "today": today.isoformat(),
              "review_months": REVIEW_MONTHS_DEFAULT, "yaml_string": _scalar}
    files: dict[str, str] = {}
    for name in env.list_templates(filter_func=lambda n: n.startswith("scaffold/") and n.endswith(".j2")):
        files[_target_name(name[len("scaffold/"): -len(".j2")])] = env.get_template(name).render(values)
    files.update(render_examples(today))
    files.update({f"schema/{name}": text for name, text in schema_files().items()})
    files[".vscode/settings.json"] = render_vscode_settings()
    files[".vscode/extensions.json"] = render_vscode_extensions()
    return dict(sorted(files.items()))


def _target_name(relative: str) -> str:
    """Map a scaffold template's name to the file's place in the new repository (dotfiles are stored without dot)."""
    mapping = {
        "gitignore": ".gitignore",
        "gitlab-ci.yml": ".gitlab-ci.yml",
        "pre-commit-config.yaml": ".pre-commit-config.yaml",
        "github-workflow.yml": ".github/workflows/tyokalupakki.yml",
        # "Ehdota muutosta" (render/suggest.py) opens these, prefilled with the page and its source file.
        "github-issue-form.yml": f".github/ISSUE_TEMPLATE/{GITHUB_FORM}",
        "gitlab-issue-template.md": f".gitlab/issue_templates/{GITLAB_TEMPLATE}.md",
    }
    return mapping.get(relative, relative)
