"""The team lead's workflow: annotations CI shows on the changed line, CI and editor files, history and review."""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from itertools import groupby
from pathlib import Path

import pytest
import yaml

from tests.conftest import MINIMAL, copy_project, problems_of, site_for, toolbox_of
from partnerkit.audience import INTERNAL, PUBLIC, history_for, view_for
from partnerkit.annotations import escape_data, escape_property, render_gitlab
from partnerkit.changes import Change, History, compare_history, compare_toolboxes
from partnerkit.cli import main
from partnerkit.history import read_history
from partnerkit.load import list_content_files, load_content
from partnerkit.model import Toolbox
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from partnerkit.render.browse import initial_of
from partnerkit.render.site import CHANGES_PAGE, REVIEW_PAGE
from partnerkit.review import review_for_build, review_toolbox, subtract_months
from partnerkit.scaffold import render_skeleton, render_vscode_extensions, render_vscode_settings
from partnerkit.validate import check_content

ROOT = Path(__file__).resolve().parents[1]
BROKEN_TIER = ("  - tier: kehittaminen\n", "  - tier: kehitys\n")


def broken_project(project: Callable[..., Path]) -> Path:
    """Return a copy of the minimal project whose partner alfa-oy names a tier that does not exist."""
    text = (MINIMAL / "content/partners/alfa-oy.yaml").read_text(encoding="utf-8")
    assert BROKEN_TIER[0] in text
    return project({"partners/alfa-oy.yaml": text.replace(*BROKEN_TIER)})


# --- annotations ---------------------------------------------------------------------------------------------

GITHUB_LINE = (
    "::error file=content/partners/alfa-oy.yaml,line=12,col=11,title=Sisältövirhe (bad_choice)::"
    "cooperations[2].tier: 'kehitys' ei ole sallittu arvo. Tarkoititko 'kehittaminen'? "
    "Sallitut arvot: arki, kehittaminen, strateginen, verkostot, muut.\n"
)


def test_github_format_prints_one_workflow_command_per_problem(
    project: Callable[..., Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = broken_project(project)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["--root", str(root), "check", "--format", "github"]) == 1
    captured = capsys.readouterr()
    assert captured.out == GITHUB_LINE
    assert captured.err.endswith("1 virhe. Korjaa virhe ja aja tarkistus uudelleen.\n")
    assert summary.read_text(encoding="utf-8") == (
        "## Työkalupakin sisällön tarkistus\n\n"
        "1 virhe. Korjaa virhe ja aja tarkistus uudelleen.\n\n"
        "| Tiedosto | Rivi | Sarake | Mikä on vialla ja mitä tehdä |\n"
        "|---|---:|---:|---|\n"
        "| `content/partners/alfa-oy.yaml` | 12 | 11 | cooperations[2].tier: 'kehitys' ei ole sallittu arvo. "
        "Tarkoititko 'kehittaminen'? Sallitut arvot: arki, kehittaminen, strateginen, verkostot, muut. |\n\n"
        "Virheet näkyvät myös pull requestin Files changed -näkymässä kyseisen rivin kohdalla. Korjaa ne samassa "
        "haarassa; tarkistus ajetaan uudelleen jokaisen commitin jälkeen. Paikallisesti saman tarkistuksen saa "
        "komennolla `partnerkit check`.\n"
    )


def test_github_summary_on_success(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["--root", str(MINIMAL), "check", "--format", "github"]) == 0
    assert capsys.readouterr().out == ""
    assert summary.read_text(encoding="utf-8") == (
        "## Työkalupakin sisällön tarkistus\n\nSisältö on kunnossa: 2 kumppania, 1 menetelmää, 1 ohjetta, "
        "2 yhteyshenkilöä, 1 tiimiä. Tarkistus ei löytänyt virheitä.\n"
    )


def test_gitlab_format_prints_a_code_quality_report(project: Callable[..., Path],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = broken_project(project)
    assert main(["--root", str(root), "check", "--format", "gitlab"]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "[\n"
        "  {\n"
        '    "description": "cooperations[2].tier: \'kehitys\' ei ole sallittu arvo. Tarkoititko \'kehittaminen\'? '
        'Sallitut arvot: arki, kehittaminen, strateginen, verkostot, muut.",\n'
        '    "check_name": "partnerkit/bad_choice",\n'
        '    "fingerprint": "0cea4ffe3bd81d03fafa78a846e2b849",\n'
        '    "severity": "major",\n'
        '    "location": {\n'
        '      "path": "content/partners/alfa-oy.yaml",\n'
        '      "lines": {\n'
        '        "begin": 12\n'
        "      }\n"
        "    }\n"
        "  }\n"
        "]\n"
    )
    # The job log still shows the problem as text.
    assert "content/partners/alfa-oy.yaml:12:11: cooperations[2].tier: 'kehitys'" in captured.err


def test_gitlab_report_is_an_empty_list_for_valid_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(MINIMAL), "check", "--format", "gitlab"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_gitlab_fingerprints_survive_moved_lines_and_stay_unique(project: Callable[..., Path]) -> None:
    def findings(root: Path) -> list[dict]:
        content = load_content(root / "content", root)
        return json.loads(render_gitlab(check_content(content)))

    text = (MINIMAL / "content/partners/alfa-oy.yaml").read_text(encoding="utf-8").replace(*BROKEN_TIER)
    before = findings(project({"partners/alfa-oy.yaml": text}))
    moved = findings(project({"partners/alfa-oy.yaml": "# kommentti\n" + text}))
    assert [f["location"]["lines"]["begin"] for f in (before[0], moved[0])] == [12, 13]
    assert before[0]["fingerprint"] == moved[0]["fingerprint"]
    twice = findings(project({"teams/ravintola.yaml": "id: ravintola\nname: R\nlead: x-y\n",
                              "guides/ohje.yaml": "id: ohje\ntitle: T\nsummary: S\nbody: B\nowner: x-y\n"}))
    assert len({f["fingerprint"] for f in twice}) == len(twice) == 2


def test_workflow_command_escaping() -> None:
    assert escape_data("100 % valmis\r\nrivi") == "100 %25 valmis%0D%0Arivi"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


# --- CI, pre-commit and editor files ---------------------------------------------------------------------------


def _load_yaml(relative: str) -> dict:
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))


