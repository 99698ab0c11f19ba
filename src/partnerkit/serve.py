"""Live preview: rebuild what changed when content, settings or templates change, and reload the browser.

The first build is a full one. After an edit of content files, only the changed files are checked again (the
check results of the others are kept in memory), only the pages the change can show on are rendered again
(pages_to_refresh; alphabetical listing pages only when their rows changed), only pages whose text
changed are built: MkDocs builds just those pages (builders.mkdocs_runner.build_pages) into the served site. A change of mkdocs.yml,
the templates, toolbox.yaml, tiers.yaml or a guide (guides are in the navigation) rebuilds everything. The
search index is rebuilt with full builds only: between them, search finds the content of the last full build.

What every rebuild would otherwise make again from all 20,000 partners (downloadable lists, calendar feeds,
listing and filter rows, the review's name keys, the previous release from Git) is kept in the session's memos
(render.site.SiteMemo, render.sheets.SheetMemo, history.HistoryMemo), each holding only what the last rebuild
used and reused only while everything it was made from is the same. Shortcuts that rely on what the shipped
templates show switch themselves off for an institution's own templates and when the build's reference date
moves; tests/test_serve.py compares the preview after edits of every kind with a full build.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections import defaultdict
from datetime import date
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2

from .checkcache import CheckMemo
from .history import HistoryMemo, read_history
from .load import list_attachments, load_content, read_attachment
from .messages import ContentError, format_message, format_summary
from .model import Contact, Partner, Plan, Toolbox
from .review import build_reference_date
from .audience import PROFILES, history_for, view_for
from .builders import source_date
from .builders.mkdocs_runner import build_pages
from .builders.site import build_site_files, site_settings, with_editor, with_sheets
from .changes import History
from .project import SHIPPED_TEMPLATES, Project, pause_collector
from .render import make_environment
from .render.sheets import SheetMemo
from .mkdocs_plugin import MemoryBytecodeCache
from .render.plans import PLANS_FOLDER, PLANS_INDEX, plan_path, year_path
from .render.site import (ENDED_PAGE, SiteFiles, SiteMemo, contact_path, index_toolbox, method_path, partner_path,
                          render_site, team_path)
from .schema import FILES_FOLDER
from .validate import build_toolbox
from .write import write_tree

_ENTITY_FOLDERS = ("kumppanit/", "menetelmat/", "henkilot/", "tiimit/", "oppaat/")
# Pages in an entity folder that list many entities: rendered on every rebuild like the other listings.
_LISTING_PAGES = frozenset({ENDED_PAGE})

Say = Callable[[str], None]  # prints one line of progress, already in the user's language


def is_entity_page(path: str) -> bool:
    """Return True for the page of one partner, method, contact, team or guide (not an index or listing)."""
    folder, _, name = path.rpartition("/")
    return folder + "/" in _ENTITY_FOLDERS and name != "index.md" and path not in _LISTING_PAGES


def is_selected_page(path: str) -> bool:
    """Return True for a page that pages_to_refresh decides on: an entity page, or a page of the annual plans."""
    return is_entity_page(path) or path.startswith(PLANS_FOLDER + "/")


def pages_to_refresh(old: Toolbox, new: Toolbox) -> set[str] | None:
    """Return the selected pages (is_selected_page) an edit from old to new can change, or None for every page."""
    # Pages not selected here (tiers, listings, indexes, the review report, home) are always rendered again; this
    # decides which of the tens of thousands of entity pages, and of the plans' pages, need it too.
    empty = {"partners": (), "methods": (), "guides": (), "contacts": (), "teams": (), "plans": ()}
    if replace(old, **empty) != replace(new, **empty) or old.guides != new.guides:
        return None
    pages: set[str] = set()
    lookups = _Lookups(old, new)
    for kind, path_of in (("partners", partner_path), ("methods", method_path), ("contacts", contact_path),
                          ("teams", team_path)):
        before = {item.id: item for item in getattr(old, kind)}
        after = {item.id: item for item in getattr(new, kind)}
        for item_id in sorted(set(before) | set(after)):
            if before.get(item_id) == after.get(item_id):
                continue
            pages.add(path_of(item_id))
            for item in (before.get(item_id), after.get(item_id)):
                if item is not None:
                    pages |= _neighbours(kind, item, lookups)
    before_plans = {(plan.team, plan.year): plan for plan in old.plans}
    after_plans = {(plan.team, plan.year): plan for plan in new.plans}
    for key in sorted(set(before_plans) | set(after_plans)):
        if before_plans.get(key) == after_plans.get(key):
            continue
        for plan in (before_plans.get(key), after_plans.get(key)):
            if plan is not None:
                # The plan's page, its year's view, the plans index, its team's page (plans, overdue actions) and
                # the pages of what its actions involve (this year's actions).
                pages |= {plan_path(plan), year_path(plan.year), PLANS_INDEX, team_path(plan.team)}
                pages |= _involved_pages(plan)
    return pages


class _Lookups:
    """What the rules of pages_to_refresh look up in both toolboxes, each made on first use."""

    def __init__(self, old: Toolbox, new: Toolbox) -> None:
        self.toolboxes = (old, new)
        self._indexes: tuple[Any, Any] | None = None
        self._plan_pages: dict[tuple[str, str], set[str]] | None = None
        self._agreements: dict[str, set[str]] | None = None

    @property
    def indexes(self) -> tuple[Any, Any]:
        """Both toolboxes' page lookups (render.site.index_toolbox)."""
        if self._indexes is None:
            self._indexes = (index_toolbox(self.toolboxes[0]), index_toolbox(self.toolboxes[1]))
        return self._indexes

    def contacts(self) -> list[dict[str, Contact]]:
        """Both toolboxes' contacts by id."""
        return [{c.id: c for c in toolbox.contacts} for toolbox in self.toolboxes]

    def plan_pages(self, field: str, item_id: str) -> set[str]:
        """Return the plan pages, in either toolbox, whose actions name item_id in field (partners or people)."""
        if self._plan_pages is None:
            found: dict[tuple[str, str], set[str]] = defaultdict(set)
            for toolbox in self.toolboxes:
                for plan in toolbox.plans:
                    for action in plan.actions:
                        for name in ("partners", "people"):
                            for each in getattr(action, name):
                                found[name, each].add(plan_path(plan))
            self._plan_pages = found
        return self._plan_pages.get((field, item_id), set())

    def agreements_of(self, contact_id: str) -> set[str]:
        """Return the partner pages, in either toolbox, whose agreement names contact_id as its owner."""
        if self._agreements is None:
            found: dict[str, set[str]] = defaultdict(set)
            for toolbox in self.toolboxes:
                for partner in toolbox.partners:
                    if partner.agreement is not None and partner.agreement.owner:
                        found[partner.agreement.owner].add(partner_path(partner.id))
            self._agreements = found
        return self._agreements.get(contact_id, set())


