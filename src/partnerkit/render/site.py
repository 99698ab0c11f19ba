"""The toolbox as MkDocs pages and navigation: Toolbox -> {docs path: Markdown text}. Pure."""

from __future__ import annotations

import json
import posixpath
import re
from datetime import date
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Callable
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from ..audience import INTERNAL, Profile
from . import package_slug
from .search import (SEARCH_BUNDLE, SEARCH_BUNDLE_PAGES, SEARCH_PAGE, UNSEARCHED_FOLDERS, SearchEntry, narrowing_term,
                     search_bundles, search_entries, search_kinds, search_synonyms)
from .browse import (FILTER_SCRIPT, PAGE_SIZE, FilterNames, FilterRow, FilterSet, filter_script, filter_set,
                     is_listing_page, letter_anchor, page_of_letter, paginate, relative_file_url, relative_url)
from ..changes import History, compare_history
from ..markup import unlink_addresses
from ..model import Contact, Cooperation, Method, Partner, Plan, Service, Team, Toolbox
from ..review import Review, review_for_build
from ..review import AGREEMENT_NOTICE_DAYS, contact_due_date, count_our_people
from .editor import EDITOR_FOLDER, editor_entry
from .sheets import DOWNLOAD_FOLDER
from .suggest import SuggestTarget, suggest_url
from ..collation import collation_key
from .wheel import SHAPES, count_actions, render_wheel
from .calendar import INSTITUTION_FEED, FeedMemo, FeedSettings, render_feeds, team_feed_path
from .chart import STATES, render_status_chart
from .plans import (DECISION_TEXTS, MONTHS, PLANS_INDEX, STATUS_TEXTS, YearActions, actions_by_month, actions_involving,
                    count_states, plan_path, plan_years, timing_text, year_path)
from ..schema import TIER_IDS, AGREEMENT_KINDS, CONFORMANCE, METHOD_KINDS, PARTNER_SIZES, PARTNER_STATUSES, PARTNER_TYPES

ACCESSIBILITY_PAGE = "saavutettavuusseloste.md"
PRIVACY_PAGE = "tietosuojaseloste.md"
PUBLISHING_PAGE = "yllapito/moodle.md"
CHANGES_PAGE = "muutokset/index.md"
REVIEW_PAGE = "muutokset/tarkistettavat.md"  # staff only: names contact persons and internal gaps
# The review report's lists longer than a page go on alphabetical pages here, staff only like the report:
# (Review field, folder under REVIEW_FOLDER, heading).
REVIEW_FOLDER = "muutokset/tarkistettavat"
REVIEW_LISTS = (("overdue", "vanhentuneet", "Tarkistus on vanhentunut"),
                ("without_contacts", "ilman-yhteyshenkiloa", "Kumppanit ilman yhteyshenkilöä"),
                ("unreferenced", "viittaamattomat", "Yhteyshenkilöt, joihin ei viitata"),
                ("agreements_ending", "sopimukset", "Päättyvät sopimukset"),
                ("contacts_due", "yhteydenpito", "Yhteydenpito myöhässä"),
                ("few_people", "liian-vahan-ihmisia", "Liian vähän yhteyshenkilöitä"),
                ("prospects_without_owner", "potentiaaliset-ilman-vastuuta", "Potentiaaliset kumppanit ilman vastuuhenkilöä"),
                ("similar_names", "samankaltaiset-nimet", "Samankaltaiset nimet"))
REVIEW_OLDEST_SHOWN = 20  # overdue partners the report page itself lists, oldest first, when the list is split
ATTACHMENT_FOLDER = "liitteet"
SERVICES_FOLDER = "palvelut"  # what the institution offers working life (content/services/)
SHAPE_NAMES = {"circle": "ympyrä", "square": "neliö", "triangle": "kolmio", "diamond": "vinoneliö", "cross": "risti"}
# Ended partnerships stay findable on their own pages and on this list (staff only: the public view has none);
# the id "paattyneet" is reserved for it (schema.RESERVED_IDS).
ENDED_PAGE = "kumppanit/paattyneet.md"
ENDED_FOLDER = "kumppanit/paattyneet"
# Listing pages give their tables the full content width: Material's table of contents is left out (front matter
# hide: [toc]); the tier page's own sections are few and short.
WIDE_TEMPLATES = frozenset({"tier.md.j2", "tier_partners.md.j2", "partners.md.j2", "partners_page.md.j2"})
# The staff build must stay out of search engines: a robots meta tag on every page and this file at the root.
ROBOTS_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"

@dataclass(frozen=True)
class SiteSettings:
    """What the renderer needs from mkdocs.yml and the command line."""

    edit_base: str = ""  # e.g. https://git.example/org/toolbox/edit/main/ ; empty: no edit links
    profile: Profile = INTERNAL  # what the pages show; the toolbox given is already this profile's view
    page_size: int = PAGE_SIZE  # rows per page of the tier and partner listings
    search_bundle_pages: int = SEARCH_BUNDLE_PAGES  # searchable pages per search index bundle (render/search.py)
    # Staff only: where "Ehdota muutosta" leads (the toolbox's owner_email fills in the e-mail), and the web
    # editor's links; None in the public profile.
    suggest: SuggestTarget | None = None
    site_url: str = ""  # the site's own address (mkdocs.yml site_url, ending in "/"); "" when not configured


