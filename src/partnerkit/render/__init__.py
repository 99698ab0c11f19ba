"""Renderers: pure functions from a Toolbox to files in memory."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..collation import collation_key
from ..markup import MarkdownCache
from ..model import Toolbox
from ..validate import suggest_id

# Python-Markdown's escapable characters, escaped before HTML escaping so that entities stay intact;
# ">" is left out because HTML escaping turns it into &gt;, which cannot start a quote.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def escape_markdown(text: str) -> Markup:
    """Return plain text made safe for Markdown and HTML: it renders exactly as written."""
    return escape(_MD_SPECIAL.sub(r"\\\1", text))


def breakable_email(address: str) -> Markup:
    """Return an e-mail address as HTML that a narrow column wraps after its @ rather than inside a name."""
    # Table cells let a long word break anywhere (partnerkit.css), which split "sote@jarvilaakso.exa|mple" at 390 px;
    # a word-break opportunity after the @ is taken first. Copying the address copies it whole.
    local, at, domain = address.partition("@")
    if not at or not local or not domain:
        return escape(address)
    return Markup(f"{escape(local)}@<wbr>{escape(domain)}")


def make_environment(templates_dir: Path, autoescape: bool = True) -> jinja2.Environment:
    """Return a strict Jinja2 environment over templates_dir; autoescape is chosen by output format.

    The environment is a rendering session: its compiled templates and the Markdown it has rendered live as
    long as it does (a build, or a preview between full rebuilds).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["email"] = breakable_email
    markdown = MarkdownCache()
    env.extend(partnerkit_markdown=markdown)  # for prime_markdown
    env.filters["markdown"] = lambda text: Markup(markdown.html(text))
    env.filters["inline"] = lambda text: Markup(markdown.inline(text))
    # One date format for readers everywhere, the Finnish d.m.yyyy (1.3.2026).
    env.filters["pvm"] = lambda day: f"{day.day}.{day.month}.{day.year}"
    # Listings in Finnish alphabetical order (collation.py), the same key as every sorted listing in Python.
    env.filters["collate"] = lambda items, attribute: sorted(items,
                                                             key=lambda item: collation_key(getattr(item, attribute)))
    return env


def shown_markdown(view: Toolbox) -> list[str]:
    """Return the Markdown texts there are many of in a toolbox (one per cooperation, method, plan action, ...)."""
    texts = [coop.description for partner in view.partners for coop in partner.cooperations]
    texts += [partner.notes for partner in view.partners]
    texts += [method.body for method in view.methods]
    texts += [team.description for team in view.teams]
    for plan in view.plans:
        texts += [goal.text for goal in plan.goals]
        texts += [action.description for action in plan.actions]
        texts += [action.evaluation.learned for action in plan.actions if action.evaluation is not None]
    return texts


def package_slug(toolbox: Toolbox) -> str:
    """Return the file-name stem of the toolbox's Moodle packages, derived from its title."""
    # Bounded: the stem goes into file names (255 bytes on most file systems) and the course's short name.
    return suggest_id(toolbox.title)[:60].rstrip("-") or "tyokalupakki"
