"""Live preview: rebuild what changed when content, settings or templates change, and reload the browser.

The first build is a full one. After an edit of content files, only the changed files are checked again (the
check results of the others are kept in memory), only the pages the change can show on are rendered again
(pages_to_refresh; alphabetical listing pages only when their rows changed), only pages whose text
changed are built: MkDocs builds just those pages (builders.mkdocs_runner.build_pages) into the served site. A change of mkdocs.yml,
the templates, toolbox.yaml, tiers.yaml or a guide (guides are in the navigation) rebuilds everything. The
search index is rebuilt with full builds only: between them, search finds the content of the last full build.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2

from .checkcache import CheckMemo
from .history import read_history
from .load import list_attachments, load_content
from .messages import ContentError, format_message, format_summary
from .model import Partner, Toolbox
from .audience import PROFILES, history_for, view_for
from .builders import source_date
from .builders.mkdocs_runner import build_pages
from .builders.site import build_site_files, site_settings, with_editor, with_sheets
from .project import Project
from .render import make_environment
from .mkdocs_plugin import MemoryBytecodeCache
from .render.site import (SiteFiles, SiteMemo, contact_path, index_toolbox, method_path, partner_path, render_site,
                          team_path)
from .schema import FILES_FOLDER
from .validate import build_toolbox
from .write import write_tree

_ENTITY_FOLDERS = ("kumppanit/", "menetelmat/", "henkilot/", "tiimit/", "oppaat/")

Say = Callable[[str], None]  # prints one line of progress, already in the user's language


def is_entity_page(path: str) -> bool:
    """Return True for the page of one partner, method, contact, team or guide (not an index or listing)."""
    folder, _, name = path.rpartition("/")
    return folder + "/" in _ENTITY_FOLDERS and name != "index.md"


def pages_to_refresh(old: Toolbox, new: Toolbox) -> set[str] | None:
    """Return the entity pages an edit from old to new can change, or None when every page can change."""
    # Pages other than entity pages (tiers, listings, indexes, home) are always rendered again; this decides
    # which of the tens of thousands of entity pages need it too.
    empty = {"partners": (), "methods": (), "guides": (), "contacts": (), "teams": ()}
    if replace(old, **empty) != replace(new, **empty) or old.guides != new.guides:
        return None
    pages: set[str] = set()
    indexes = _LazyIndexes(old, new)
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
                    pages |= _neighbours(kind, item, indexes)
    return pages


class _LazyIndexes:
    """Both toolboxes' lookups, built only when an edit of a contact or a team needs them."""

    def __init__(self, old: Toolbox, new: Toolbox) -> None:
        self.toolboxes = (old, new)
        self.built: tuple[object, object] | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.built is None:
            self.built = (index_toolbox(self.toolboxes[0]), index_toolbox(self.toolboxes[1]))
        return iter(self.built)


def _neighbours(kind: str, item: object, indexes: _LazyIndexes) -> set[str]:
    """Return the entity pages that show something of item (its name, its links), in either toolbox."""
    pages: set[str] = set()
    if kind == "methods":
        return {contact_path(item.owner)} if item.owner else set()  # type: ignore[attr-defined]
    if kind == "partners":
        pages = {contact_path(c) for c in item.contact_ids}  # type: ignore[attr-defined]
        # A team page lists the partners of its members and of its own cooperations, by tier.
        return pages | {team_path(t) for index in indexes for t in _teams_of(item, index)}  # type: ignore[arg-type]
    for index in indexes:
        if kind == "contacts":
            pages |= {partner_path(p.id) for p, _ in index.coops_by_contact.get(item.id, [])}  # type: ignore
            pages |= {team_path(t) for p, _ in index.coops_by_contact.get(item.id, [])  # type: ignore
                      for t in _teams_of(p, index)}
            pages |= {path for path, _, _ in index.owned_by_contact.get(item.id, [])}  # type: ignore
            pages.add(team_path(item.team))  # type: ignore[attr-defined]
        elif kind == "teams":
            for member in index.members_by_team.get(item.id, []):  # type: ignore[attr-defined]
                pages.add(contact_path(member.id))
                pages |= {partner_path(p.id) for p, _ in index.coops_by_contact.get(member.id, [])}  # type: ignore
    if kind == "teams":
        # The pages of the partners, methods and people a team's plans involve list those actions with its name.
        for toolbox in indexes.toolboxes:
            for action in (a for plan in toolbox.plans if plan.team == item.id for a in plan.actions):  # type: ignore
                pages |= {partner_path(p) for p in action.partners} | {method_path(m) for m in action.methods}
                pages |= {contact_path(c) for c in action.people}
    return pages