@dataclass(frozen=True)
class SiteFiles:
    """The generated documentation pages and the navigation that goes into the MkDocs config."""

    pages: dict[str, str]
    nav: list[Any]
    # Settings merged into MkDocs' `extra` for this build; the theme templates read them (see templates/theme).
    extra: dict[str, Any] = field(default_factory=dict)
    # Files MkDocs copies as they are into the site root, e.g. robots.txt: {docs path: text}.
    static: dict[str, str | bytes] = field(default_factory=dict)
    # Attachments the pages link to: {docs path: path relative to content/files/}; the pipeline copies them.
    attachments: dict[str, str] = field(default_factory=dict)
    # What the search index holds of each searchable page: {built HTML path: entry} (render/search.py).
    search: dict[str, SearchEntry] = field(default_factory=dict)
    # Groups of words that mean the same in search (render/search.py search_synonyms).
    search_synonyms: tuple[tuple[str, ...], ...] = ()
    # The site folders the search index is written to (render/search.py search_bundles).
    search_bundles: tuple[str, ...] = (SEARCH_BUNDLE,)


FilterRows = tuple[FilterRow, ...]


@dataclass
class SiteMemo:
    """What a preview session keeps from one render of the site to the next; each render keeps only what it used."""

    # A listing's filter choices and data file by its folder and rows: reused while the rows stay the same.
    filters: dict[tuple[str, FilterRows], tuple[FilterNames, FilterSet, str]] = field(default_factory=dict)
    # The calendar feeds by path with what each was made from (render/calendar.py render_feeds).
    feeds: FeedMemo = field(default_factory=dict)
    # Each filter's rows as text, by its folder (render/browse.py filter_script).
    filter_texts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Each partner's listing rows with the partner they were made from, and what else every row was made from.
    row_context: tuple[Any, ...] = ()
    rows: dict[str, tuple[Partner, FilterRow, tuple[FilterRow, ...]]] = field(default_factory=dict)
    # The review report's comparison key of each partner name (review.name_key).
    name_keys: dict[str, str] = field(default_factory=dict)
    # This year's actions by what they involve, with the year and plans they were found in (plans.actions_involving).
    year_actions: tuple[tuple[int, tuple[Plan, ...]], YearActions] | None = None


@dataclass
class _Index:
    """Lookups derived once from the toolbox so every page renders in time proportional to its own size."""

    contacts: dict[str, Contact] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    partners_by_tier: dict[str, list[tuple[Partner, Cooperation]]] = field(default_factory=lambda: defaultdict(list))
    methods_by_tier: dict[str, list[Method]] = field(default_factory=lambda: defaultdict(list))
    coops_by_contact: dict[str, list[tuple[Partner, Cooperation]]] = field(default_factory=lambda: defaultdict(list))
    coops_by_team: dict[str, list[tuple[Partner, Cooperation]]] = field(default_factory=lambda: defaultdict(list))
    owned_by_contact: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    members_by_team: dict[str, list[Contact]] = field(default_factory=lambda: defaultdict(list))
    methods: dict[str, Method] = field(default_factory=dict)
    services_by_tier: dict[str, list[Service]] = field(default_factory=lambda: defaultdict(list))


def index_toolbox(toolbox: Toolbox) -> _Index:
    """Return the lookups the pages need, built in one pass over the toolbox."""
    index = _Index()
    index.contacts = {c.id: c for c in toolbox.contacts}
    index.teams = {t.id: t for t in toolbox.teams}
    for partner in toolbox.partners:
        for coop in partner.cooperations:
            # An ended cooperation is kept out of the tier tables; its page and the list of ended ones keep it.
            if partner.status != "ended":
                index.partners_by_tier[coop.tier].append((partner, coop))
            for contact_id in dict.fromkeys((*coop.contacts, coop.deputy)):
                if contact_id:
                    index.coops_by_contact[contact_id].append((partner, coop))
            if coop.team:
                index.coops_by_team[coop.team].append((partner, coop))
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
    index.methods = {m.id: m for m in toolbox.methods}
    for service in toolbox.services:
        for tier_id in service.tiers:
            index.services_by_tier[tier_id].append(service)
    for pairs in index.partners_by_tier.values():
        pairs.sort(key=lambda pair: (collation_key(pair[0].name), pair[0].id))
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


def service_path(service_id: str) -> str:
    """Return the docs path of a service page."""
    return f"{SERVICES_FOLDER}/{service_id}.md"


def guide_path(guide_id: str) -> str:
    """Return the docs path of a guide page."""
    return f"oppaat/{guide_id}.md"


def contact_path(contact_id: str) -> str:
    """Return the docs path of a contact person's page."""
    return f"henkilot/{contact_id}.md"


def team_path(team_id: str) -> str:
    """Return the docs path of a team page."""
    return f"tiimit/{team_id}.md"


def attachment_path(file: str) -> str:
    """Return the docs path of an attachment (file is relative to content/files/, checked by the validator)."""
    return f"{ATTACHMENT_FOLDER}/{file}"


def html_path(docs_path: str) -> str:
    """Return the built HTML path of a docs page (the site is built without directory URLs)."""
    return docs_path[: -len(".md")] + ".html"


@jinja2.pass_context
def _file_href(context: Any, file: str) -> str:
    here = posixpath.dirname(html_path(context["here"]))
    # Attachment names may hold spaces and Finnish letters; the href carries them percent-encoded.
    return quote(posixpath.relpath(attachment_path(file), here or "."))