def test_github_workflow_checks_pull_requests_and_publishes_main() -> None:
    workflow = _load_yaml(".github/workflows/tyokalupakki.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    check, publish = workflow["jobs"]["tarkistus"], workflow["jobs"]["julkaisu"]
    assert [s.get("run") for s in check["steps"] if "run" in s][-1] == "partnerkit check --format github"
    assert publish["needs"] == "tarkistus" and "pull_request" in publish["if"]
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    uses = {s["uses"].split("@")[0]: s for s in publish["steps"] if "uses" in s}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    assert uses["actions/upload-artifact"]["with"]["path"] == "dist/"
    assert "actions/deploy-pages" in uses
    runs = [s["run"] for s in publish["steps"] if "run" in s]
    assert any(r.startswith("partnerkit --audience") for r in runs)
    # The staff site's web editor comes from npm: installed before the first build, with Node set up first.
    steps = [s.get("uses", "").split("@")[0] or s["run"] for s in publish["steps"]]
    first_build = next(n for n, step in enumerate(steps) if step.startswith("partnerkit --audience"))
    assert steps.index("actions/setup-node") < steps.index("npm install --no-audit --no-fund") < first_build


def test_gitlab_ci_reports_code_quality_and_publishes_pages() -> None:
    ci = _load_yaml(".gitlab-ci.yml")
    check = ci["tarkistus"]
    assert check["script"] == ["partnerkit check --format gitlab > gl-code-quality-report.json"]
    assert check["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert check["artifacts"]["when"] == "always"
    pages = ci["pages"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert any("--site-dir public" in line for line in pages["script"])
    first_build = next(n for n, line in enumerate(pages["script"]) if line.startswith("partnerkit"))
    assert pages["script"].index("npm install --no-audit --no-fund") < first_build
    assert pages["artifacts"]["paths"] == ["public", "dist"]
    assert ci["variables"]["GIT_DEPTH"] == "0"


def test_pre_commit_hook_definitions() -> None:
    assert _load_yaml(".pre-commit-hooks.yaml") == [{
        "id": "partnerkit-check",
        "name": "Työkalupakin sisällön tarkistus (partnerkit check)",
        "description": "Tarkistaa content/-kansion YAML-tiedostot ja näyttää virheet muodossa tiedosto:rivi:sarake.",
        "entry": "partnerkit check",
        "language": "python",
        "pass_filenames": False,
        "files": "^content/",
    }]
    hook = _load_yaml(".pre-commit-config.yaml")["repos"][0]
    assert hook["repo"] == "local"
    assert hook["hooks"][0]["id"] == "partnerkit-check"
    assert hook["hooks"][0]["entry"].endswith("partnerkit check")
    assert (hook["hooks"][0]["files"], hook["hooks"][0]["pass_filenames"]) == ("^content/", False)


@pytest.mark.parametrize("relative", [
    ".github/workflows/tyokalupakki.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".vscode/settings.json",
    ".vscode/extensions.json", "content/guides/miten-muokkaan.yaml", "content/guides/nain-lisaat-tai-korjaat.yaml",
])
def test_repository_files_equal_what_init_gives_a_new_toolbox(relative: str) -> None:
    # One source for both: a fix to the CI files reaches every toolbox made from now on.
    files = render_skeleton(make_environment(SHIPPED_TEMPLATES, autoescape=False), "X", "git+https://x.example/p",
                           date(2026, 1, 1))
    assert (ROOT / relative).read_text(encoding="utf-8") == files[relative]


def test_vscode_settings_tie_every_content_file_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings == json.loads(render_vscode_settings())
    assert json.loads(render_vscode_extensions())["recommendations"] == ["redhat.vscode-yaml"]
    files = list_content_files(ROOT / "content")
    assert len(files) > 60
    for file, record in files:
        relative = file.relative_to(ROOT).as_posix()
        schemas = [s for s, globs in settings["yaml.schemas"].items()
                   if any(fnmatch.fnmatch(relative, g) for g in globs)]
        assert schemas == [f"./schema/{record}.schema.json"], relative
        assert (ROOT / schemas[0]).is_file()


def test_every_content_file_has_the_schema_modeline() -> None:
    for file, record in list_content_files(ROOT / "content"):
        depth = len(file.relative_to(ROOT / "content").parts)
        expected = f"# yaml-language-server: $schema={'../' * depth}schema/{record}.schema.json"
        assert file.read_text(encoding="utf-8").splitlines()[0] == expected, file


# --- the how-to-edit guide ---------------------------------------------------------------------------------------


def _guide_blocks() -> list[str]:
    """Return the indented code blocks of the guide's Markdown body."""
    body = yaml.safe_load((ROOT / "content/guides/miten-muokkaan.yaml").read_text(encoding="utf-8"))["body"]
    blocks = re.findall(r"(?:^ {4}.*\n|^\n)+", body, re.MULTILINE)
    return [re.sub(r"^ {4}", "", b, flags=re.MULTILINE).strip("\n") + "\n" for b in blocks if b.strip()]


def test_guide_example_is_valid_and_its_error_message_is_exact(tmp_path: Path) -> None:
    blocks = _guide_blocks()
    example = next(b for b in blocks if b.startswith("# yaml-language-server"))
    quoted_error = next(b for b in blocks if b.startswith("content/partners/")).strip()
    files = render_skeleton(make_environment(SHIPPED_TEMPLATES, autoescape=False), "X", "git+x", date(2026, 1, 1))
    root = tmp_path / "uusi"
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    partner = root / "content/partners/kahvila-kuppila-oy.yaml"
    partner.write_text(example, encoding="utf-8")
    assert problems_of(root) == []
    added = next(p for p in toolbox_of(root).partners if p.id == "kahvila-kuppila-oy")
    assert [c.tier for c in added.cooperations] == ["arki", "kehittaminen"]
    partner.write_text(example.replace("- tier: kehittaminen", "- tier: kehitys"), encoding="utf-8")
    assert problems_of(root) == [quoted_error]


# --- what changed: Git history -------------------------------------------------------------------------------


def _git(root: Path, *args: str, when: str = "2026-03-01T12:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Testi", "GIT_AUTHOR_EMAIL": "t@testi.example",
           "GIT_COMMITTER_NAME": "Testi", "GIT_COMMITTER_EMAIL": "t@testi.example",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(variable, None)
    return subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """Return the minimal project as a Git repository with one commit, tagged v1."""
    root = copy_project(tmp_path / "repo")
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "Ensimmäinen julkaisu")
    _git(root, "tag", "v1")
    return root


def _change_content(root: Path) -> None:
    """Edit alfa-oy, add a partner, remove the only method (and its mention nowhere else)."""
    alfa = root / "content/partners/alfa-oy.yaml"
    alfa.write_text(alfa.read_text(encoding="utf-8").replace("review_date: 2026-03-01", "review_date: 2026-06-01"),
                    encoding="utf-8")
    (root / "content/partners/delta-oy.yaml").write_text(
        "id: delta-oy\nname: Delta Oy\ntype: company\nfield: Logistiikka\nreview_date: 2026-05-01\n"
        "cooperations:\n  - tier: arki\n    description: Koulutussopimukset.\n", encoding="utf-8")
    (root / "content/methods/tyopaikkakaynti.yaml").unlink()
    (root / "content/methods/uusi.yaml").write_text(
        "id: uusi\ntitle: Uusi menetelmä\nkind: tool\nsummary: Tiivistelmä.\ntiers: [arki]\n", encoding="utf-8")


EXPECTED_CHANGES = (
    Change("method", "added", "uusi", "Uusi menetelmä"),
    Change("method", "removed", "tyopaikkakaynti", "Työpaikkakäynti"),
    Change("partner", "added", "delta-oy", "Delta Oy"),
    Change("partner", "changed", "alfa-oy", 'Alfa & Beta "Testi" Oy', ("Tarkistettu",)),
)


def test_changes_since_the_latest_tag(repository: Path) -> None:
    _change_content(repository)
    _git(repository, "add", "-A")
    _git(repository, "commit", "--quiet", "-m", "Muutoksia", when="2026-04-02T09:00:00+00:00")
    history = read_history(repository, repository / "content")
    assert history.reason == ""
    assert re.fullmatch(r"julkaisu v1 \(muutos [0-9a-f]{7}, 1\.3\.2026\)", history.base)
    assert history.commit_date == date(2026, 4, 2)
    assert compare_history(toolbox_of(repository), history) == EXPECTED_CHANGES
    assert read_history(repository, repository / "content") == history  # same commit, same answer


def test_uncommitted_edits_are_compared_with_the_last_commit(repository: Path) -> None:
    _change_content(repository)
    history = read_history(repository, repository / "content")
    assert history.base.startswith("julkaisu v1")  # the tag is HEAD, but the tree has edits: compare with it
    assert compare_history(toolbox_of(repository), history) == EXPECTED_CHANGES


def test_without_tags_the_previous_content_commit_is_the_release(repository: Path) -> None:
    _git(repository, "tag", "-d", "v1")
    _change_content(repository)
    _git(repository, "add", "-A")
    _git(repository, "commit", "--quiet", "-m", "Muutoksia", when="2026-04-02T09:00:00+00:00")
    (repository / "muistio.txt").write_text("ei sisältöä\n", encoding="utf-8")
    _git(repository, "add", "-A")
    _git(repository, "commit", "--quiet", "-m", "Muu muutos", when="2026-04-03T09:00:00+00:00")
    history = read_history(repository, repository / "content")
    assert re.fullmatch(r"edellinen sisältöön tallennettu muutos \([0-9a-f]{7}, 1\.3\.2026\)", history.base)
    assert history.commit_date == date(2026, 4, 3)
    assert compare_history(toolbox_of(repository), history) == EXPECTED_CHANGES


def test_building_a_tagged_commit_compares_with_the_tag_before(repository: Path) -> None:
    _change_content(repository)
    _git(repository, "add", "-A")
    _git(repository, "commit", "--quiet", "-m", "Muutoksia", when="2026-04-02T09:00:00+00:00")
    _git(repository, "tag", "v2")
    history = read_history(repository, repository / "content")
    assert history.base.startswith("julkaisu v1 ")
    assert len(compare_history(toolbox_of(repository), history) or ()) == 4


def test_public_changes_list_only_publishable_partners(repository: Path) -> None:
    _change_content(repository)
    history = read_history(repository, repository / "content")
    view = view_for(toolbox_of(repository), PUBLIC)
    public = compare_history(view, history_for(history, PUBLIC, view))
    # Delta Oy is not publishable: the public list must not name it.
    assert [c.id for c in public or ()] == ["uusi", "tyopaikkakaynti", "alfa-oy"]


def test_a_partner_switched_to_unpublished_is_never_named_publicly(repository: Path) -> None:
    alfa = repository / "content" / "partners" / "alfa-oy.yaml"
    assert "publishable: true" in alfa.read_text(encoding="utf-8")
    alfa.write_text(alfa.read_text(encoding="utf-8").replace("publishable: true", "publishable: false"),
                    encoding="utf-8")
    history = read_history(repository, repository / "content")
    internal = compare_history(toolbox_of(repository), history_for(history, INTERNAL, toolbox_of(repository)))
    assert ("changed", "alfa-oy") in {(c.kind, c.id) for c in internal or ()}
    view = view_for(toolbox_of(repository), PUBLIC)
    public = compare_history(view, history_for(history, PUBLIC, view))
    assert "alfa-oy" not in {c.id for c in public or ()}


def test_old_release_checked_with_todays_other_files(repository: Path) -> None:
    # The first release lacks what today's schema requires in toolbox.yaml; partners still compare.
    toolbox = repository / "content/toolbox.yaml"
    current = toolbox.read_text(encoding="utf-8")
    toolbox.write_text(current.split("privacy:")[0], encoding="utf-8")
    _git(repository, "commit", "--quiet", "-am", "Vanha muoto")
    _git(repository, "tag", "-f", "v1")
    toolbox.write_text(current, encoding="utf-8")
    _change_content(repository)
    history = read_history(repository, repository / "content")
    assert compare_history(toolbox_of(repository), history) == EXPECTED_CHANGES


def test_history_unavailable_is_explained(tmp_path: Path, repository: Path) -> None:
    plain = copy_project(tmp_path / "plain")
    assert read_history(plain, plain / "content").reason.startswith("Työkalupakki ei ole versionhallinnassa")
    _change_content(repository)
    _git(repository, "add", "-A")
    _git(repository, "commit", "--quiet", "-m", "Muutoksia")
    _git(repository, "tag", "-d", "v1")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{repository}", str(shallow)], check=True)
    history = read_history(shallow, shallow / "content")
    assert history.previous is None and "fetch-depth: 0" in history.reason
    first = copy_project(tmp_path / "first")
    _git(first, "init", "--quiet")
    _git(first, "add", "-A")
    _git(first, "commit", "--quiet", "-m", "Alku")
    assert read_history(first, first / "content").reason.startswith("Sisällöllä ei ole aiempaa versiota")


def test_compare_toolboxes_ignores_moved_files() -> None:
    from dataclasses import replace

    toolbox = toolbox_of(MINIMAL)
    moved = replace(toolbox, partners=tuple(replace(p, source="content/partners/x.yaml") for p in toolbox.partners))
    assert compare_toolboxes(toolbox, moved) == ()


# --- pages: changes and the staff-only review report ---------------------------------------------------------


def _pages(audience: str, history: History | None) -> dict[str, str]:
    return site_for(toolbox_of(MINIMAL), audience, make_environment(SHIPPED_TEMPLATES), history).pages


def test_changes_page_lists_changes_with_links(repository: Path) -> None:
    _change_content(repository)
    history = read_history(repository, repository / "content")
    files = site_for(toolbox_of(repository), "internal", make_environment(SHIPPED_TEMPLATES), history)
    page = files.pages[CHANGES_PAGE]
    assert ('### Lisätyt (1)\n\n<ul class="pk-changes">\n'
            '<li><a href="../kumppanit/delta-oy.html">Delta Oy</a></li>') in page
    assert '<li><a href="../kumppanit/alfa-oy.html">Alfa &amp; Beta &#34;Testi&#34; Oy</a>: Tarkistettu</li>' in page
    assert '<li>Työpaikkakäynti <span class="pk-field">(tunniste tyopaikkakaynti)</span></li>' in page
    assert {"Muutokset ja tarkistukset": CHANGES_PAGE} in files.nav


def test_changes_page_without_history_says_so() -> None:
    page = _pages("internal", None)[CHANGES_PAGE]
    assert "Muutoksia ei voitu laskea. Tämä koonti tehtiin ilman muutoshistoriaa." in page
    reason = History(None, reason="Muutoshistoria on haettu vain osittain.")
    assert "Muutoksia ei voitu laskea. Muutoshistoria on haettu vain osittain." in _pages("internal", reason)[CHANGES_PAGE]


def test_review_report_is_staff_only() -> None:
    internal, public = _pages("internal", None), _pages("public", None)
    assert REVIEW_PAGE in internal and REVIEW_PAGE not in public
    # The public build has no changes page either: a company reads neither (issue 15).
    assert CHANGES_PAGE in internal and CHANGES_PAGE not in public
    nav = site_for(toolbox_of(MINIMAL), "public", make_environment(SHIPPED_TEMPLATES)).nav
    assert not [item for item in nav if CHANGES_PAGE in item.values()]


def test_review_report_findings() -> None:
    toolbox = toolbox_of(MINIMAL)
    review = review_toolbox(toolbox, date(2027, 3, 15), "git")
    assert (review.months, review.cutoff) == (12, date(2026, 3, 15))
    assert [(p.id, p.review_date) for p in review.overdue] == [
        ("gamma", date(2025, 1, 31)), ("alfa-oy", date(2026, 3, 1))]
    assert [p.id for p in review.without_contacts] == [p.id for p in toolbox.partners if not p.contact_ids]
    referenced = {c for p in toolbox.partners for c in p.contact_ids} | {m.owner for m in toolbox.methods}
    referenced |= {g.owner for g in toolbox.guides} | {t.lead for t in toolbox.teams}
    assert [c.id for c in review.unreferenced] == [c.id for c in toolbox.contacts if c.id not in referenced]
    # Without Git the latest review date in the content is the reference: never the clock.
    assert review_for_build(toolbox, None).reference_date == max(p.review_date for p in toolbox.partners)
    assert review_for_build(toolbox, date(2030, 1, 1)).reference == "git"


def test_review_report_page_explains_its_reference_date() -> None:
    page = _pages("internal", History(None, reason="x", commit_date=date(2027, 3, 15)))[REVIEW_PAGE]
    assert "Vertailupäivä on 15.3.2027 (viimeisimmän tallennetun muutoksen päivä)." in page
    assert "## Tarkistus on vanhentunut (2)" in page
    assert '<a href="../kumppanit/alfa-oy.html">Alfa &amp; Beta &#34;Testi&#34; Oy</a></th><td data-label="Tarkistettu">1.3.2026</td>' in page


# Initials of the big review toolbox's names: K holds 400 (more than a page), "9…" is listed under "#".
_INITIALS = "KKKKABSTÄ9"
_ROW_LINK = re.compile(r'<(?:th scope="row"|li)><a href="([^"]*(?:kumppanit|henkilot)/[^"/]+\.html)"')
_HREF = re.compile(r'href="([^"]+)"')
_PAGE_NAV = re.compile(r'<nav class="pk-pages".*?</nav>', re.S)


def _big_review_toolbox() -> Toolbox:
    """Return the minimal toolbox grown to 1,000 partners (a third without contacts) and 702 contacts."""
    toolbox = toolbox_of(MINIMAL)
    with_contacts, without = (next(p for p in toolbox.partners if bool(p.contact_ids) is has) for has in (True, False))
    partners = tuple(
        replace(without if number % 3 == 0 else with_contacts, id=f"p{number:04d}",
                name=f"{_INITIALS[number % 10]}-yritys {number:04d} Oy", review_date=date(2020, 1, 1 + number % 28))
        for number in range(1000))
    contacts = toolbox.contacts + tuple(
        replace(toolbox.contacts[0], id=f"h{number:04d}", name=f"{_INITIALS[number % 10]}-henkilö {number:04d}")
        for number in range(700))
    return replace(toolbox, partners=partners, contacts=contacts)


def _review_pages(toolbox: Toolbox, audience: str) -> tuple[dict[str, str], set[str]]:
    """Render only the review report's pages of toolbox as of 2030; return them and every page path of the site."""
    every_path: set[str] = set()

    def review_only(path: str, values: dict[str, object]) -> bool:
        every_path.add(path)
        return path.startswith("muutokset/tarkistettavat")

    history = History(None, reason="x", commit_date=date(2030, 1, 1))
    files = site_for(toolbox, audience, make_environment(SHIPPED_TEMPLATES), history, only=review_only)
    return files.pages, every_path


def test_review_report_splits_long_lists_into_bounded_alphabetical_pages() -> None:
    toolbox = _big_review_toolbox()
    pages, every_path = _review_pages(toolbox, "internal")
    review = review_toolbox(toolbox, date(2030, 1, 1), "git")
    assert (len(review.overdue), len(review.without_contacts), len(review.unreferenced)) == (1000, 334, 700)
    for folder, expected in (("vanhentuneet", review.overdue), ("ilman-yhteyshenkiloa", review.without_contacts),
                             ("viittaamattomat", review.unreferenced)):
        listing = sorted(path for path in pages if path.startswith(f"muutokset/tarkistettavat/{folder}/"))
        assert len(listing) > 1, folder
        # The page links at the foot of every page give the pages in order.
        page_links = _HREF.findall(_PAGE_NAV.findall(pages[listing[0]])[0])
        in_order = [posixpath.join(posixpath.dirname(listing[0]), link)[: -len(".html")] + ".md" for link in page_links]
        assert sorted(in_order) == listing
        rows = {path: [link.rsplit("/", 1)[1][: -len(".html")] for link in _ROW_LINK.findall(pages[path])]
                for path in listing}
        assert all(0 < len(ids) <= 300 for ids in rows.values()), {path: len(ids) for path, ids in rows.items()}
        # Every finding exactly once over the pages, in Finnish alphabetical order (Ä after T, "9…" first).
        found = [row_id for path in in_order for row_id in rows[path]]
        assert sorted(found) == sorted(item.id for item in expected) and len(set(found)) == len(found)
        names = {item.id: item.name for item in expected}
        initials = [initial_of(names[row_id]) for row_id in found]
        assert [letter for letter, _ in groupby(initials)] == ["#", "A", "B", "K", "S", "T", "Ä"]
        assert all(names[a].lower() < names[b].lower()
                   for a, b in zip(found, found[1:]) if initial_of(names[a]) == initial_of(names[b]))
    assert "muutokset/tarkistettavat/vanhentuneet/k-2.md" in pages  # 400 K names: the letter itself is split
    # The report page keeps counts, links and the oldest overdue partners, not the long lists.
    summary = pages[REVIEW_PAGE]
    assert "## Tarkistus on vanhentunut (1000)" in summary and "## Yhteyshenkilöt, joihin ei viitata (700)" in summary
    oldest = [link.rsplit("/", 1)[1][: -len(".html")] for link in _ROW_LINK.findall(summary)]
    assert oldest == [p.id for p in review.overdue[:20]]
    assert len(summary) < 20_000


def test_review_report_links_resolve() -> None:
    pages, every_path = _review_pages(_big_review_toolbox(), "internal")
    broken = []
    for path, text in sorted(pages.items()):
        for link in _HREF.findall(text):
            target, _, anchor = link.partition("#")
            docs = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))[: -len(".html")] + ".md"
            if docs not in every_path:
                broken.append(f"{path} -> {link}")
            elif anchor and f'id="{anchor}"' not in pages[docs] and f"{{: #{anchor} }}" not in pages[docs]:
                broken.append(f"{path} -> {link} (no such anchor)")
    assert broken == []
    assert sum(link.endswith("vanhentuneet/k-2.html") for link in _HREF.findall(pages[REVIEW_PAGE])) == 1


def test_review_report_pages_are_staff_only_at_any_size() -> None:
    pages, every_path = _review_pages(_big_review_toolbox(), "public")
    assert pages == {} and not any(path.startswith("muutokset/tarkistettavat") for path in every_path)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2028, 3, 31), 1, date(2028, 2, 29)),
    (date(2026, 1, 15), 12, date(2025, 1, 15)),
    (date(2026, 1, 15), 25, date(2023, 12, 15)),
    (date(2026, 1, 15), 999_999_999, date.min),
])
def test_subtract_months(day: date, months: int, expected: date) -> None:
    assert subtract_months(day, months) == expected


