"""The live preview's shortcuts: after any edit, the preview's site is the one a full build of the same content gives.

Each test edits a generated project (with annual plans) the way a person would, lets the preview rebuild, and
compares what the preview serves with a full render of the edited content made by the build's own site builder:
the Markdown of every page and the bytes of every other file (downloadable lists, calendar feeds, filter data),
and at the end the built HTML of every page against a full build.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from partnerkit.audience import PROFILES, view_for
from partnerkit.builders import quiet
from partnerkit.builders.site import SiteBuilder
from partnerkit.pipeline import Project, read_toolbox
from partnerkit.render import make_environment
from partnerkit.serve import Preview

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate, write_project  # noqa: E402


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = _read(path)
    change(document)
    _write(path, document)


def _tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


class Session:
    """A preview of a generated project, and the checks that compare it with a full build."""

    def __init__(self, root: Path, audience: str, work: Path) -> None:
        self.project = Project(root)
        self.audience = audience
        self.said: list[str] = []
        self.preview = Preview(self.project, audience, "fi", work, self.said.append)
        self.full_builds = 0
        original = self.preview._full

        def counted(*args: Any) -> int:
            self.full_builds += 1
            return original(*args)

        self.preview._full = counted  # type: ignore[method-assign]
        self.preview.rebuild()
        assert self.full_builds == 1

    @property
    def content(self) -> Path:
        return self.project.content_dir

    def rebuild_and_compare(self, partial: bool = True) -> None:
        """Rebuild after an edit; assert it was partial (when expected) and gave what a full render gives."""
        before = self.full_builds
        self.preview.rebuild()
        assert self.said[-1].startswith("Päivitetty: "), self.said[-3:]
        if partial:
            assert self.full_builds == before, "the edit made a full rebuild: the shortcut was not tested"
        profile = PROFILES[self.audience]
        view = view_for(read_toolbox(self.project), profile)
        builder = SiteBuilder(self.project, view, profile, self.project.root / "unused-site", quiet,
                              make_environment(self.project.templates_dir))
        builder.render()
        expected = builder.files
        assert sorted(self.preview.pages) == sorted(expected.pages)
        assert [path for path, text in expected.pages.items() if self.preview.pages[path] != text] == []
        assert sorted(self.preview.static) == sorted(expected.static)
        assert [path for path, data in expected.static.items() if self.preview.static[path] != data] == []
        # What the browser gets: the files on disk are those the preview holds.
        site = self.preview.site
        for path, data in expected.static.items():
            on_disk = (site / path).read_bytes()
            assert on_disk == (data.encode("utf-8") if isinstance(data, str) else data), path
        for path in expected.pages:
            assert (site / (path[: -len(".md")] + ".html")).is_file(), path

    def compare_built_site(self, work: Path) -> None:
        """Assert the preview's built site is the one a full build of the same content gives (search aside)."""
        fresh = Preview(self.project, self.audience, "fi", work, self.said.append)
        fresh.rebuild()
        partial = {path: data for path, data in _tree(self.preview.site).items() if not path.startswith("pagefind/")}
        full = {path: data for path, data in _tree(fresh.site).items() if not path.startswith("pagefind/")}
        assert sorted(partial) == sorted(full)
        assert [path for path in full if partial[path] != full[path]] == []


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARTNERKIT_JOBS", "1")
    root = tmp_path / "project"
    write_project(generate(45, seed=13, methods=8, contacts=16, teams=4, actions=6), root)
    return root


def _partners(session: Session) -> dict[str, Path]:
    return {path.stem: path for path in sorted((session.content / "partners").glob("*.yaml"))}


def _plans(session: Session) -> list[Path]:
    return sorted((session.content / "plans").glob("*.yaml"))


def _in_actions(session: Session) -> set[str]:
    return {p for path in _plans(session) for action in _read(path).get("actions") or []
            for p in action.get("partners") or []}