@jinja2.pass_context
def _sheet_href(context: Any, stem: str, suffix: str) -> str:
    here = posixpath.dirname(html_path(context["here"]))
    # Tier and team ids are checked ids (no spaces or slashes); quote() keeps any other name safe all the same.
    return quote(posixpath.relpath(f"{DOWNLOAD_FOLDER}/{stem}.{suffix}", here or "."))


def crm_link(pattern: str, partner: Partner) -> str:
    """Return the partner's address in the CRM from the toolbox's crm_url pattern ("" without one or a value)."""
    values = {"business_id": partner.business_id, "id": partner.id}
    if not pattern or any(not values[name] for name in values if "{" + name + "}" in pattern):
        return ""
    # The validator allows only these placeholders; each value is percent-encoded like any URL part.
    for name, value in values.items():
        pattern = pattern.replace("{" + name + "}", quote(value, safe=""))
    return pattern


@jinja2.pass_context
def _href(context: Any, target: str) -> str:
    return relative_file_url(html_path(target), posixpath.dirname(context["here"]))


def render_site(toolbox: Toolbox, settings: SiteSettings, env: jinja2.Environment,
                history: History | None = None, only: Callable[[str, dict[str, Any]], bool] | None = None,
                memo: SiteMemo | None = None, feeds: bool = True) -> SiteFiles:
    """Return every generated page of the site and its navigation; history feeds the changes page.

    toolbox and history are the profile's view (audience.view_for, audience.history_for): the renderer shows
    what it is given, and reads settings.profile only for what the view cannot say (pages for staff only).
    With only, just the pages it accepts (given docs path and template values) are rendered: the preview
    refreshes what changed, and keeps in memo what the next render may reuse. feeds=False leaves the calendar
    feeds out, for a caller that renders them beside the pages (render_feeds with build_reference_date's day).
    """
    env.globals["href"] = _href
    env.globals["file_href"] = _file_href
    env.globals["sheet_href"] = _sheet_href
    profile = settings.profile
    index = index_toolbox(toolbox)
    # Staff only: the review report, whose cutoff also marks a partner page "needs checking".
    review = review_for_build(toolbox, history.commit_date if history else None,
                              memo.name_keys if memo is not None else None) if profile.staff_only else None
    common = {
        "review_cutoff": review.cutoff if review is not None else None,
        "toolbox": toolbox,
        "index": index,
        "partner_types": PARTNER_TYPES,
        "partner_statuses": PARTNER_STATUSES,
        "partner_sizes": PARTNER_SIZES,
        "agreement_kinds": AGREEMENT_KINDS,
        "crm_link": crm_link,
        "contact_due_date": contact_due_date,
        "count_our_people": count_our_people,
        "agreement_notice_days": AGREEMENT_NOTICE_DAYS,
        "method_kinds": METHOD_KINDS,
        "tiers": {tier.id: tier for tier in toolbox.tiers},
        "profile": profile,
        "tier_path": tier_path,
        "partner_path": partner_path,
        "method_path": method_path,
        "guide_path": guide_path,
        "service_path": service_path,
        "contact_path": contact_path,
        "team_path": team_path,
        "conformance": CONFORMANCE,
        "plan_path": plan_path,
        "year_path": year_path,
        "timing_text": timing_text,
        "status_texts": STATUS_TEXTS,
        "decision_texts": DECISION_TEXTS,
        "month_names": MONTHS,
        "tier_ids": TIER_IDS,
        "shape_names": {tier: SHAPE_NAMES[shape] for tier, shape in SHAPES.items()},
        "partners_by_id": {partner.id: partner for partner in toolbox.partners},
        # Staff only: this year's actions on the pages of the partners, methods and people they involve. "This
        # year" is the reference date's (the latest commit's), never the clock's, so a build is reproducible.
        "year_actions": _year_actions([p for p in toolbox.plans if p.team in index.teams],
                                      review.reference_date.year, memo) if review is not None else None,
    }
    pages: dict[str, str] = {}
    emitted: dict[str, tuple[str, dict[str, Any]]] = {}  # the template and values of each page, for search
    # Every page the site has, rendered now or not (a preview renders only what an edit changed): the search
    # index's bundles are counted from the whole site, so the search page names the bundles the full build wrote.
    searchable: set[str] = set()
    suggest = settings.suggest
    if suggest is not None and toolbox.owner_email and not suggest.owner_email:
        suggest = replace(suggest, owner_email=toolbox.owner_email)

    def emit(path: str, template: str, title: str, source: str, later: Callable[[], dict[str, Any]] | None = None,
             **extra: Any) -> None:
        # later gives the values that cost work to compute: only a page that is rendered needs them, and only
        # sees the others (a preview renders the few pages an edit changes of tens of thousands).
        if path != SEARCH_PAGE and not is_listing_page(path) and not path.startswith(UNSEARCHED_FOLDERS):
            searchable.add(path)
        if only is not None and not only(path, extra):
            return
        if later is not None:
            extra.update(later())
        # Material puts the meta title into <title> unescaped, so it is escaped here, once.
        front: dict[str, Any] = {"title": str(escape(title))}
        if template in WIDE_TEMPLATES:
            front["hide"] = ["toc"]
        if settings.edit_base and source:
            front["edit_url"] = settings.edit_base + source
        if suggest is not None and suggest.usable:
            front["suggest_url"] = suggest_url(suggest, title, html_path(path), source)
            entry = editor_entry(source)
            if entry:
                front["editor_url"] = posixpath.relpath(f"{EDITOR_FOLDER}/index.html",
                                                        posixpath.dirname(html_path(path)) or ".") + entry
        if not profile.staff_only:
            # Search engines read the public build: a description and structured data of its own on every page.
            described = extra.pop("description", "") or f"{title} – {toolbox.institution}"
            front["description"] = str(escape(_description(described)))
            linked = extra.pop("jsonld", None)
            if linked is not None:
                front["partnerkit_jsonld"] = _json_ld(linked)
        values = {**common, **extra, "here": path, "front_matter": Markup(_front_matter(front))}
        # Links to the view's hidden addresses (the public view's internal ones) are reduced to their text, in
        # one place for every template and Markdown text of the page.
        pages[path] = unlink_addresses(env.get_template(f"site/{template}").render(values), toolbox.hidden_addresses)
        emitted[path] = (template, extra)

    if profile.staff_only:
        emit("index.md", "home.md.j2", toolbox.title, toolbox.source)
    else:
        # A company is the public build's reader: its home is a page for a company, not the staff's toolbox.
        emit("index.md", "public_home.md.j2", toolbox.public.title if toolbox.public else toolbox.title, "",
             description=toolbox.public.introduction if toolbox.public else toolbox.title,
             jsonld=organization_json_ld(toolbox, settings.site_url))
    browse_files = _emit_listings(emit, toolbox, index, settings, memo, env.filters["markdown"])
    for partner in toolbox.partners:
        emit(partner_path(partner.id), "partner.md.j2", partner.name, partner.source, partner=partner,
             later=lambda partner=partner: {  # type: ignore[misc]
                 "offers": services_for(index, partner), "description": f"{partner.name}, {partner.field}: "
                 + " ".join(coop.description for coop in partner.cooperations)})
    if toolbox.services:
        emit(f"{SERVICES_FOLDER}/index.md", "services.md.j2", "Palvelut työelämälle", "")
    for service in toolbox.services:
        emit(service_path(service.id), "service.md.j2", service.title, service.source, service=service,
             service_methods=[index.methods[m] for m in service.methods], description=service.summary,
             jsonld=service_json_ld(toolbox, service, settings.site_url))
    if profile.staff_only:
        # The methods are the staff's working tools, grouped by tier: the public build has neither.
        emit("menetelmat/index.md", "methods.md.j2", "Menetelmät ja työkalut", "")
        for method in toolbox.methods:
            emit(method_path(method.id), "method.md.j2", method.title, method.source, method=method)
    emit("oppaat/index.md", "guides.md.j2", "Ohjeita ja oppaita", toolbox.source)
    for guide in toolbox.guides:
        emit(guide_path(guide.id), "guide.md.j2", guide.title, guide.source, guide=guide, description=guide.summary)
    if profile.people:
        emit("henkilot/index.md", "contacts.md.j2", "Yhteyshenkilöt", "")
        for contact in toolbox.contacts:
            emit(contact_path(contact.id), "contact.md.j2", contact.name, contact.source, contact=contact)
    overdue_by_team: dict[str, list[Any]] = defaultdict(list)
    for plan, action in review.overdue_actions if review is not None else ():
        overdue_by_team[plan.team].append((plan, action))
    emit("tiimit/index.md", "teams.md.j2", "Tiimit", "")
    shared: dict[str, Any] = {}  # made once, for the first team page rendered

    def team_values(team_id: str) -> dict[str, Any]:
        if not shared:
            shared["tiers"] = partners_by_team_tier(toolbox, index) if profile.tiers else {}
            shared["overdue"] = {p.id for p in review.overdue} if review is not None else set()
        return {"team_tiers": shared["tiers"].get(team_id, []), "overdue_partners": shared["overdue"]}

    for team in toolbox.teams:
        emit(team_path(team.id), "team.md.j2", team.name, team.source, team=team,
             team_feed=posixpath.relpath(team_feed_path(team.id), "tiimit"),
             team_overdue=overdue_by_team.get(team.id, []),
             later=lambda team=team: {  # type: ignore[misc]
                 "team_plans": [p for p in toolbox.plans if p.team == team.id] if profile.staff_only else [],
                 **team_values(team.id)})
    if review is not None:
        _emit_plans(emit, toolbox, index, review.reference_date)
    if profile.staff_only:
        emit(CHANGES_PAGE, "changes.md.j2", "Muutokset", "", history=history,
             changes=compare_history(toolbox, history))
    if review is not None:
        _emit_review(emit, review, settings, _state_summary(toolbox, index, review.reference_date.year))
    emit(ACCESSIBILITY_PAGE, "accessibility.md.j2", "Saavutettavuusseloste", toolbox.source,
         statement=toolbox.accessibility)
    emit(PRIVACY_PAGE, "privacy.md.j2", "Tietosuojaseloste", toolbox.source, notice=toolbox.privacy)
    if profile.staff_only:
        emit(PUBLISHING_PAGE, "publishing.md.j2", "Julkaisu Moodleen", "", slug=package_slug(toolbox))
    static: dict[str, str | bytes] = {"robots.txt": ROBOTS_DISALLOW_ALL} if profile.staff_only else {}
    static.update(browse_files)
    if review is not None and feeds:
        # The calendars are the plans' as well: staff only, stamped with the review's reference date.
        static.update(render_feeds(toolbox, FeedSettings(review.reference_date, people=profile.people),
                                   memo.feeds if memo is not None else None))
    search = search_entries(pages, emitted, toolbox, env.filters["markdown"])
    bundles = search_bundles(len(searchable), settings.search_bundle_pages)
    # The search page sits at the site root: the header's search form on every page submits to it.
    emit(SEARCH_PAGE, "search.md.j2", "Haku", "", search_kinds=search_kinds(profile),
         search_term=narrowing_term, search_merge=bundles[1:])
    return SiteFiles(pages, build_nav(toolbox, settings), build_extra(settings, toolbox), static, collect_attachments(toolbox),
                     search, search_synonyms(toolbox), bundles)


