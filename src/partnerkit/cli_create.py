"""Command line of `partnerkit new` and `partnerkit init`: options, Finnish prompts on a terminal, checks, creation.

Part of the command-line layer (it asks questions and creates files); the files themselves come from the pure
scaffold module and are checked with the real validator before anything is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from .history import init_repository
from .load import load_content
from .pipeline import SHIPPED_TEMPLATES, Project
from .render import make_environment
from .schema import METHOD_KINDS, PARTNER_TYPES
from .scaffold import (
    DEFAULT_SOURCE, OPTION_KEYS, PLACEHOLDER_GOAL, PLACEHOLDER_TEXT, QUESTIONS, RECORD_TYPES, Question, check_answer, collect_ids,
    find_missing, problems_in_new_file, render_record, render_skeleton,
)
from .messages import format_message
from .write import OutputError, create_files

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
Say = Callable[[str], None]
Ask = Callable[[str], str]
_LABELS = {"type": PARTNER_TYPES, "kind": METHOD_KINDS}


def add_scaffold_options(parser: argparse.ArgumentParser, lang: str) -> None:
    """Add the options of `new` (one per record field, named after the schema) and `init`."""
    group = parser.add_argument_group(format_message("new_group", lang))
    titles: dict[str, str] = {}
    for questions in QUESTIONS.values():
        for question in questions:
            titles.setdefault(question.key, question.field.title)
    for key in OPTION_KEYS:
        many = any(q.key == key and q.many for qs in QUESTIONS.values() for q in qs)
        group.add_argument("--" + key.replace("_", "-"), dest=f"new_{key}", action="append", metavar=format_message("new_value", lang),
                           help=titles[key] + (format_message("new_repeatable", lang) if many else ""))
    group.add_argument("--id", dest="new_id", help=format_message("new_help_id", lang))
    group.add_argument("--publishable", dest="new_publishable", action="store_true",
                       help=format_message("new_help_publishable", lang))
    init = parser.add_argument_group(format_message("init_group", lang))
    init.add_argument("--institution", help=format_message("init_help_institution", lang))
    init.add_argument("--partnerkit-source", help=format_message("init_help_source", lang))


def _answers_from_options(args: argparse.Namespace, record: str, say: Say) -> dict[str, Any] | None:
    answers: dict[str, Any] = {"id": args.new_id, "publishable": args.new_publishable}
    valid = True
    for question in QUESTIONS[record]:
        given = getattr(args, f"new_{question.key}")
        if given is None:
            continue
        if question.many:
            answers[question.key] = [v.strip() for value in given for v in value.split(",") if v.strip()]
        elif len(given) > 1:
            say(format_message("new_option_repeated", args.lang, option=question.option, count=len(given)))
            valid = False
        else:
            answers[question.key] = given[0].strip()
    unused = sorted(k for k in OPTION_KEYS if getattr(args, f"new_{k}") is not None
                    and k not in {q.key for q in QUESTIONS[record]})
    for key in unused:
        say(format_message("new_option_ignored", args.lang, option="--" + key.replace("_", "-"), record=record))
    return answers if valid else None


def _prompt(question: Question, ids: dict[str, list[str]], ask: Ask, say: Say, lang: str, label: str = "") -> Any:
    """Ask one question until the answer is usable; return a list for questions with many answers."""
    spec = question.field
    # Fields with a fixed set of answers show the choices; the others their Finnish description from the schema.
    if spec.kind == "enum":
        labels = _LABELS.get(question.key, {})
        say(format_message("new_choices", lang, choices=", ".join(
            f"{c} ({labels[c]})" if c in labels else c for c in spec.choices)))
    elif spec.target and ids.get(spec.target):
        say(format_message("new_choices", lang, choices=", ".join(ids[spec.target])))
    else:
        say(f"  {spec.description}")
    suffix = format_message("new_many_suffix", lang) if question.many else (
        "" if question.required else format_message("new_optional_suffix", lang))
    while True:
        raw = ask(f"{label or spec.title}{suffix}: ").strip()
        values = [v.strip() for v in raw.split(",") if v.strip()] if question.many else [raw]
        if question.many and not values and not question.required:
            return []
        problems = [check_answer(question, value, ids, lang) for value in (values or [""])]
        problems = [p for p in problems if p]
        if not problems:
            return values if question.many else raw
        say("  " + problems[0])


def _ask_missing(record: str, answers: dict[str, Any], ids: dict[str, list[str]], ask: Ask, say: Say,
                 lang: str) -> None:
    say(format_message("new_intro", lang, record=record))
    for question in QUESTIONS[record]:
        if answers.get(question.key) or not (question.required or question.ask):
            continue
        if question.key == "description" and record == "partner":
            # One description per tier: what is done together at that tier.
            answers["description"] = [
                _prompt(Question("description", question.field, True), ids, ask, say, lang,
                        label=format_message("new_tier_description", lang, tier=tier))
                for tier in answers.get("tier", [])
            ]
            continue
        answer = _prompt(question, ids, ask, say, lang)
        if answer:
            answers[question.key] = answer


def run_new(args: argparse.Namespace, project: Project, say: Say, ask: Ask = input) -> int:
    """Create one record file from options and answers; refuse to overwrite and to write an invalid file."""
    record, lang = args.target, args.lang
    if record not in RECORD_TYPES:
        say(format_message("new_what", lang, records="|".join(RECORD_TYPES)))
        return EXIT_USAGE
    answers = _answers_from_options(args, record, say)
    if answers is None:
        return EXIT_USAGE
    content = load_content(project.content_dir, project.root, args.lang)
    ids = collect_ids(content)
    if sys.stdin.isatty() and would_ask(record, answers):
        try:
            _ask_missing(record, answers, ids, ask, say, lang)
        except EOFError:
            say(format_message("new_eof", lang))
            return EXIT_USAGE
    missing = find_missing(record, answers)
    if missing:
        say(format_message("new_missing", lang, fields=", ".join(f"{q.option} ({q.field.title})" for q in missing)))
        return EXIT_USAGE
    new = render_record(record, answers, date.today())
    if (project.root / new.path).exists():
        say(format_message("new_exists", lang, path=new.path))
        return EXIT_CONTENT
    problems = problems_in_new_file(content, new, record, args.lang)
    if problems:
        for problem in problems:
            print(problem.render(args.lang), flush=True)
        say(format_message("new_not_created", lang))
        return EXIT_CONTENT
    try:
        create_files(project.root, {new.path: new.text})
    except OutputError as error:
        say(error.render(lang))
        return EXIT_CONTENT
    say(format_message("new_created", lang, path=new.path, id=new.id))
    if PLACEHOLDER_TEXT in new.text:
        say(format_message("new_fill_description", lang, placeholder=PLACEHOLDER_TEXT))
    if PLACEHOLDER_GOAL in new.text:
        say(format_message("new_fill_description", lang, placeholder=PLACEHOLDER_GOAL))
    say(format_message("new_check_next", lang))
    return EXIT_OK


def would_ask(record: str, answers: dict[str, Any]) -> bool:
    """Return True when some question would be asked on a terminal."""
    return any(not answers.get(q.key) and (q.required or q.ask) for q in QUESTIONS[record])


def find_installed_source() -> str:
    """Return where this partnerkit was installed from in pip form when it came from Git, else a placeholder."""
    try:
        direct = json.loads(metadata.distribution("partnerkit").read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return DEFAULT_SOURCE
    vcs = direct.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and direct.get("url"):
        url = str(direct["url"])
        url = url if url.startswith("git+") else "git+" + url
        return f"{url}@{vcs.get('commit_id') or vcs.get('requested_revision') or 'main'}"
    return DEFAULT_SOURCE


def run_init(args: argparse.Namespace, say: Say, ask: Ask = input) -> int:
    """Create a new toolbox repository that builds at once; refuse a folder that already has files."""
    lang = args.lang
    if not args.target:
        say(format_message("init_which_folder", lang))
        return EXIT_USAGE
    target = Path(args.target).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        say(format_message("init_not_empty", lang, path=target))
        return EXIT_CONTENT
    institution = args.institution
    if not institution and sys.stdin.isatty():
        institution = ask(format_message("init_ask_institution", lang)).strip()
    source = args.partnerkit_source or find_installed_source()
    env = make_environment(SHIPPED_TEMPLATES, autoescape=False)
    files = render_skeleton(env, institution or "Oppilaitoksen nimi", source, date.today())
    target.mkdir(parents=True, exist_ok=True)
    create_files(target, files)
    repository = init_repository(target)
    say(format_message("init_created", lang, path=target, count=len(files)))
    for name in files:
        say(f"  {name}")
    say(format_message("init_next", lang))
    say(f"  cd {target}")
    say(format_message("init_next_check", lang))
    say(format_message("init_next_build", lang))
    if source == DEFAULT_SOURCE:
        say(format_message("init_next_requirements", lang))
    commit = f"git add -A && git commit -m \"{format_message('init_commit_message', lang)}\""
    say("  " + (commit if repository else format_message("init_no_git", lang)))
    say(format_message("init_next_publish", lang))
    return EXIT_OK
