"""The toolbox as MkDocs pages and navigation: Toolbox -> {docs path: Markdown text}. Pure."""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..audience import view_for
from ..model import Contact, Cooperation, Method, Partner, Team, Toolbox
from ..schema import METHOD_KINDS, PARTNER_TYPES

@dataclass(frozen=True)
class SiteSettings:
    """What the renderer needs from mkdocs.yml and the command line."""

    edit_base: str = ""  # e.g. https://git.example/org/toolbox/edit/main/ ; empty: no edit links
    audience: str = "internal"


@dataclass(frozen=True)
class SiteFiles:
    """The generated documentation pages and the navigation that goes into the MkDocs config."""

    pages: dict[str, str]
    nav: list[Any]


@dataclass
class _Index:
    """Lookups derived once from the toolbox so every page renders in time proportional to its own size."""

    contacts: dict[str, Contact] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    partners_by_tier: dict[str, list[tuple[Partner, Cooperation]]] = field(default_factory=lambda: defaultdict(list))
    methods_by_tier: dict[str, list[Method]] = field(default_factory=lambda: defaultdict(list))
    coops_by_contact: dict[str, list[tuple[Partner, Cooperation]]] = field(default_factory=lambda: defaultdict(list))
    owned_by_contact: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    members_by_team: dict[str, list[Contact]] = field(default_factory=lambda: defaultdict(list))


def index_toolbox(toolbox: Toolbox) -> _Index:
    """Return the lookups the pages need, built in one pass over the toolbox."""
    index = _Index()
    index.contacts = {c.id: c for c in toolbox.contacts}
    index.teams = {t.id: t for t in toolbox.teams}
    for partner in toolbox.partners:
        for coop in partner.cooperations:
            index.partners_by_tier[coop.tier].append((partner, coop))
            for contact_id in coop.contacts:
                index.coops_by_contact[contact_id].append((partner, coop))
    for method in toolbox.methods:
        for tier_id in method.tiers:
            index.methods_by_tier[tier_id].append(method)
        if method.owner:
            index.owned_by_contact[method.owner].append((method_path(method.id), method.title, METHOD_KINDS[method.kind]))
    for guide in toolbox.guides:
        if guide.owner:
            index.owned_by_contact[guide.owner].append((guide_path(guide.id), guide.title, "Ohje"))
    for contact in toolbox.contacts:
        index.members_by_team[contact.team].append(contact)
    for pairs in index.partners_by_tier.values():
        pairs.sort(key=lambda pair: (pair[0].name.lower(), pair[0].id))
    return index


def tier_path(tier_id: str) -> str:
    """Return the docs path of a tier page."""
    return f"tasot/{tier_id}.md"


def partner_path(partner_id: str) -> str:
    """Return the docs path of a partner page."""
    return f"kumppanit/{partner_id}.md"


def method_path(method_id: str) -> str:
    """Return the docs path of a method page."""
    return f"menetelmat/{method_id}.md"


def guide_path(guide_id: str) -> str:
    """Return the docs path of a guide page."""
    return f"oppaat/{guide_id}.md"


def contact_path(contact_id: str) -> str:
    """Return the docs path of a contact person's page."""
    return f"henkilot/{contact_id}.md"


def team_path(team_id: str) -> str:
    """Return the docs path of a team page."""
    return f"tiimit/{team_id}.md"


def html_path(docs_path: str) -> str:
    """Return the built HTML path of a docs page (the site is built without directory URLs)."""
    return docs_path[: -len(".md")] + ".html"


@jinja2.pass_context
def _href(context: Any, target: str) -> str:
    here = posixpath.dirname(html_path(context["here"]))
    return posixpath.relpath(html_path(target), here or ".")