def _year_actions(plans: list[Plan], year: int, memo: SiteMemo | None) -> YearActions:
    """Return actions_involving(plans, year), kept in memo for as long as the plans are the same."""
    if memo is None:
        return actions_involving(plans, year)
    inputs = (year, tuple(plans))
    if memo.year_actions is None or memo.year_actions[0] != inputs:
        memo.year_actions = inputs, actions_involving(plans, year)
    return memo.year_actions[1]


def services_for(index: _Index, partner: Partner) -> list[Service]:
    """Return the services offered at the partner's tiers (staff: "what can we offer this partner"), in order."""
    # The public view has no service tiers, so this is empty there.
    offered = {s.id: s for coop in partner.cooperations for s in index.services_by_tier.get(coop.tier, ())}
    return sorted(offered.values(), key=lambda s: (s.order, collation_key(s.title), s.id))


def partners_by_team_tier(toolbox: Toolbox, index: _Index) -> dict[str, list[tuple[str, list[tuple[Partner, Cooperation]]]]]:
    """Return {team id: [(tier id, [(partner, cooperation)])]}: each team's current cooperations, through its members
    (contacts and deputies) and the cooperations it owns, in the model's tier order and by partner name."""
    # One pass over the partners for all teams: a pass per team made 100 teams x 20,000 partners.
    team_of = {contact.id: team_id for team_id, members in index.members_by_team.items() for contact in members}
    found: dict[str, dict[str, list[tuple[Partner, Cooperation]]]] = defaultdict(lambda: defaultdict(list))
    for partner in toolbox.partners:
        if partner.status == "ended":
            continue
        for coop in partner.cooperations:
            teams = {team_of[c] for c in (*coop.contacts, coop.deputy) if c in team_of}
            if coop.team:
                teams.add(coop.team)
            for team_id in teams:
                found[team_id][coop.tier].append((partner, coop))
    return {team_id: [(tier.id, sorted(tiers[tier.id], key=lambda pair: (collation_key(pair[0].name), pair[0].id)))
                      for tier in toolbox.tiers if tiers.get(tier.id)]
            for team_id, tiers in sorted(found.items())}