def test_review_age_is_a_setting(project: Callable[..., Path]) -> None:
    text = (MINIMAL / "content/toolbox.yaml").read_text(encoding="utf-8")
    root = project({"toolbox.yaml": text.replace("how_to_use: Käytä tiimeissä.\n",
                                                 "how_to_use: Käytä tiimeissä.\nreview_after_months: 3\n")})
    review = review_toolbox(toolbox_of(root), date(2026, 9, 1), "git")
    assert review.cutoff == date(2026, 6, 1)
    assert [p.id for p in review.overdue] == ["gamma", "alfa-oy"]
    assert review_toolbox(toolbox_of(MINIMAL), date(2026, 9, 1), "git").overdue[0].id == "gamma"  # 12: only gamma
    assert len(review_toolbox(toolbox_of(MINIMAL), date(2026, 9, 1), "git").overdue) == 1


def test_from_new_toolbox_to_published_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The whole path with shipped files only: init, commit, new partner, inline error, fix, build with changes."""
    root = tmp_path / "pakki"
    assert main(["init", str(root), "--institution", "Testiopisto",
                 "--partnerkit-source", "git+https://x.example/p"]) == 0
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "Uusi työkalupakki")
    _git(root, "tag", "v1")
    assert main(["--root", str(root), "new", "partner", "--name", "Kahvila Kuppila Oy", "--type", "company",
                 "--field", "Ravintola-ala", "--tier", "arki", "--tier", "kehittaminen",
                 "--description", "Koulutussopimukset.", "--description", "Uusi lounaslista.",
                 "--contact", "maija-meikalainen"]) == 0
    partner = root / "content/partners/kahvila-kuppila-oy.yaml"
    partner.write_text(partner.read_text(encoding="utf-8").replace("tier: kehittaminen", "tier: kehitys"),
                       encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(root), "check", "--format", "github"]) == 1
    assert capsys.readouterr().out == (
        "::error file=content/partners/kahvila-kuppila-oy.yaml,line=12,col=11,title=Sisältövirhe (bad_choice)::"
        "cooperations[2].tier: 'kehitys' ei ole sallittu arvo. Tarkoititko 'kehittaminen'? "
        "Sallitut arvot: arki, kehittaminen, strateginen, verkostot, muut.\n")
    partner.write_text(partner.read_text(encoding="utf-8").replace("tier: kehitys", "tier: kehittaminen"),
                       encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "Kahvila Kuppila", when="2026-03-02T08:00:00+00:00")
    assert main(["--root", str(root), "--site-dir", str(root / "site")]) == 0
    changes = (root / "site/muutokset/index.html").read_text(encoding="utf-8")
    assert re.search(r"Vertailukohta: julkaisu v1 \(muutos [0-9a-f]{7}, 1\.3\.2026\)", changes)
    assert '<a href="../kumppanit/kahvila-kuppila-oy.html">Kahvila Kuppila Oy</a>' in changes


def test_a_committed_file_name_with_a_line_feed_does_not_break_the_history(repository: Path) -> None:
    odd = repository / "content" / "partners" / "rivi\nkaksi.yaml"
    odd.write_bytes((repository / "content" / "partners" / "alfa-oy.yaml").read_bytes())
    _git(repository, "add", "-A")
    _git(repository, "commit", "--quiet", "-m", "Outo nimi", when="2026-03-05T12:00:00+00:00")
    _git(repository, "tag", "v9")  # the release the changes page compares with holds the odd name
    odd.unlink()
    _change_content(repository)
    history = read_history(repository, repository / "content")
    assert history.previous is not None, history.reason
    assert history.base.startswith("julkaisu v9 ")
    assert "alfa-oy" in {p.id for p in history.previous.partners}