def render_site(toolbox: Toolbox, settings: SiteSettings, env: jinja2.Environment) -> SiteFiles:
    """Return every generated page of the site and its navigation."""
    env.globals["href"] = _href
    toolbox = view_for(toolbox, settings.audience)
    index = index_toolbox(toolbox)
    common = {
        "toolbox": toolbox,
        "index": index,
        "partner_types": PARTNER_TYPES,
        "method_kinds": METHOD_KINDS,
        "tiers": {tier.id: tier for tier in toolbox.tiers},
        "internal": settings.audience == "internal",
        "tier_path": tier_path,
        "partner_path": partner_path,
        "method_path": method_path,
        "guide_path": guide_path,
        "contact_path": contact_path,
        "team_path": team_path,
    }
    pages: dict[str, str] = {}

    def emit(path: str, template: str, title: str, source: str, **extra: Any) -> None:
        # Material puts the meta title into <title> unescaped, so it is escaped here, once.
        front = {"title": str(escape(title))}
        if settings.edit_base and source:
            front["edit_url"] = settings.edit_base + source
        values = {**common, **extra, "here": path, "front_matter": Markup(_front_matter(front))}
        pages[path] = env.get_template(f"site/{template}").render(values)

    emit("index.md", "home.md.j2", toolbox.title, toolbox.source)
    for tier in toolbox.tiers:
        emit(tier_path(tier.id), "tier.md.j2", tier.title, tier.source, tier=tier,
             partners=index.partners_by_tier.get(tier.id, []), methods=index.methods_by_tier.get(tier.id, []))
    emit("kumppanit/index.md", "partners.md.j2", "Kumppanit", "", groups=_group_by_initial(toolbox.partners))
    for partner in toolbox.partners:
        emit(partner_path(partner.id), "partner.md.j2", partner.name, partner.source, partner=partner)
    emit("menetelmat/index.md", "methods.md.j2", "Menetelmät ja työkalut", "")
    for method in toolbox.methods:
        emit(method_path(method.id), "method.md.j2", method.title, method.source, method=method)
    emit("oppaat/index.md", "guides.md.j2", "Ohjeita ja oppaita", toolbox.source)
    for guide in toolbox.guides:
        emit(guide_path(guide.id), "guide.md.j2", guide.title, guide.source, guide=guide)
    if settings.audience == "internal":
        emit("henkilot/index.md", "contacts.md.j2", "Yhteyshenkilöt", "")
        for contact in toolbox.contacts:
            emit(contact_path(contact.id), "contact.md.j2", contact.name, contact.source, contact=contact)
    emit("tiimit/index.md", "teams.md.j2", "Tiimit", "")
    for team in toolbox.teams:
        emit(team_path(team.id), "team.md.j2", team.name, team.source, team=team)
    return SiteFiles(pages, build_nav(toolbox, settings))


def build_nav(toolbox: Toolbox, settings: SiteSettings) -> list[Any]:
    """Return the navigation: short and fixed-size, so build time stays linear in the number of partners."""
    nav: list[Any] = [{"Etusivu": "index.md"}]
    for number, tier in enumerate(toolbox.tiers, start=1):
        nav.append({f"{number}. {tier.title}": tier_path(tier.id)})
    guides: list[Any] = [{"Kaikki ohjeet": "oppaat/index.md"}]
    guides.extend({guide.title: guide_path(guide.id)} for guide in toolbox.guides)
    nav.append({f"{len(toolbox.tiers) + 1}. Ohjeita ja oppaita": guides})
    nav.append({"Menetelmät ja työkalut": "menetelmat/index.md"})
    nav.append({"Kumppanit": "kumppanit/index.md"})
    if settings.audience == "internal":
        nav.append({"Yhteyshenkilöt": "henkilot/index.md"})
    nav.append({"Tiimit": "tiimit/index.md"})
    return nav


def _front_matter(values: dict[str, str]) -> str:
    # JSON strings are valid YAML scalars, so any title (quotes, colons, #) survives the front matter.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _group_by_initial(partners: tuple[Partner, ...]) -> list[tuple[str, list[Partner]]]:
    groups: dict[str, list[Partner]] = defaultdict(list)
    for partner in partners:
        initial = partner.name[:1].upper()
        groups[initial if initial.isalpha() else "#"].append(partner)
    return [(letter, sorted(groups[letter], key=lambda p: (p.name.lower(), p.id))) for letter in sorted(groups)]