def test_preview_after_partner_edits_equals_a_full_build(project: Path, tmp_path: Path) -> None:
    session = Session(project, "internal", tmp_path / "work")
    partners = _partners(session)
    involved = sorted(_in_actions(session))
    assert involved, "the generated plans name no partner"
    free = [stem for stem in partners if stem not in involved]

    # A description, the most common edit: no downloadable list changes (it is in none).
    sheets_before = {path: data for path, data in session.preview.static.items() if path.startswith("lataukset/")}
    _edit(partners[free[0]], lambda d: d["cooperations"][0].update(description="Uusi kuvaus.\n\nToinen kappale.\n"))
    session.rebuild_and_compare()
    assert {p: d for p, d in session.preview.static.items() if p.startswith("lataukset/")} == sheets_before

    # A partner named in a plan's action, renamed so that it moves in the alphabetical listings.
    _edit(partners[involved[0]], lambda d: d.update(name="Ööli Oy"))
    session.rebuild_and_compare()
    _edit(partners[involved[0]], lambda d: d.update(name="AAA Alkuun Oy"))
    session.rebuild_and_compare()

    # Its tier, its team and its contact person.
    def retier(document: dict[str, Any]) -> None:
        coop = document["cooperations"][0]
        coop["tier"] = "strateginen" if coop["tier"] != "strateginen" else "arki"

    _edit(partners[involved[1]], retier)
    session.rebuild_and_compare()
    teams = sorted(path.stem for path in (session.content / "teams").glob("*.yaml"))
    contacts = sorted(path.stem for path in (session.content / "contacts").glob("*.yaml"))

    def reteam(document: dict[str, Any]) -> None:
        coop = document["cooperations"][0]
        coop["team"] = teams[-1] if coop.get("team") != teams[-1] else teams[0]
        coop["contacts"] = [contacts[-1]]

    _edit(partners[free[1]], reteam)
    session.rebuild_and_compare()

    # Its review date (overdue or not on the review report and the team pages), and its status: ended.
    _edit(partners[free[2]], lambda d: d.update(review_date=date(2020, 1, 1)))
    session.rebuild_and_compare()
    _edit(partners[involved[1]], lambda d: d.update(status="ended"))
    session.rebuild_and_compare()

    # A partner added, and one deleted (each changes the listings, the lists and the sitemap).
    document = _read(partners[free[3]])
    document.update(id="uusi-kumppani", name="Uusi Kumppani Oy")
    document.pop("business_id", None)
    _write(session.content / "partners" / "uusi-kumppani.yaml", document)
    session.rebuild_and_compare()
    partners[free[4]].unlink()
    session.rebuild_and_compare()

    # The latest review date is the build's date (every page's in the sitemap); an agreement's document is copied.
    latest = max(_read(path)["review_date"] for path in _partners(session).values())
    _edit(partners[free[5]], lambda d: d.update(review_date=latest + timedelta(days=1)))
    session.rebuild_and_compare()
    (session.content / "files").mkdir(exist_ok=True)
    (session.content / "files" / "sopimus.pdf").write_bytes(b"%PDF-1.4 sopimus\n")
    _edit(partners[free[5]], lambda d: d.update(agreement={"kind": "framework", "attachment": "sopimus.pdf"}))
    session.rebuild_and_compare(partial=False)  # a new attachment: every page is built again
    (session.content / "files" / "sopimus.pdf").write_bytes(b"%PDF-1.4 uusi sopimus\n")
    session.rebuild_and_compare()
    session.compare_built_site(tmp_path / "fresh")


def test_preview_after_plan_contact_team_and_method_edits_equals_a_full_build(project: Path, tmp_path: Path) -> None:
    session = Session(project, "internal", tmp_path / "work")
    plan = _plans(session)[0]

    def replan(document: dict[str, Any]) -> None:
        action = document["actions"][0]
        action["title"] = "Muutettu toiminto"
        action["status"] = "done"
        document["actions"].pop()

    _edit(plan, replan)
    session.rebuild_and_compare()

    # A contact person renamed and moved to another team; a team renamed; a method retitled.
    contact = sorted((session.content / "contacts").glob("*.yaml"))[0]
    teams = sorted(path.stem for path in (session.content / "teams").glob("*.yaml"))
    _edit(contact, lambda d: d.update(name="Öystilä Aapeli", team=teams[-1] if d["team"] != teams[-1] else teams[0]))
    session.rebuild_and_compare()
    team = session.content / "teams" / f"{_read(plan)['team']}.yaml"
    _edit(team, lambda d: d.update(name="Aivan Uusi Tiimi"))
    session.rebuild_and_compare()
    method = sorted((session.content / "methods").glob("*.yaml"))[0]
    _edit(method, lambda d: d.update(title="Ääkkönen menetelmä"))
    session.rebuild_and_compare()

    # A partner named as an agreement's owner: renaming its owner changes its page.
    owners = {_read(path).get("agreement", {}).get("owner") for path in _partners(session).values()} - {None}
    owner = sorted(owners)[0]
    _edit(session.content / "contacts" / f"{owner}.yaml", lambda d: d.update(name="Sopimus Omistaja"))
    session.rebuild_and_compare()
    session.compare_built_site(tmp_path / "fresh")


