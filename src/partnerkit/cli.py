"""Command line: argument parsing, progress messages and exit codes. Thin on purpose."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from .annotations import FORMATS, render_github, render_gitlab, render_step_summary
from .messages import LANGUAGES, ContentError, Problem, format_summary
# Only what `check` needs is imported here; the builders, the template engine and MkDocs come with the commands
# that use them (importing them all costs about 0.1 s of a 0.7 s check at 20,000 partners).
from .project import Project, read_toolbox, wants_cache
from .schema import schema_files

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_OUTPUT = 2

_TEXT = {
    "fi": {
        "checking": "Tarkistetaan sisältö kansiosta {path}...",
        "valid": "Sisältö on kunnossa: {partners} kumppania, {methods} menetelmää, {guides} ohjetta, "
        "{contacts} yhteyshenkilöä, {teams} tiimiä.",
        "site_done": "Sivusto valmis: {pages} sivua kansiossa {path} ({seconds:.1f} s, josta MkDocs {mkdocs:.1f} s).",
        "packages_done": "Moodle-paketit valmiina kansiossa {path} ({seconds:.1f} s): {files}.",
        "failed": "Koontia ei tehty; aiempi tuloste on ennallaan.",
        "serving": "Esikatselu osoitteessa http://{address}/ . Sivu päivittyy, kun tallennat YAML-tiedoston. "
        "Lopeta painamalla Ctrl+C.",
        "description": "Kumppanuuksien työkalupakki: sisällön tarkistus, sivusto ja Moodle-paketit.",
    },
    "en": {
        "checking": "Checking content in {path}...",
        "valid": "Content is valid: {partners} partners, {methods} methods, {guides} guides, "
        "{contacts} contacts, {teams} teams.",
        "site_done": "Site ready: {pages} pages in {path} ({seconds:.1f} s, MkDocs {mkdocs:.1f} s).",
        "packages_done": "Moodle packages ready in {path} ({seconds:.1f} s): {files}.",
        "failed": "Nothing was built; the previous output is unchanged.",
        "serving": "Preview at http://{address}/ . Pages reload when you save a YAML file. Stop with Ctrl+C.",
        "description": "Partnership toolbox: content check, site and Moodle packages.",
    },
}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _NotQuick(Exception):
    """The command line needs the full parser."""


class _QuickParser(argparse.ArgumentParser):
    """The parser without the options of `new`, which raises instead of exiting on anything it does not know."""

    def error(self, message: str) -> NoReturn:
        raise _NotQuick(message)


def make_parser(lang: str, scaffold: bool = True) -> argparse.ArgumentParser:
    """Return the argument parser of the partnerkit command (without the options of `new` unless scaffold)."""
    if scaffold:
        parser = argparse.ArgumentParser(prog="partnerkit", description=_TEXT[lang]["description"])
    else:
        # No help and no abbreviations: `-h` and `--na` are left over, so the full parser handles them.
        parser = _QuickParser(prog="partnerkit", description=_TEXT[lang]["description"], add_help=False,
                              allow_abbrev=False)
    parser.add_argument("command", nargs="?", default="build",
                        choices=["build", "check", "serve", "schema", "new", "init"],
                        help="build (oletus): tarkistus, sivusto ja paketit; check: vain tarkistus; serve: esikatselu; "
                        "schema: kirjoita JSON Schema -tiedostot kansioon schema/; new: uusi kumppani, menetelmä, "
                        "yhteyshenkilö, tiimi tai ohje; init: uusi työkalupakki")
    parser.add_argument("target", nargs="?", help="new: partner, method, contact, team tai guide; init: kansio")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="virheiden muoto: text (oletus); github: GitHub Actionsin rivikohtaiset huomautukset ja "
                        "yhteenveto; gitlab: GitLabin Code Quality -raportti (JSON) vakiotulosteeseen")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="projektin kansio (oletus: nykyinen kansio)")
    parser.add_argument("--lang", choices=LANGUAGES, default=lang, help="viestien kieli (fi tai en)")
    parser.add_argument("--audience", choices=["internal", "public"], default="internal",
                        help="internal: henkilöstön versio (oletus); public: julkinen versio ilman henkilötietoja")
    parser.add_argument("--site-dir", type=Path, default=None, help="sivuston kohdekansio (oletus: site)")
    parser.add_argument("--address", default="127.0.0.1:8000", help="serve: osoite ja portti")
    parser.add_argument("--debug", action="store_true", help="näytä virheiden tekniset tiedot")
    if scaffold:
        from .cli_create import add_scaffold_options

        add_scaffold_options(parser)
    return parser


def parse_arguments(argv: list[str] | None, lang: str) -> argparse.Namespace:
    """Parse the command line; `check` without anything else is parsed without importing the options of `new`."""
    # Those options come from cli_create, which imports the whole build. A line the quick parser takes entirely
    # (every option spelled out, nothing left over) means the same to the full parser: only its extra options
    # differ, and `check` reads none of them.
    try:
        args, rest = make_parser(lang, scaffold=False).parse_known_args(argv)
        if not rest and args.command == "check":
            return args
    except _NotQuick:
        pass
    return make_parser(lang).parse_args(argv)


def _output_errors() -> tuple[type[BaseException], ...]:
    """Return the errors that mean no output could be made (looked up only when an error is being handled)."""
    import jinja2

    from .write import OutputError

    return (OutputError, OSError, jinja2.TemplateError)


def report_problems(problems: list[Problem], counts: dict[str, int], fmt: str, lang: str) -> None:
    """Print the check's result in the chosen format; stdout carries only what CI reads."""
    if fmt == "github":
        print(render_github(problems, lang), end="", flush=True)
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as stream:
                stream.write(render_step_summary(problems, counts, lang))
    elif fmt == "gitlab":
        print(render_gitlab(problems, lang), end="", flush=True)
        # The report goes to a file; the job log still shows every problem in plain text.
        for problem in problems:
            _say(problem.render(lang))
    else:
        for problem in problems:
            print(problem.render(lang), flush=True)
    if problems:
        _say(format_summary(problems, lang))


