"""Command line: argument parsing, progress messages and exit codes. Thin on purpose."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

from .annotations import FORMATS, render_github, render_gitlab, render_step_summary
from .messages import LANGUAGES, ContentError, LocalizedError, Problem, format_message, format_summary
# Only what `check` needs is imported here; the builders, the template engine and MkDocs come with the commands
# that use them (importing them all costs about 0.1 s of a 0.7 s check at 20,000 partners).
from .project import Project, read_notices, read_toolbox, read_toolbox_apart, wants_cache
from .schema import schema_files

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_OUTPUT = 2
COMMANDS = ("build", "check", "serve", "schema", "new", "init", "import", "migrate")
MIGRATIONS = ("fields",)
# Choices are checked after parsing, so the message can name the option and the allowed values in the user's
# language (argparse's own "invalid choice" names the positional argument, which reads as if a path were wrong).
CHOICES = {"command": COMMANDS, "format": FORMATS, "lang": LANGUAGES, "audience": ("internal", "public")}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class UsageError(Exception):
    """The command line cannot be read; carries the message in the user's language."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are raised (in the user's language) instead of printed in English."""

    def __init__(self, lang: str, **kwargs: Any) -> None:
        super().__init__(formatter_class=_formatter(lang), **kwargs)
        self.lang = lang

    def error(self, message: str) -> NoReturn:
        raise UsageError(_usage_message(message, self.lang))


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, prefix or format_message("cli_usage", lang))

    return Formatter


def _usage_message(message: str, lang: str) -> str:
    """Return argparse's English error as the catalogue's message naming the option."""
    for marker in ("expected one argument", "expected at least one argument"):
        if marker in message and message.startswith("argument "):
            option = message[len("argument "):].split(":", 1)[0].split("/")[-1]
            return format_message("cli_missing_value", lang, option=option)
    if message.startswith("unrecognized arguments: "):
        return format_message("cli_unknown_option", lang, option=message.split(": ", 1)[1])
    return format_message("cli_usage_error", lang, detail=message)


def make_parser(lang: str, scaffold: bool = True) -> argparse.ArgumentParser:
    """Return the argument parser of the partnerkit command (without the options of `new` unless scaffold)."""
    text = lambda key: format_message(key, lang)  # noqa: E731 - the help texts read better this way
    # Without the options of `new`: no help and no abbreviations, so `-h` and `--na` are left over for the full parser.
    parser = _Parser(lang, prog="partnerkit", description=text("cli_description"), add_help=False,
                     allow_abbrev=scaffold)
    parser._positionals.title = text("cli_positionals")
    parser._optionals.title = text("cli_options")
    if scaffold:
        parser.add_argument("-h", "--help", action="help", help=text("cli_help_help"))
    parser.add_argument("command", nargs="?", default="build", help=text("cli_help_command"))
    parser.add_argument("target", nargs="?", help=text("cli_help_target"))
    parser.add_argument("--format", default="text", help=text("cli_help_format"))
    parser.add_argument("--root", type=Path, default=Path.cwd(), help=text("cli_help_root"))
    parser.add_argument("--lang", default=lang, help=text("cli_help_lang"))
    parser.add_argument("--audience", default="internal", help=text("cli_help_audience"))
    parser.add_argument("--site-dir", type=Path, default=None, help=text("cli_help_site_dir"))
    parser.add_argument("--dist-dir", type=Path, default=None, help=text("cli_help_dist_dir"))
    parser.add_argument("--address", default="127.0.0.1:8000", help=text("cli_help_address"))
    parser.add_argument("--debug", action="store_true", help=text("cli_help_debug"))
    parser.add_argument("--apply", action="store_true", help=text("cli_help_apply"))
    if scaffold:
        from .cli_create import add_scaffold_options

        add_scaffold_options(parser, lang)
        from .cli_import import add_import_options

        add_import_options(parser, lang)
    return parser


def check_choices(args: argparse.Namespace, lang: str) -> None:
    """Raise UsageError naming the option when a value is not one of its choices."""
    for name, allowed in CHOICES.items():
        value = getattr(args, name)
        if value in allowed:
            continue
        if name == "command":
            hint = format_message("cli_command_is_path", lang, value=value) if Path(value).exists() else ""
            raise UsageError(format_message("cli_unknown_command", lang, value=value, allowed=", ".join(allowed),
                                            hint=hint))
        raise UsageError(format_message("cli_bad_choice", lang, option="--" + name, value=value,
                                        allowed=", ".join(allowed)))


def _language_of(argv: list[str], default: str) -> str:
    """Return the language asked for on the command line (so even a wrong command line is answered in it)."""
    for number, argument in enumerate(argv):
        value = argument.split("=", 1)[1] if argument.startswith("--lang=") else (
            argv[number + 1] if argument == "--lang" and number + 1 < len(argv) else "")
        if value in LANGUAGES:
            return value
    return default


def parse_arguments(argv: list[str] | None, lang: str) -> argparse.Namespace:
    """Parse the command line; `check` without anything else is parsed without importing the options of `new`."""
    argv = sys.argv[1:] if argv is None else argv
    lang = _language_of(argv, lang)
    # Those options come from cli_create, which imports the whole build. A line the quick parser takes entirely
    # (every option spelled out, nothing left over) means the same to the full parser: only its extra options
    # differ, and `check` reads none of them.
    try:
        args, rest = make_parser(lang, scaffold=False).parse_known_args(argv)
        if not rest and args.command == "check":
            check_choices(args, lang)
            return args
    except UsageError:
        pass
    args = make_parser(lang).parse_args(argv)
    check_choices(args, lang)
    return args


def _output_errors() -> tuple[type[BaseException], ...]:
    """Return the errors that mean no output could be made (looked up only when an error is being handled)."""
    import jinja2

    return (OSError, jinja2.TemplateError)


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


def _counts(toolbox: Any) -> dict[str, int]:
    return {"partners": len(toolbox.partners), "methods": len(toolbox.methods), "guides": len(toolbox.guides),
            "contacts": len(toolbox.contacts), "teams": len(toolbox.teams)}


def main(argv: list[str] | None = None) -> int:
    """Run the partnerkit command line and return its exit code; a user never sees a traceback."""
    default_lang = os.environ.get("PARTNERKIT_LANG", "fi")
    lang = default_lang if default_lang in LANGUAGES else "fi"
    try:
        args = parse_arguments(argv, lang)
    except UsageError as error:
        _say(format_message("cli_error_prefix", _language_of(sys.argv[1:] if argv is None else argv, lang),
                            message=str(error)))
        return EXIT_OUTPUT
    lang = args.lang
    try:
        return run_command(args, lang)
    except ContentError as error:
        report_problems(error.problems, {}, args.format, lang)
        return EXIT_CONTENT
    except LocalizedError as error:
        if args.debug:
            raise
        _say(error.render(lang))
        _say(format_message("cli_failed", lang))
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        _say(format_message("cli_interrupted", lang))
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: a message, never a traceback
        if args.debug:
            raise
        if isinstance(error, _output_errors()):
            _say(format_message("out_os", lang, detail=error))
        else:
            _say(format_message("cli_unexpected", lang, detail=f"{type(error).__name__}: {error}"))
        _say(format_message("cli_failed", lang))
        return EXIT_OUTPUT


def run_command(args: argparse.Namespace, lang: str) -> int:
    """Run the command args name; content and output errors propagate to main."""
    project = Project(args.root.resolve())
    if args.command in ("new", "init"):
        from .cli_create import run_init, run_new

        return run_new(args, project, _say) if args.command == "new" else run_init(args, _say)
    if args.command == "import":
        from .cli_import import run_import

        return run_import(args, project, _say)
    if args.command == "migrate":
        return run_migrate(args, project, lang)
    if args.command == "schema":
        from .write import write_tree

        write_tree(project.root / "schema", schema_files())
        _say(format_message("cli_schema_done", lang, path=project.root / "schema"))
        return EXIT_OK
    _say(format_message("cli_checking", lang, path=project.content_dir))
    # A build keeps the model through rendering: its content is read apart, so the reading's heap is not kept.
    # check exits at once and the preview keeps rereading: they read here.
    reader = read_toolbox if args.command in ("check", "serve") else read_toolbox_apart
    toolbox = reader(project, lang, cache=wants_cache(project))
    _say(format_message("cli_valid", lang, **_counts(toolbox)))
    if args.command == "check":
        if args.format != "text":
            report_problems([], _counts(toolbox), args.format, lang)
        else:
            # What the public build will leave out or lacks: located, but no reason to fail the check, so they go
            # with the progress lines (stderr) and stdout keeps only problems.
            notices = read_notices(project, toolbox)
            for notice in notices:
                _say(notice.render(lang))
            if notices:
                _say(format_message("cli_notices", lang, count=len(notices)))
        return EXIT_OK
    if args.command == "serve":
        from .serve import serve_project

        _say(format_message("cli_serving", lang, address=args.address))
        serve_project(project, args.audience, lang, args.address, _say)
        return EXIT_OK
    from .pipeline import build_outputs

    site_dir = (args.site_dir or project.site_dir).absolute()
    dist_dir = (args.dist_dir or project.root / "dist").absolute()
    # Both outputs are swapped in together at the end, so a failure leaves both as they were.
    progress = lambda key, **fields: _say(format_message(key, lang, **fields))  # noqa: E731
    report, packages = build_outputs(project, toolbox, args.audience, site_dir, dist_dir, progress)
    assert report is not None and packages is not None  # both targets were given
    _say(format_message("cli_site_done", lang, pages=report.pages, path=site_dir, seconds=f"{report.seconds:.1f}",
                        mkdocs=f"{report.mkdocs_seconds:.1f}"))
    _say(format_message("cli_packages_done", lang, path=dist_dir, seconds=f"{packages.seconds:.1f}", files=", ".join(
        f"{name} ({size / 1024:.0f} kB)" for name, size in packages.files.items())))
    return EXIT_OK


def run_migrate(args: argparse.Namespace, project: Project, lang: str) -> int:
    """Show (or with --apply write) the migration of the partners' free-text fields to the field vocabulary."""
    if args.target not in MIGRATIONS:
        raise LocalizedError("migrate_unknown", value=args.target or "", allowed=", ".join(MIGRATIONS))
    from .load import display_path, list_content_files
    from .migrate import FIELDS_FILE, plan_field_migration
    from .write import replace_file

    vocabulary_file = project.content_dir / FIELDS_FILE
    shown_vocabulary = display_path(vocabulary_file, project.root)
    files = {display_path(f, project.root): f for f, record in list_content_files(project.content_dir)
             if record == "partner" and f.is_file()}
    texts = {shown: file.read_text(encoding="utf-8") for shown, file in files.items()}
    existing = vocabulary_file.read_text(encoding="utf-8") if vocabulary_file.is_file() else None
    plan = plan_field_migration(texts, existing)
    for path in plan.unreadable:
        _say(format_message("migrate_unreadable", lang, path=path))
    if not plan.changes and not plan.vocabulary_text:
        _say(format_message("migrate_nothing", lang, path=shown_vocabulary))
        return EXIT_OK
    if plan.added_fields:
        print(format_message("migrate_vocabulary", lang, path=shown_vocabulary, count=len(plan.added_fields)))
        for field_id, name in plan.added_fields:
            print(format_message("migrate_vocabulary_item", lang, id=field_id, name=name))
    for change in plan.changes:
        print(format_message("migrate_change", lang, path=change.path, line=change.line, column=change.column,
                             old=change.old, new=change.new), flush=True)
    if not args.apply:
        _say(format_message("migrate_dry_run", lang, count=len(plan.rewritten), path=shown_vocabulary))
        return EXIT_OK
    # The vocabulary first: interrupted halfway, the partners not yet rewritten fail the check with a suggestion,
    # and running the command again finishes the job.
    if plan.vocabulary_text:
        replace_file(plan.vocabulary_text.encode("utf-8"), vocabulary_file)
    for shown, text in sorted(plan.rewritten.items()):
        replace_file(text.encode("utf-8"), files[shown])
    _say(format_message("migrate_done", lang, count=len(plan.rewritten), path=shown_vocabulary))
    return EXIT_OK