def test_public_preview_after_edits_equals_a_full_build(project: Path, tmp_path: Path) -> None:
    session = Session(project, "public", tmp_path / "work")
    shown = [path for path in _partners(session).values()
             if _read(path).get("publishable") and _read(path).get("status", "active") == "active"]
    _edit(shown[0], lambda d: d.update(name="Julkinen Nimi Oy"))
    session.rebuild_and_compare()
    # A team stands in for its people in the public view: its new name shows on its members' partners' pages.
    teams = sorted((session.content / "teams").glob("*.yaml"))
    for team in teams:
        _edit(team, lambda d: d.update(name=d["name"] + " (uusi)"))
    session.rebuild_and_compare()
    session.compare_built_site(tmp_path / "fresh")


def test_list_and_feed_memos_give_what_a_fresh_render_gives_and_keep_only_the_last_render() -> None:
    from dataclasses import replace

    from partnerkit.audience import INTERNAL
    from partnerkit.builders import source_date
    from partnerkit.render.calendar import FeedSettings, render_feeds, team_feed_path
    from partnerkit.render.sheets import SheetMemo, render_sheets, sheet_paths

    toolbox = read_toolbox(Project(ROOT))
    stamp = source_date(toolbox)
    memo = SheetMemo()
    first = render_sheets(toolbox, INTERNAL, stamp, memo)
    assert first == render_sheets(toolbox, INTERNAL, stamp)
    # One partner renamed: the lists that hold it are made again, the others are the same files as before.
    partner = next(p for p in toolbox.partners if p.team_ids)
    renamed = replace(toolbox, partners=tuple(replace(p, name="Ääninen Oy") if p is partner else p
                                              for p in toolbox.partners))
    second = render_sheets(renamed, INTERNAL, stamp, memo)
    assert second == render_sheets(renamed, INTERNAL, stamp)
    holding = {"kumppanit", *(f"tasot/{c.tier}" for c in partner.cooperations),
               *(f"tiimit/{t}" for t in partner.team_ids)}
    for stem in {path.removeprefix("lataukset/").rsplit(".", 1)[0] for path in second}:
        for path in sheet_paths(stem):
            assert (second[path] is first[path]) == (stem not in holding), path
    # A team removed: its lists are gone from the memo too (it holds the last render's lists only).
    team = partner.team_ids[0]
    fewer = replace(renamed, teams=tuple(t for t in renamed.teams if t.id != team))
    render_sheets(fewer, INTERNAL, stamp, memo)
    assert f"tiimit/{team}" not in memo.files and set(memo.files) == {
        path.removeprefix("lataukset/").rsplit(".", 1)[0] for path in render_sheets(fewer, INTERNAL, stamp)}

    settings = FeedSettings(toolbox.plans[0].spring_review, people=True)
    feeds: dict[str, Any] = {}
    before = render_feeds(toolbox, settings, feeds)
    assert before == render_feeds(toolbox, settings)
    # An action retitled: its team's feed and the institution's are made again, no other team's.
    plan = toolbox.plans[0]
    retitled = replace(plan, actions=(replace(plan.actions[0], title="Uusi nimi"), *plan.actions[1:]))
    changed = replace(toolbox, plans=tuple(retitled if p is plan else p for p in toolbox.plans))
    after = render_feeds(changed, settings, feeds)
    assert after == render_feeds(changed, settings)
    assert after[team_feed_path(plan.team)] != before[team_feed_path(plan.team)]
    others = [path for path in after if path not in (team_feed_path(plan.team), "kalenteri/oppilaitos.ics")]
    assert others and all(after[path] is before[path] for path in others)
    # A partner an action names, renamed: the feeds naming it change (its name is in the descriptions).
    named = next(p for p in toolbox.partners if any(p.id in a.partners for pl in toolbox.plans for a in pl.actions))
    renamed_feeds = render_feeds(replace(changed, partners=tuple(replace(p, name="Toinen Oy") if p is named else p
                                                                 for p in changed.partners)), settings, feeds)
    assert b"Toinen Oy" in renamed_feeds["kalenteri/oppilaitos.ics"]
    assert set(feeds) == set(after)