def main(argv: list[str] | None = None) -> int:
    """Run the partnerkit command line and return its exit code."""
    default_lang = os.environ.get("PARTNERKIT_LANG", "fi")
    lang = default_lang if default_lang in LANGUAGES else "fi"
    args = parse_arguments(argv, lang)
    text = _TEXT[args.lang]
    project = Project(args.root.resolve())
    if args.command in ("new", "init"):
        from .cli_create import run_init, run_new

        return run_new(args, project, _say) if args.command == "new" else run_init(args, _say)
    if args.command == "schema":
        from .write import write_tree

        write_tree(project.root / "schema", schema_files())
        return EXIT_OK
    try:
        _say(text["checking"].format(path=project.content_dir))
        toolbox = read_toolbox(project, args.lang, cache=wants_cache(project))
        _say(text["valid"].format(partners=len(toolbox.partners), methods=len(toolbox.methods),
                                  guides=len(toolbox.guides), contacts=len(toolbox.contacts), teams=len(toolbox.teams)))
        if args.command == "check":
            if args.format != "text":
                report_problems([], {"partners": len(toolbox.partners), "methods": len(toolbox.methods),
                                     "guides": len(toolbox.guides), "contacts": len(toolbox.contacts),
                                     "teams": len(toolbox.teams)}, args.format, args.lang)
            return EXIT_OK
        if args.command == "serve":
            from .serve import serve_project

            _say(text["serving"].format(address=args.address))
            serve_project(project, args.audience, args.lang, args.address, _say)
            return EXIT_OK
        from .pipeline import build_outputs

        site_dir = (args.site_dir or project.site_dir).resolve()
        dist_dir = (project.root / "dist").resolve()
        # Both outputs are swapped in together at the end, so a failure leaves both as they were.
        report, packages = build_outputs(project, toolbox, args.audience, site_dir, dist_dir, _say)
        _say(text["site_done"].format(pages=report.pages, path=site_dir, seconds=report.seconds,
                                      mkdocs=report.mkdocs_seconds))
        _say(text["packages_done"].format(path=dist_dir, seconds=packages.seconds, files=", ".join(
            f"{name} ({size / 1024:.0f} kB)" for name, size in packages.files.items())))
        return EXIT_OK
    except ContentError as error:
        report_problems(error.problems, {}, args.format, args.lang)
        return EXIT_CONTENT
    except _output_errors() as error:
        if args.debug:
            raise
        _say(f"{error}")
        _say(text["failed"])
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        _say(text["failed"])
        return 130