def _wheel_values(plans: list[Plan], title: str, month_href: str, marked: int | None,
                  tiers: dict[str, str]) -> dict[str, Any]:
    months = actions_by_month(plans)
    counts = count_actions(months)
    return {"months": months, "wheel_counts": counts, "marked_month": marked,
            "wheel_totals": {month: sum(n for (each, _), n in counts.items() if each == month) for month, _ in months},
            "wheel": Markup(render_wheel(counts, tiers, title, month_href, marked))}


def _emit_plans(emit: Any, toolbox: Toolbox, index: _Index, reference: date) -> None:
    # Plans are the teams' internal working tool: their pages exist in the staff profile only. The month marked on
    # a wheel is the reference date's (the latest commit's), never the clock's, so a build is reproducible.
    tiers = {tier.id: tier.title for tier in toolbox.tiers}
    emit(PLANS_INDEX, "plans.md.j2", "Vuosisuunnitelmat", "", years=plan_years(toolbox))
    for year in plan_years(toolbox):
        year_plans = [p for p in toolbox.plans if p.year == year and p.team in index.teams]
        marked = reference.month if reference.year == year else None
        emit(year_path(year), "year.md.j2", f"Vuosi {year}", "", year=year, year_plans=year_plans,
             institution_feed=posixpath.relpath(INSTITUTION_FEED, posixpath.dirname(year_path(year))),
             later=lambda plans=year_plans, year=year, marked=marked: _wheel_values(  # type: ignore[misc]
                 plans, f"Vuosikello {year}", "#kk-{month}", marked, tiers))
    for plan in toolbox.plans:
        name = index.teams[plan.team].name
        marked = reference.month if reference.year == plan.year else None
        emit(plan_path(plan), "plan.md.j2", f"Vuosisuunnitelma {plan.year}: {name}", plan.source, plan=plan,
             team_name=name, plan_rows=[(plan, action) for action in plan.actions],
             later=lambda plan=plan, name=name, marked=marked: _wheel_values(  # type: ignore[misc]
                 [plan], f"Tiimin {name} vuosikello {plan.year}", f"{plan.year}.html#kk-{{month}}", marked, tiers))


def collect_attachments(toolbox: Toolbox) -> dict[str, str]:
    """Return {docs path: content/files/ path} of every attachment linked from methods, guides and agreements."""
    files = {link.file for item in (*toolbox.methods, *toolbox.guides) for link in item.links if link.file}
    # Agreement documents: only a view that shows agreements (the staff profile's) has any.
    files |= {p.agreement.attachment for p in toolbox.partners if p.agreement is not None and p.agreement.attachment}
    return {attachment_path(file): file for file in sorted(files)}