def _git(root: Path, *args: str, day: str = "") -> None:
    import os
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "Testi", "GIT_AUTHOR_EMAIL": "testi@example.invalid",
           "GIT_COMMITTER_NAME": "Testi", "GIT_COMMITTER_EMAIL": "testi@example.invalid"}
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_preview_follows_the_previous_release_and_the_reference_date(project: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerkit import history

    _git(project, "init", "--quiet", "--initial-branch=main")
    _git(project, "add", "-A")
    _git(project, "commit", "--quiet", "-m", "alku", day="2026-03-01")
    loaded: list[str] = []
    original = history._load_revision

    def counted(root: Path, top: Path, revision: str, prefix: Any) -> Any:
        loaded.append(revision)
        return original(root, top, revision, prefix)

    monkeypatch.setattr(history, "_load_revision", counted)
    session = Session(project, "internal", tmp_path / "work")
    partners = _partners(session)
    first, second = sorted(set(partners) - _in_actions(session))[:2]
    # The first edit makes the content differ from the last commit: the changes page now compares with it.
    _edit(partners[first], lambda d: d.update(name="Muutettu Ensimmäinen Oy"))
    session.rebuild_and_compare()
    assert "Muutettu Ensimmäinen Oy" in session.preview.pages["muutokset/index.md"]
    # The release compared with is read from Git once, not after every edit: of the reads of this edit, one is
    # the comparison's own full render.
    _edit(partners[second], lambda d: d.update(name="Muutettu Toinen Oy"))
    before = len(loaded)
    session.rebuild_and_compare()
    assert len(loaded) == before + 1 and len(set(loaded)) == 1
    # A commit a year later moves the build's reference date: partners become due for checking on their pages,
    # this year's actions and the wheels' month change. Every page is rendered, without a full rebuild.
    _git(project, "commit", "--quiet", "-am", "muutos", day="2027-06-01")
    session.rebuild_and_compare()
    session.compare_built_site(tmp_path / "fresh")


def test_preview_follows_the_latest_review_date_without_git(project: Path, tmp_path: Path) -> None:
    session = Session(project, "internal", tmp_path / "work")
    partners = _partners(session)
    free = sorted(set(partners) - _in_actions(session))
    # Without Git, the latest review date is the build's reference date: a year later, others are due.
    latest = max(_read(path)["review_date"] for path in partners.values())
    _edit(partners[free[0]], lambda d: d.update(review_date=latest + timedelta(days=400)))
    session.rebuild_and_compare()
    session.compare_built_site(tmp_path / "fresh")


def test_preview_with_the_institutions_own_templates_renders_every_page(project: Path, tmp_path: Path) -> None:
    import shutil

    from partnerkit.pipeline import SHIPPED_TEMPLATES

    # The institution's own partner page shows how many partners there are: an edit of any partner changes every
    # partner page, which the shortcuts for the shipped templates would not know.
    shutil.copytree(SHIPPED_TEMPLATES, project / "templates")
    template = project / "templates" / "site" / "partner.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n<p>Kumppaneita on {{ toolbox.partners|length }}.</p>\n",
                        encoding="utf-8")
    session = Session(project, "internal", tmp_path / "work")
    assert not session.preview.knows_templates
    partners = _partners(session)
    document = _read(partners[sorted(partners)[0]])
    document.update(id="uusi-kumppani", name="Uusi Kumppani Oy")
    document.pop("business_id", None)
    _write(session.content / "partners" / "uusi-kumppani.yaml", document)
    session.rebuild_and_compare()
    count = len(partners) + 1
    assert all(f"Kumppaneita on {count}." in text for path, text in session.preview.pages.items()
               if path.startswith("kumppanit/") and path.count("/") == 1 and path[len("kumppanit/"):-3] in
               {*partners, "uusi-kumppani"})