def _involved_pages(plan: Plan) -> set[str]:
    """Return the pages of the partners, methods and people the plan's actions involve."""
    pages: set[str] = set()
    for action in plan.actions:
        pages |= {partner_path(p) for p in action.partners} | {method_path(m) for m in action.methods}
        pages |= {contact_path(c) for c in action.people}
    return pages


def _neighbours(kind: str, item: Any, lookups: _Lookups) -> set[str]:
    """Return the selected pages that show something of item (its name, its links), in either toolbox."""
    if kind == "methods":
        return {contact_path(item.owner)} if item.owner else set()
    if kind == "partners":
        pages = {contact_path(c) for c in item.contact_ids}
        # A team page lists the partners of its members and of its own cooperations, by tier; a plan page names
        # the partners of its actions.
        pages |= {team_path(t) for contacts in lookups.contacts() for t in _teams_of(item, contacts)}
        return pages | lookups.plan_pages("partners", item.id)
    pages = set()
    for index in lookups.indexes:
        if kind == "contacts":
            coops = index.coops_by_contact.get(item.id, [])
            agreements = lookups.agreements_of(item.id)
            pages |= {partner_path(p.id) for p, _ in coops} | agreements
            pages |= {team_path(t) for p, _ in coops for t in _teams_of(p, index.contacts)}
            pages |= {path for path, _, _ in index.owned_by_contact.get(item.id, [])}
            pages |= {team_path(t.id) for t in index.teams.values() if t.lead == item.id}
            pages.add(team_path(item.team))
        elif kind == "teams":
            for member in index.members_by_team.get(item.id, []):
                pages.add(contact_path(member.id))
                pages |= {partner_path(p.id) for p, _ in index.coops_by_contact.get(member.id, [])}
            # The team's own cooperations name it, and so do, in a view without people, those it stands in for.
            pages |= {partner_path(p.id) for p, _ in index.coops_by_team.get(item.id, [])}
            pages |= {partner_path(p.id) for p, _ in index.coops_by_contact.get(item.id, [])}
    if kind == "contacts":
        pages |= lookups.plan_pages("people", item.id)
    if kind == "teams":
        # The team's plans name it (their pages, the year views, the plans index), and so do the pages of the
        # partners, methods and people its plans' actions involve.
        for toolbox in lookups.toolboxes:
            for plan in (p for p in toolbox.plans if p.team == item.id):
                pages |= {plan_path(plan), year_path(plan.year), PLANS_INDEX} | _involved_pages(plan)
    return pages