def build_extra(settings: SiteSettings, toolbox: Toolbox) -> dict[str, Any]:
    """Return the theme settings of this build: robots policy and the footer's links to the statement pages."""
    return {
        "partnerkit_noindex": settings.profile.staff_only,
        "partnerkit_repository": settings.profile.staff_only,
        # The theme's own pages (404) describe the site with this; the institution's text is the staff's.
        **({} if settings.profile.staff_only else {"partnerkit_site_description": _description(
            toolbox.public.introduction if toolbox.public else toolbox.title)}),
        "partnerkit_footer_links": [
            {"title": "Saavutettavuusseloste", "href": html_path(ACCESSIBILITY_PAGE)},
            {"title": "Tietosuojaseloste", "href": html_path(PRIVACY_PAGE)},
        ],
    }


def build_nav(toolbox: Toolbox, settings: SiteSettings) -> list[Any]:
    """Return the navigation: short and fixed-size, so build time stays linear in the number of partners."""
    # Material writes navigation titles into every page unescaped, so content titles are escaped here, once.
    nav: list[Any] = [{"Etusivu": "index.md"}]
    if not settings.profile.staff_only:
        # A company's way in: what we offer, who we work with, guides for workplaces. No tiers, methods, teams,
        # changes or publishing: those are the staff's.
        if toolbox.services:
            nav.append({"Palvelut työelämälle": f"{SERVICES_FOLDER}/index.md"})
        nav.append({"Kumppanit": "kumppanit/index.md"})
        if toolbox.guides:
            guides: list[Any] = [{"Kaikki ohjeet": "oppaat/index.md"}]
            guides.extend({str(escape(guide.title)): guide_path(guide.id)} for guide in toolbox.guides)
            nav.append({"Ohjeita ja oppaita": guides})
        return nav
    for number, tier in enumerate(toolbox.tiers, start=1):
        nav.append({f"{number}. {escape(tier.heading)}": tier_path(tier.id)})
    guides = [{"Kaikki ohjeet": "oppaat/index.md"}]
    guides.extend({str(escape(guide.title)): guide_path(guide.id)} for guide in toolbox.guides)
    nav.append({f"{len(toolbox.tiers) + 1}. Ohjeita ja oppaita": guides})
    if toolbox.services:
        nav.append({"Palvelut työelämälle": f"{SERVICES_FOLDER}/index.md"})
    nav.append({"Menetelmät ja työkalut": "menetelmat/index.md"})
    nav.append({"Kumppanit": "kumppanit/index.md"})
    if settings.profile.people:
        nav.append({"Yhteyshenkilöt": "henkilot/index.md"})
    nav.append({"Tiimit": "tiimit/index.md"})
    nav.append({"Vuosisuunnitelmat": PLANS_INDEX})
    nav.append({"Muutokset ja tarkistukset": CHANGES_PAGE})
    nav.append({"Julkaisu Moodleen": PUBLISHING_PAGE})
    return nav


def service_channel(toolbox: Toolbox, service: Service) -> str:
    """Return the service's shared contact address (its team's, or its own)."""
    if service.contact_team:
        return next(team.email for team in toolbox.teams if team.id == service.contact_team)
    return service.contact_email


def _organization(toolbox: Toolbox, site_url: str) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "EducationalOrganization", "name": toolbox.institution}
    if site_url:
        node["url"] = site_url
        node["@id"] = site_url + "#organisaatio"
    public = toolbox.public
    if public is not None:
        team = next((t for t in toolbox.teams if t.id == public.contact_team), None)
        node["email"] = team.email if team is not None else public.contact_email
    return node


def organization_json_ld(toolbox: Toolbox, site_url: str) -> dict[str, Any]:
    """Return schema.org data of the institution and what it offers, for the public home page."""
    offers = []
    for service in toolbox.services:
        item: dict[str, Any] = {"@type": "Service", "name": service.title, "description": service.summary}
        if site_url:
            item["url"] = site_url + html_path(service_path(service.id))
        offers.append({"@type": "Offer", "itemOffered": item})
    return {"@context": "https://schema.org", **_organization(toolbox, site_url), "makesOffer": offers}


def service_json_ld(toolbox: Toolbox, service: Service, site_url: str) -> dict[str, Any]:
    """Return schema.org data of one service: what it is, for whom, who provides it and where to ask."""
    document: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Service", "name": service.title,
        "description": service.summary, "serviceType": service.title,
        "audience": {"@type": "BusinessAudience", "audienceType": ", ".join(service.fields) or "Kaikki alat"},
        "provider": _organization(toolbox, site_url),
        "availableChannel": {"@type": "ServiceChannel", "serviceUrl": "mailto:" + service_channel(toolbox, service)},
    }
    if site_url:
        document["url"] = site_url + html_path(service_path(service.id))
    return document


def _json_ld(document: dict[str, Any]) -> str:
    """Return a JSON-LD document as text that is safe inside a <script> element and an HTML page."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _description(markdown_text: str) -> str:
    """Return a page's meta description from its Markdown: plain text, one line, at most 160 characters."""
    # Addresses are left out (a link's text stays): a description is read as text, and a link may be internal.
    text = " ".join(re.sub(r"<?https?://[^\s)>]*[)>]?|[*_`#>\[\]()|]", " ", markdown_text).split())
    return text if len(text) <= 160 else text[:157].rsplit(" ", 1)[0] + "…"


