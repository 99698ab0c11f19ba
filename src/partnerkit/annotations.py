"""Problems in the formats CI hosts show next to the changed line. Pure: problems in, text out.

GitHub Actions reads workflow commands from a step's output and turns them into annotations on the pull
request's changed lines; GitLab reads a Code Quality report (a JSON list) and lists each finding in the merge
request with its file and line.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from .messages import Problem, format_message, format_summary

FORMATS = ("text", "github", "gitlab")

def escape_data(text: str) -> str:
    """Escape a workflow command's message as GitHub requires: %, carriage return and line feed."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: the message escapes plus ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_problem(problem: Problem, lang: str) -> str:
    """Return a problem's message without its location."""
    return format_message(problem.code, lang, **dict(problem.params))


def render_github(problems: list[Problem], lang: str = "fi") -> str:
    """Return one ::error workflow command per problem, each on its own line."""
    lines = []
    for problem in problems:
        properties = {
            "file": problem.path,
            "line": str(problem.line),
            "col": str(problem.column),
            "title": format_message("ci_title", lang, rule=problem.code),
        }
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        lines.append(f"::error {joined}::{escape_data(format_problem(problem, lang))}\n")
    return "".join(lines)


def render_gitlab(problems: list[Problem], lang: str = "fi") -> str:
    """Return a GitLab Code Quality report: a JSON list of findings with stable fingerprints."""
    seen: Counter[tuple[str, str, str]] = Counter()
    findings = []
    for problem in problems:
        message = format_problem(problem, lang)
        identity = (problem.path, problem.code, message)
        seen[identity] += 1
        # Without the line number, so a finding keeps its fingerprint when lines above it move; the running
        # count keeps identical findings in one file apart (GitLab shows only one finding per fingerprint).
        digest = hashlib.sha256("\0".join((*identity, str(seen[identity]))).encode("utf-8")).hexdigest()[:32]
        findings.append(
            {
                "description": message,
                "check_name": f"partnerkit/{problem.code}",
                "fingerprint": digest,
                "severity": "major",
                "location": {"path": problem.path, "lines": {"begin": problem.line}},
            }
        )
    return json.dumps(findings, ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")


def render_step_summary(problems: list[Problem], counts: dict[str, int], lang: str = "fi") -> str:
    """Return the Markdown summary shown on the CI run's page: every problem in a table, or the all-clear."""
    lines = [f"## {format_message('ci_heading', lang)}", ""]
    if not problems:
        lines.append(format_message("ci_ok", lang, **counts))
        return "\n".join(lines) + "\n"
    lines += [format_summary(problems, lang), "", format_message("ci_columns", lang), "|---|---:|---:|---|"]
    for problem in problems:
        lines.append(f"| `{_cell(problem.path)}` | {problem.line} | {problem.column} | "
                     f"{_cell(format_problem(problem, lang))} |")
    lines += ["", format_message("ci_next", lang)]
    return "\n".join(lines) + "\n"