def _teams_of(partner: Partner, contacts: dict[str, Contact]) -> set[str]:
    """Return the teams whose pages list the partner: the owners of its cooperations and its people's teams."""
    teams = set(partner.team_ids)
    for contact_id in partner.contact_ids:
        contact = contacts.get(contact_id)
        if contact is not None and contact.team:
            teams.add(contact.team)
    return teams


class Preview:
    """The preview's working copy: docs and site folders, and what the last build rendered and checked."""

    def __init__(self, project: Project, audience: str, lang: str, work: Path, progress: Say) -> None:
        self.project, self.lang, self.progress = project, lang, progress
        self.profile = PROFILES[audience]
        self.docs, self.site = work / "docs", work / "site"
        self.work = work
        self.memo: CheckMemo | None = None
        self.env: jinja2.Environment | None = None
        self.toolbox: Toolbox | None = None
        self.pages: dict[str, str] = {}
        self.static: dict[str, str | bytes] = {}
        self.nav: list[Any] = []
        self.extra: dict[str, Any] = {}
        self.stamp: tuple[tuple[str, int, int], ...] = ()
        self.timestamp = 0  # the build date of the site's pages (builders.source_date)
        # The attachments the site has: {docs path: (file under content/files/, modification time, size)}.
        self.attachments: dict[str, tuple[str, int, int]] = {}
        # What each alphabetical listing page was rendered from: an unchanged page is not rendered again.
        self.signatures: dict[str, object] = {}
        # Kept between rebuilds, and bounded: the listings' filter data of the last rebuild, and the theme's
        # compiled templates, one per template (compiling Material's anew after every edit costs half a second).
        self.site_memo = SiteMemo()
        self.sheet_memo = SheetMemo()  # the downloadable lists' rows and files by what they were made from
        self.compiled = MemoryBytecodeCache()
        # The previous release the changes page compares with, kept while it is the same commit; and the build's
        # reference date of the last rebuild (review.build_reference_date).
        self.history_memo = HistoryMemo()
        # pages_to_refresh knows what the shipped templates show on which page; the institution's own templates
        # may show anything anywhere, so with them every page is rendered after an edit (and only those whose
        # text changed are built).
        self.knows_templates = project.templates_dir.resolve() == SHIPPED_TEMPLATES.resolve()
        self.reference: date | None = None

    def rebuild(self) -> None:
        """Bring the site up to date with the project; on content errors, report them and keep the last site."""
        # The preview holds millions of objects (20,000 partners, their checks, the pages): each time the cyclic
        # collector walked them all during a rebuild cost a quarter of a second, several times per edit. Memory is
        # freed by reference counting meanwhile; cycles are collected between rebuilds.
        with pause_collector():
            self._rebuild()

    def _rebuild(self) -> None:
        started = time.perf_counter()
        try:
            # The profile's view, made once per rebuild: what changed is decided on what the site may show.
            toolbox = view_for(self._read(), self.profile)
        except ContentError as error:
            for problem in error.problems:
                self.progress(problem.render(self.lang))
            self.progress(format_summary(error.problems, self.lang))
            return
        stamp = self._settings_stamp()
        history = history_for(read_history(self.project.root, self.project.content_dir, self.history_memo),
                              self.profile, toolbox)
        # The build's "today" (the latest commit's date, else the latest review date): it decides which partners
        # are marked for checking, this year's actions and the wheels' marked month, on pages of every kind.
        reference = build_reference_date(toolbox, history.commit_date if history else None)
        refresh = (pages_to_refresh(self.toolbox, toolbox) if self.toolbox is not None and stamp == self.stamp
                   else None)
        if refresh is None:
            count = self._full(toolbox, history)
        else:
            assert self.toolbox is not None
            people = self.toolbox.contacts != toolbox.contacts or self.toolbox.teams != toolbox.teams
            if reference != self.reference or not self.knows_templates:
                # Every page is rendered, and MkDocs builds those whose text changed.
                count = self._partial(toolbox, history, None, True)
            else:
                count = self._partial(toolbox, history, refresh, people)
        self.toolbox, self.stamp, self.reference = toolbox, stamp, reference
        self.progress(format_message("serve_updated", self.lang, count=count,
                                     seconds=f"{time.perf_counter() - started:.1f}"))

    def _read(self) -> Toolbox:
        attachments = list_attachments(self.project.content_dir / FILES_FOLDER)
        if self.memo is None or self.memo.attachments != attachments:
            self.memo = CheckMemo("preview", self.lang, attachments)
            self.memo.keep_decoded = True
        else:
            self.memo = self.memo.carry_over()
        # Files whose status shows them unchanged since the last rebuild are not even read again.
        content = load_content(self.project.content_dir, self.project.root, self.lang, memo=self.memo)
        return build_toolbox(content, self.lang)

    def _settings_stamp(self) -> tuple[tuple[str, int, int], ...]:
        found = []
        for base in (self.project.mkdocs_file, self.project.templates_dir):
            paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
            for path in paths:
                status = path.stat()
                found.append((str(path), status.st_mtime_ns, status.st_size))
        return tuple(found)

    def _render(self, toolbox: Toolbox, history: History | None, only: set[str] | None,
                people_changed: bool) -> tuple[SiteFiles, set[str]]:
        """Render the pages an edit can change; return them and the docs path of every page the site has."""
        settings = site_settings(self.project, self.profile)
        exists: set[str] = set()

        def wanted(path: str, values: dict[str, Any]) -> bool:
            exists.add(path)
            if "page" in values and "listing" in values:
                signature = (values["page"], tuple((p.path, p.label, len(p.items)) for p in values["listing"]),
                             tuple(values["letters"]), values.get("number"))
                unchanged = self.signatures.get(path) == signature
                self.signatures[path] = signature
                if only is not None and unchanged and not people_changed:
                    return False
            return only is None or path in only or not is_selected_page(path)

        if self.env is None or only is None:
            # Compiling the templates costs half a second; an edit of the templates makes a full build anyway.
            self.env = make_environment(self.project.templates_dir)
        files = render_site(toolbox, settings, self.env, history, only=wanted, memo=self.site_memo)
        # The downloadable lists hold every partner: made again only when their rows change (most edits change
        # none: a description is in none), written only when their bytes change.
        # The editor (staff preview only) is part of the site too, so a preview can be edited through it.
        return with_editor(with_sheets(files, toolbox, self.profile, self.sheet_memo), self.project, toolbox,
                           self.profile), exists

    def _full(self, toolbox: Toolbox, history: History | None) -> int:
        files, _ = self._render(toolbox, history, None, True)
        for folder in (self.docs, self.work / "search", self.site):
            shutil.rmtree(folder, ignore_errors=True)
        self.timestamp = source_date(toolbox)
        build_site_files(self.project, self.timestamp, files, self.work, compiled=self.compiled)
        self.pages, self.static, self.nav, self.extra = dict(files.pages), dict(files.static), files.nav, files.extra
        self.attachments = self._attachment_stamps(files.attachments)
        return len(files.pages)

    def _partial(self, toolbox: Toolbox, history: History | None, refresh: set[str] | None,
                 people_changed: bool) -> int:
        files, exists = self._render(toolbox, history, refresh, people_changed)
        removed = [p for p in self.pages if p not in exists]
        for path in removed:
            (self.site / (path[: -len(".md")] + ".html")).unlink(missing_ok=True)
            del self.pages[path]
        changed = {path: text for path, text in files.pages.items() if self.pages.get(path) != text}
        static = {path: text for path, text in files.static.items() if self.static.get(path) != text}
        # Data files are copied as they are (the next full build writes its own docs folder from scratch); those
        # the site no longer has (a deleted team's list and calendar) leave it.
        for path in [p for p in self.static if p not in files.static]:
            (self.site / path).unlink(missing_ok=True)
            del self.static[path]
        write_tree(self.site, static)
        self._copy_attachments(files.attachments)
        added = [path for path in files.pages if path not in self.pages]
        self.pages.update(files.pages)
        timestamp = source_date(toolbox)
        # The sitemap lists every page with the build's date: it changes when pages come or go, or the date moves.
        sitemap = (timestamp, removed) if removed or added or timestamp != self.timestamp else None
        if changed or sitemap is not None:
            build_pages(self.project.mkdocs_file, self.site, self.nav, self.project.templates_dir / "theme",
                        self.extra, changed, self.work / "changed", self.compiled, sitemap)
        self.static.update(files.static)
        self.timestamp = timestamp
        return len(changed)

    def _attachment_stamps(self, attachments: dict[str, str]) -> dict[str, tuple[str, int, int]]:
        """Return {docs path: (file, modification time, size)} of the attachments the pages link to."""
        stamps = {}
        for path, file in attachments.items():
            try:
                status = (self.project.content_dir / FILES_FOLDER / file).stat()
                stamps[path] = (file, status.st_mtime_ns, status.st_size)
            except OSError:
                stamps[path] = (file, 0, -1)
        return stamps

    def _copy_attachments(self, attachments: dict[str, str]) -> None:
        """Bring the site's attachments up to date: new or changed files copied, those no page links removed."""
        stamps = self._attachment_stamps(attachments)
        for path in [p for p in self.attachments if p not in stamps]:
            (self.site / path).unlink(missing_ok=True)
        copied = {path: read_attachment(self.project.content_dir, file) for path, (file, *_) in stamps.items()
                  if self.attachments.get(path) != stamps[path]}
        write_tree(self.site, copied)
        self.attachments = stamps