def _front_matter(values: dict[str, Any]) -> str:
    # JSON strings are valid YAML scalars, so any title (quotes, colons, #) survives the front matter.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _state_summary(toolbox: Toolbox, index: _Index, year: int) -> dict[str, Any]:
    """Return the year's actions by state per tier and per team: the rows, their chart and their pages' links."""
    plans = sorted((p for p in toolbox.plans if p.year == year and p.team in index.teams),
                   key=lambda p: (collation_key(index.teams[p.team].name), p.team))
    by_tier = count_states([(a.tier, a) for p in plans for a in p.actions])
    by_team = count_states([(p.team, a) for p in plans for a in p.actions])
    tier_rows = [(tier.title, by_tier.get(tier.id, {})) for tier in toolbox.tiers]
    team_rows = [(index.teams[p.team].name, by_team.get(p.team, {})) for p in plans]
    return {"year": year, "plans": plans, "states": [(state, label) for state, label, _ in STATES],
            "tier_rows": tier_rows, "team_rows": team_rows,
            "tier_chart": Markup(render_status_chart(tier_rows, f"Vuoden {year} toiminnot tiloittain tasoittain",
                                                     "pk-chart-tiers")),
            "team_chart": Markup(render_status_chart(team_rows, f"Vuoden {year} toiminnot tiloittain tiimeittäin",
                                                     "pk-chart-teams"))}


def _emit_review(emit: Any, review: Review, settings: SiteSettings, summary: dict[str, Any]) -> None:
    """Emit the review report: counts and short lists on its page, each long list on alphabetical pages."""
    # 13,000 overdue partners on one page made 3.3 MB of HTML: like the partner listings, a list longer than
    # settings.page_size rows is split by initial letter, and the report page links to its pages.
    listings = {key: paginate(sorted(getattr(review, key), key=lambda row: (collation_key(row.name), row.id)),
                              lambda row: row.name, f"{REVIEW_FOLDER}/{folder}", settings.page_size)
                for key, folder, _ in REVIEW_LISTS}
    emit(REVIEW_PAGE, "review.md.j2", "Tarkistettavat", "", review=review, listings=listings, summary=summary,
         page_size=settings.page_size,
         letters={key: page_of_letter(listing) for key, listing in listings.items()},
         oldest=review.overdue[:REVIEW_OLDEST_SHOWN])
    for key, _, heading in REVIEW_LISTS:
        if len(listings[key]) > 1:
            for number, page in enumerate(listings[key], start=1):
                emit(page.path, "review_page.md.j2", f"{heading}: {page.label}", "", kind=key, heading=heading,
                     review=review, report=REVIEW_PAGE, page=page, number=number, listing=listings[key],
                     letters=page_of_letter(listings[key]), letter_anchor=letter_anchor)


