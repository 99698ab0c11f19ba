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
    DEFAULT_SOURCE, OPTION_KEYS, PLACEHOLDER_TEXT, QUESTIONS, RECORD_TYPES, Question, check_answer, collect_ids,
    find_missing, problems_in_new_file, render_record, render_skeleton,
)
from .write import OutputError, create_files

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
Say = Callable[[str], None]
Ask = Callable[[str], str]
_LABELS = {"type": PARTNER_TYPES, "kind": METHOD_KINDS}


def add_scaffold_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of `new` (one per record field, named after the schema) and `init`."""
    group = parser.add_argument_group("new: uuden tietueen kentät (päätteessä puuttuvat kysytään)")
    titles: dict[str, str] = {}
    for questions in QUESTIONS.values():
        for question in questions:
            titles.setdefault(question.key, question.field.title)
    for key in OPTION_KEYS:
        many = any(q.key == key and q.many for qs in QUESTIONS.values() for q in qs)
        group.add_argument("--" + key.replace("_", "-"), dest=f"new_{key}", action="append", metavar="ARVO",
                           help=titles[key] + (" (voi antaa monta kertaa)" if many else ""))
    group.add_argument("--id", dest="new_id", help="tunniste (oletus: nimestä tai otsikosta, ä → a, ö → o)")
    group.add_argument("--publishable", dest="new_publishable", action="store_true",
                       help="kumppanin saa näyttää julkisessa versiossa")
    init = parser.add_argument_group("init: uusi työkalupakki")
    init.add_argument("--institution", help="oppilaitoksen nimi")
    init.add_argument("--partnerkit-source", help="mistä uuden työkalupakin CI asentaa partnerkitin "
                      "(pip-muoto, esimerkiksi git+https://palvelin/org/partnerkit.git@v1)")


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
            say(f"Valitsin {question.option} on annettu {len(given)} kertaa; anna se vain kerran.")
            valid = False
        else:
            answers[question.key] = given[0].strip()
    unused = sorted(k for k in OPTION_KEYS if getattr(args, f"new_{k}") is not None
                    and k not in {q.key for q in QUESTIONS[record]})
    for key in unused:
        say(f"Valitsin --{key.replace('_', '-')} ei kuulu tietueeseen {record}; se jätetään huomiotta.")
    return answers if valid else None


def _prompt(question: Question, ids: dict[str, list[str]], ask: Ask, say: Say, label: str = "") -> Any:
    """Ask one question until the answer is usable; return a list for questions with many answers."""
    spec = question.field
    # Fields with a fixed set of answers show the choices; the others their Finnish description from the schema.
    if spec.kind == "enum":
        labels = _LABELS.get(question.key, {})
        say("  Vaihtoehdot: " + ", ".join(f"{c} ({labels[c]})" if c in labels else c for c in spec.choices))
    elif spec.target and ids.get(spec.target):
        say("  Vaihtoehdot: " + ", ".join(ids[spec.target]))
    else:
        say(f"  {spec.description}")
    suffix = " (erota pilkulla)" if question.many else ("" if question.required else " (valinnainen, Enter ohittaa)")
    while True:
        raw = ask(f"{label or spec.title}{suffix}: ").strip()
        values = [v.strip() for v in raw.split(",") if v.strip()] if question.many else [raw]
        if question.many and not values and not question.required:
            return []
        problems = [check_answer(question, value, ids) for value in (values or [""])]
        problems = [p for p in problems if p]
        if not problems:
            return values if question.many else raw
        say("  " + problems[0])


def _ask_missing(record: str, answers: dict[str, Any], ids: dict[str, list[str]], ask: Ask, say: Say) -> None:
    say(f"Uusi {record}: vastaa kysymyksiin. Keskeytä painamalla Ctrl+C.")
    for question in QUESTIONS[record]:
        if answers.get(question.key) or not (question.required or question.ask):
            continue
        if question.key == "description" and record == "partner":
            # One description per tier: what is done together at that tier.
            answers["description"] = [
                _prompt(Question("description", question.field, True), ids, ask, say,
                        label=f"Yhteistyön kuvaus tasolla {tier}") for tier in answers.get("tier", [])
            ]
            continue
        answer = _prompt(question, ids, ask, say)
        if answer:
            answers[question.key] = answer


def run_new(args: argparse.Namespace, project: Project, say: Say, ask: Ask = input) -> int:
    """Create one record file from options and answers; refuse to overwrite and to write an invalid file."""
    record = args.target
    if record not in RECORD_TYPES:
        say(f"Kerro, mitä luodaan: partnerkit new {'|'.join(RECORD_TYPES)}.")
        return EXIT_USAGE
    answers = _answers_from_options(args, record, say)
    if answers is None:
        return EXIT_USAGE
    content = load_content(project.content_dir, project.root, args.lang)
    ids = collect_ids(content)
    if sys.stdin.isatty() and would_ask(record, answers):
        try:
            _ask_missing(record, answers, ids, ask, say)
        except EOFError:
            say("Syöte päättyi kesken; tiedostoa ei luotu.")
            return EXIT_USAGE
    missing = find_missing(record, answers)
    if missing:
        say("Puuttuvat tiedot: " + ", ".join(f"{q.option} ({q.field.title})" for q in missing)
            + ". Anna ne valitsimina tai aja komento päätteessä, jolloin se kysyy ne.")
        return EXIT_USAGE
    new = render_record(record, answers, date.today())
    if (project.root / new.path).exists():
        say(f"{new.path}: tiedosto on jo olemassa, eikä sitä korvata. Valitse toinen tunniste valitsimella --id "
            "tai muokkaa olemassa olevaa tiedostoa.")
        return EXIT_CONTENT
    problems = problems_in_new_file(content, new, record, args.lang)
    if problems:
        for problem in problems:
            print(problem.render(args.lang), flush=True)
        say("Tiedostoa ei luotu: korjaa annetut tiedot ja yritä uudelleen.")
        return EXIT_CONTENT
    try:
        create_files(project.root, {new.path: new.text})
    except OutputError as error:
        say(str(error))
        return EXIT_CONTENT
    say(f"Luotu {new.path} (tunniste {new.id}).")
    if PLACEHOLDER_TEXT in new.text:
        say(f"Täydennä tiedostoon kuvaus kohtaan, jossa lukee \"{PLACEHOLDER_TEXT}\".")
    say("Tarkista sisältö komennolla: partnerkit check")
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
    if not args.target:
        say("Kerro uuden työkalupakin kansio: partnerkit init KANSIO")
        return EXIT_USAGE
    target = Path(args.target).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        say(f"{target}: kansio on jo olemassa eikä ole tyhjä; valitse uusi kansio.")
        return EXIT_CONTENT
    institution = args.institution
    if not institution and sys.stdin.isatty():
        institution = ask("Oppilaitoksen tai koulutuksen järjestäjän nimi: ").strip()
    source = args.partnerkit_source or find_installed_source()
    env = make_environment(SHIPPED_TEMPLATES, autoescape=False)
    files = render_skeleton(env, institution or "Oppilaitoksen nimi", source, date.today())
    target.mkdir(parents=True, exist_ok=True)
    create_files(target, files)
    repository = init_repository(target)
    say(f"Uusi työkalupakki luotu kansioon {target} ({len(files)} tiedostoa):")
    for name in files:
        say(f"  {name}")
    say("Seuraavaksi:")
    say(f"  cd {target}")
    say("  partnerkit check        # tarkistaa esimerkkisisällön")
    say("  partnerkit              # rakentaa sivuston kansioon site/ ja Moodle-paketit kansioon dist/")
    if source == DEFAULT_SOURCE:
        say("  Muokkaa requirements.txt: kirjoita siihen partnerkitin Git-osoite, josta CI asentaa sen.")
    commit = "git add -A && git commit -m \"Uusi työkalupakki\""
    say("  " + (commit if repository else "git init (Git ei ollut käytettävissä)"))
    say("  Vie arkisto GitHubiin tai GitLabiin; README.md kertoo, miten julkaisu otetaan käyttöön.")
    return EXIT_OK