def make_change_observer() -> Any:
    """Return the operating system's file watcher, reporting changes only: never a file merely opened or read."""
    import watchdog.events as events
    import watchdog.observers

    # Without the filter every rebuild, which reads the content files, would announce itself and start the next.
    changes: list[type[events.FileSystemEvent]] = [events.FileCreatedEvent, events.FileModifiedEvent,
                                                   events.FileDeletedEvent, events.FileMovedEvent,
                                                   events.FileClosedEvent]

    class ChangeObserver(watchdog.observers.Observer):  # type: ignore[misc, valid-type]
        def schedule(self, handler: Any, path: Any, *, recursive: bool = False, event_filter: Any = None,
                     follow_symlink: bool = False) -> Any:
            return super().schedule(handler, path, recursive=recursive, event_filter=event_filter or changes,
                                    follow_symlink=follow_symlink)

    return ChangeObserver()


def serve_project(project: Project, audience: str, lang: str, address: str, progress: Say) -> None:
    """Serve a preview at address until interrupted; a broken edit shows its problems and keeps the last good site."""
    from mkdocs.livereload import LiveReloadServer

    host, _, port = address.rpartition(":")
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="partnerkit-serve-") as temporary:
        preview = Preview(project, audience, lang, Path(temporary), progress)
        preview.rebuild()
        preview.site.mkdir(exist_ok=True)
        server = LiveReloadServer(builder=preview.rebuild, host=host or "127.0.0.1", port=int(port),
                                  root=str(preview.site))
        # MkDocs polls the watched folders every half second; polling 20,000 content files costs more than a
        # second per look. The operating system's own change notices (inotify on Linux) arrive at once.
        server.observer = make_change_observer()
        for watched in (project.content_dir, project.mkdocs_file, project.templates_dir):
            server.watch(str(watched))
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