def _emit_listings(emit: Any, toolbox: Toolbox, index: _Index, settings: SiteSettings,
                   memo: SiteMemo | None, markdown: Callable[[str], str]) -> dict[str, str]:
    """Emit the tier pages and the partner index, long listings split into pages; return the filters' data files."""
    # A listing of thousands of rows on one page would weigh megabytes: it is split alphabetically into pages of
    # at most settings.page_size rows, and a filter over the whole listing reads a compact data file.
    people = settings.profile.people
    data_files: dict[str, str] = {}
    earlier = memo.filters if memo is not None else {}
    used: dict[tuple[str, FilterRows], tuple[FilterNames, FilterSet, str]] = {}
    team_of = {c.id: c.team for c in index.contacts.values()} if people else {}
    names = FilterNames(
        groups={g.id: g.name for g in toolbox.field_groups} or {p.field: p.field for p in toolbox.partners},
        teams={t.id: t.name for t in index.teams.values()},
        contacts=({c.id: (c.name, "") for c in index.contacts.values()} if people
                  else {t.id: (t.name, t.email) for t in index.teams.values()}),
        tiers={t.id: t.title for t in toolbox.tiers}, people=people, with_tiers=False)
    paths = {"partner": html_path(partner_path("{id}")), "tier": html_path(tier_path("{id}")),
             "team": html_path(team_path("{id}")),
             "contact": html_path(contact_path("{id}") if people else team_path("{id}"))}

    def filter_files(folder: str, rows: FilterRows, with_tiers: bool) -> tuple[FilterSet, str]:
        listing_names = replace(names, with_tiers=with_tiers)
        found = earlier.get((folder, rows))
        # The rows hold ids: the names they show (a team renamed) are part of what the files are made from.
        if found is None or found[0] != listing_names:
            choices = filter_set(rows, listing_names)
            texts = memo.filter_texts.get(folder, {}) if memo is not None else None
            found = listing_names, choices, filter_script(folder, choices, listing_names, paths, texts)
            if texts is not None:
                row_texts[folder] = texts
        elif memo is not None and folder in memo.filter_texts:
            row_texts[folder] = memo.filter_texts[folder]
        used[folder, rows] = found
        return found[1], found[2]

    def teams_of(contact_ids: Any, *more: str) -> tuple[str, ...]:
        # The team filter is the staff's (their own teams' partners); the public filters by name and field.
        if not settings.profile.staff_only:
            return ()
        # Views without people carry team ids where contact ids were (see audience.py).
        team_ids = [team_of[c] for c in contact_ids] if people else list(contact_ids)
        return tuple(sorted({t for t in (*team_ids, *more) if t in names.teams}))

    # A partner's rows (on the partner list, and on the tier lists for each cooperation) are kept in the memo with
    # the partner they were made from and with what else they read; an unchanged partner is the same object.
    row_context = (people, settings.profile.staff_only, team_of, tuple(names.teams))
    earlier_rows = memo.rows if memo is not None and memo.row_context == row_context else {}
    made_rows: dict[str, tuple[Partner, FilterRow, tuple[FilterRow, ...]]] = {}
    row_texts: dict[str, dict[str, Any]] = {}

    def rows_of(partner: Partner) -> tuple[Partner, FilterRow, tuple[FilterRow, ...]]:
        found = made_rows.get(partner.id)
        if found is None:
            found = earlier_rows.get(partner.id)
            if found is None or not (found[0] is partner or found[0] == partner):
                found = partner, row_of(partner, None), tuple(row_of(partner, coop) for coop in partner.cooperations)
            made_rows[partner.id] = found
        return found

    def coop_row(partner: Partner, coop: Cooperation) -> FilterRow:
        rows = rows_of(partner)[2]
        return next(row for each, row in zip(partner.cooperations, rows) if each is coop)

    def row_of(partner: Partner, coop: Cooperation | None) -> FilterRow:
        group = partner.field_group or partner.field
        status = PARTNER_STATUSES[partner.status] if partner.status != "active" else ""
        if coop is not None:
            return FilterRow(partner.name, partner.id, partner.field, group, status, partner.website,
                             str(markdown(coop.description)), tuple(coop.contacts), coop.team if people else "",
                             teams_of(coop.contacts, coop.team), ())
        contacts = tuple(dict.fromkeys(c for each in partner.cooperations for c in each.contacts))
        return FilterRow(partner.name, partner.id, partner.field, group, status, partner.website, "", contacts, "",
                         teams_of(contacts, *(each.team for each in partner.cooperations)),
                         tuple(dict.fromkeys(each.tier for each in partner.cooperations)))

    def browse(here: str, folder: str, rows: list[FilterRow], listing: list[Any],
               with_tiers: bool = False) -> dict[str, Any]:
        data_path = f"{folder}/kumppanit.js"
        choices, data_files[data_path] = filter_files(folder, tuple(rows), with_tiers)
        return {"listing": listing, "letters": page_of_letter(listing), "filter": choices, "filter_key": folder,
                "filter_data": relative_url(data_path, here), "filter_script": relative_url(FILTER_SCRIPT, here),
                "filter_root": relative_url(".", here), "letter_anchor": letter_anchor}

    for tier in toolbox.tiers if settings.profile.staff_only else ():
        pairs = index.partners_by_tier.get(tier.id, [])
        methods = index.methods_by_tier.get(tier.id, [])
        if not settings.profile.tiers or not pairs:
            emit(tier_path(tier.id), "tier.md.j2", tier.heading, tier.source, tier=tier, partners=pairs, methods=methods,
                 listing=[], letters=[], filter=None)
            continue
        folder = f"tasot/{tier.id}"
        listing = paginate(pairs, lambda pair: pair[0].name, folder, settings.page_size)
        # The filter draws its rows in the order of the alphabetical pages.
        rows = [coop_row(p, coop) for page in listing for p, coop in page.items]
        emit(tier_path(tier.id), "tier.md.j2", tier.heading, tier.source, tier=tier, partners=pairs, methods=methods,
             **browse(tier_path(tier.id), folder, rows, listing))
        if len(listing) > 1:
            for number, page in enumerate(listing, start=1):
                emit(page.path, "tier_partners.md.j2", f"{tier.title}: {page.label}", "", tier=tier, page=page,
                     number=number, listing=listing, letters=page_of_letter(listing), letter_anchor=letter_anchor)
    folder = "kumppanit/aakkosittain"
    listing_order = sorted(toolbox.partners, key=lambda p: (collation_key(p.name), p.id))
    listing = paginate(listing_order, lambda p: p.name, folder, settings.page_size)
    rows = [rows_of(p)[1] for page in listing for p in page.items]
    ended = [p for p in toolbox.partners if p.status == "ended"]
    emit("kumppanit/index.md", "partners.md.j2", "Kumppanit", "", ended=ended, ended_page=ENDED_PAGE,
         **browse("kumppanit/index.md", folder, rows, listing, with_tiers=settings.profile.tiers))
    if len(listing) > 1:
        for number, page in enumerate(listing, start=1):
            emit(page.path, "partners_page.md.j2", f"Kumppanit: {page.label}", "", page=page, number=number,
                 listing=listing, letters=page_of_letter(listing), letter_anchor=letter_anchor)
    if ended:
        ended_listing = paginate(sorted(ended, key=lambda p: (collation_key(p.name), p.id)), lambda p: p.name, ENDED_FOLDER,
                                 settings.page_size)
        emit(ENDED_PAGE, "ended.md.j2", "Päättyneet kumppanuudet", "", ended=ended, listing=ended_listing,
             letters=page_of_letter(ended_listing), page=None, number=0, letter_anchor=letter_anchor)
        if len(ended_listing) > 1:
            for number, page in enumerate(ended_listing, start=1):
                emit(page.path, "ended.md.j2", f"Päättyneet kumppanuudet: {page.label}", "", ended=ended,
                     listing=ended_listing, letters=page_of_letter(ended_listing), page=page, number=number,
                     letter_anchor=letter_anchor)
    if memo is not None:
        memo.filters, memo.filter_texts = used, row_texts
        memo.row_context, memo.rows = row_context, made_rows
    return data_files