def _teams_of(partner: Partner, index: Any) -> set[str]:
    """Return the teams whose pages list the partner: the owners of its cooperations and its people's teams."""
    teams = set(partner.team_ids)
    for contact_id in partner.contact_ids:
        contact = index.contacts.get(contact_id)
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
        # What each alphabetical listing page was rendered from: an unchanged page is not rendered again.
        self.signatures: dict[str, object] = {}
        # Kept between rebuilds, and bounded: the listings' filter data of the last rebuild, and the theme's
        # compiled templates, one per template (compiling Material's anew after every edit costs half a second).
        self.site_memo = SiteMemo()
        self.compiled = MemoryBytecodeCache()

    def rebuild(self) -> None:
        """Bring the site up to date with the project; on content errors, report them and keep the last site."""
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
        refresh = None if self.toolbox is None or stamp != self.stamp else pages_to_refresh(self.toolbox, toolbox)
        if refresh is None:
            count = self._full(toolbox)
        else:
            assert self.toolbox is not None
            people = self.toolbox.contacts != toolbox.contacts or self.toolbox.teams != toolbox.teams
            count = self._partial(toolbox, refresh, people)
        self.toolbox, self.stamp = toolbox, stamp
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

    def _render(self, toolbox: Toolbox, only: set[str] | None, people_changed: bool) -> tuple[SiteFiles, set[str]]:
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
            return only is None or path in only or not is_entity_page(path)

        if self.env is None or only is None:
            # Compiling the templates costs half a second; an edit of the templates makes a full build anyway.
            self.env = make_environment(self.project.templates_dir)
        history = history_for(read_history(self.project.root, self.project.content_dir), self.profile, toolbox)
        files = render_site(toolbox, settings, self.env, history, only=wanted, memo=self.site_memo)
        # The downloadable lists hold every partner: rendered on each rebuild, written only when their bytes change.
        # The editor (staff preview only) is part of the site too, so a preview can be edited through it.
        return with_editor(with_sheets(files, toolbox, self.profile), self.project, toolbox, self.profile), exists

    def _full(self, toolbox: Toolbox) -> int:
        files, _ = self._render(toolbox, None, True)
        for folder in (self.docs, self.work / "search", self.site):
            shutil.rmtree(folder, ignore_errors=True)
        build_site_files(self.project, source_date(toolbox), files, self.work, compiled=self.compiled)
        self.pages, self.static, self.nav, self.extra = dict(files.pages), dict(files.static), files.nav, files.extra
        return len(files.pages)

    def _partial(self, toolbox: Toolbox, refresh: set[str], people_changed: bool) -> int:
        files, exists = self._render(toolbox, refresh, people_changed)
        for path in [p for p in self.pages if p not in exists]:
            (self.site / (path[: -len(".md")] + ".html")).unlink(missing_ok=True)
            del self.pages[path]
        changed = {path: text for path, text in files.pages.items() if self.pages.get(path) != text}
        static = {path: text for path, text in files.static.items() if self.static.get(path) != text}
        # Data files are copied as they are (the next full build writes its own docs folder from scratch).
        write_tree(self.site, static)
        self.pages.update(files.pages)
        if changed:
            build_pages(self.project.mkdocs_file, self.site, self.nav, self.project.templates_dir / "theme",
                        self.extra, changed, self.work / "changed", self.compiled)
        self.static.update(files.static)
        return len(changed)


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
