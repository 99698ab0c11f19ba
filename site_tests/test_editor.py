"""The web editor: its configuration follows the schema, and what it writes passes the check with the modeline.

What the editor writes is produced here by Decap CMS's own YAML format (decap-cms-core with its pinned `yaml`
library, run in Node by editor_format.mjs) with the field order and comments the generated config gives it,
exactly as the CMS does when it saves a file. The end-to-end test (test_editor_e2e.py) saves through the forms.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from partnerkit.builders.site import read_editor_settings
from partnerkit.messages import ContentError
from partnerkit.pipeline import Project, read_toolbox
from partnerkit.render.editor import (CHOICE_LABELS, COMMIT_MESSAGES, EditorSettings, read_repository,
                                      render_editor_config)
from partnerkit.schema import COLLECTIONS, OPTIONAL_FILES, RECORDS, SINGLE_FILES, TIER_IDS, Field, Record

from .conftest import ROOT, BuiltSite

FORMAT_SCRIPT = Path(__file__).with_name("editor_format.mjs")
FOLDER_OF = {record: folder for folder, record in COLLECTIONS.items()}
FILE_OF_NAME = {**SINGLE_FILES, **OPTIONAL_FILES}
FILE_OF = {record: name for name, record in {**SINGLE_FILES, **OPTIONAL_FILES}.items()}


def decap_yaml(jobs: list[dict[str, Any]]) -> list[str]:
    """Return the texts Decap's YAML format writes for the jobs ({text} read first, or {data}; keys; comments)."""
    if not (ROOT / "node_modules" / "decap-cms-core").is_dir():
        pytest.fail("decap-cms is not installed: run `make browser` (npm ci)")
    request = json.dumps({"root": str(ROOT), "jobs": jobs}, default=str)
    done = subprocess.run(["node", str(FORMAT_SCRIPT)], input=request, capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def editor_collections() -> dict[str, dict[str, Any]]:
    """Return the generated config's collections and files by record name, as the CMS reads them."""
    project = Project(ROOT)
    config = yaml.safe_load(render_editor_config(read_toolbox(project), read_editor_settings(project)))
    found: dict[str, dict[str, Any]] = {}
    for collection in config["collections"]:
        for entry in collection.get("files", [collection]):
            folder = entry.get("folder", "")
            name = COLLECTIONS.get(folder.removeprefix("content/")) or FILE_OF_NAME.get(
                entry.get("file", "").removeprefix("content/"))
            found[name] = entry
    return found


def saving(entry: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Return the sorted keys and comments the CMS hands its format when it saves an entry of this collection."""
    keys = [field["name"] for field in entry["fields"]]
    comments = {field["name"]: field["comment"] for field in entry["fields"] if "comment" in field}
    return keys, comments


def business_id(number: int) -> str:
    """Return a business ID with a valid check digit for a seven-digit number (None-free: skips remainder 1)."""
    while True:
        digits = f"{number:07d}"
        remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2))) % 11
        if remainder != 1:
            return f"{digits}-{0 if remainder == 0 else 11 - remainder}"
        number += 1


def filled(record: Record, ids: dict[str, list[str]], depth: int = 0) -> dict[str, Any]:
    """Return an entry of the record type with every field filled as the forms fill it, with tricky text."""
    values: dict[str, Any] = {}
    for spec in record.fields:
        if record.one_of and spec.name in record.one_of[1:]:
            continue  # a link has either an address or a file
        values[spec.name] = _value(record, spec, ids, depth)
    return values


def _value(record: Record, spec: Field, ids: dict[str, list[str]], depth: int) -> Any:
    kind = spec.kind
    # Strings YAML 1.1 readers would take for something else, as people type them into a form.
    tricky = {"str": "NO: 00100 #1", "text": "Ensimmäinen rivi.\n\n- luettelo\n- on: yes\n", "phone": "0401234567"}
    if kind in tricky:
        return tricky[kind]
    if kind == "id":
        return "editorin-testi"
    if kind == "url":
        return "https://esimerkki.example/polku?a=1"
    if kind == "url_pattern":
        return "https://crm.example.fi/yritykset?ytunnus={business_id}"
    if kind == "email":
        return "etunimi.sukunimi@oppilaitos.example"
    if kind == "business_id":
        return business_id(2345678)
    if kind == "file":
        return "sopimukset/pohjoisen-puutalo-kumppanuussopimus-2024.pdf"
    if kind == "date":
        return "2026-09-15"
    if kind == "bool":
        return True
    if kind == "int":
        return spec.minimum if spec.minimum is not None else 7
    if kind == "enum":
        return spec.choices[-1]
    if kind == "ref":
        return ids[spec.target][0]
    if kind == "record":
        return filled(RECORDS[spec.target], ids, depth + 1)
    if kind == "list":
        if spec.item_kind == "ref":
            return ids[spec.target][:2]
        if spec.item_kind == "record":
            return [filled(RECORDS[spec.target], ids, depth + 1)]
        if spec.item_kind == "int":
            return [spec.minimum or 1, spec.maximum or 2]
        return ["NO", "12:30"]
    raise AssertionError(kind)


@pytest.mark.parametrize("record", sorted(set(COLLECTIONS.values()) | set(FILE_OF)))
def test_what_the_editor_writes_passes_check_and_keeps_the_modeline(record: str, tmp_path: Path) -> None:
    """Every sample file of the type, read and saved by the CMS, and a new one with every field, pass the check."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "content", project / "content")
    entry = editor_collections()[record]
    keys, comments = saving(entry)
    if record in FILE_OF:
        paths = [project / "content" / FILE_OF[record]]
        modeline = "# yaml-language-server: $schema=../schema/" + record + ".schema.json"
    else:
        paths = sorted((project / "content" / FOLDER_OF[record]).glob("*.yaml"))
        modeline = "# yaml-language-server: $schema=../../schema/" + record + ".schema.json"
    jobs: list[dict[str, Any]] = [{"text": path.read_text(encoding="utf-8"), "keys": keys, "comments": comments}
                                  for path in paths]
    if record in FOLDER_OF:
        ids = {folder: sorted(p.stem for p in (project / "content" / folder).glob("*.yaml")) for folder in COLLECTIONS}
        ids["tiers"] = list(TIER_IDS)
        new = filled(RECORDS[record], ids)
        if record in ("partner", "service"):
            # The sample has a field vocabulary: a partner's field is one of its ids, a service's fields are its
            # fields or groups (by id or name).
            vocabulary = yaml.safe_load((project / "content" / "fields.yaml").read_text(encoding="utf-8"))
            if record == "partner":
                new["field"] = vocabulary["groups"][0]["fields"][0]["id"]
            else:
                new["fields"] = [vocabulary["groups"][0]["fields"][0]["id"], vocabulary["groups"][0]["name"]]
        name = "editorin-testi"
        if record == "plan":
            # A plan is named after its team and year (the collection's slug) and its dates fall in its year:
            # the new plan replaces the team's sample plan for the year the filled dates are in.
            new["year"] = 2026
            name = f"{new['team']}-2026"
            for action in new["actions"]:
                del action["end"]  # months were filled, and an end day belongs to a start day
            keep = [i for i, path in enumerate(paths) if path.stem != name]
            jobs = [jobs[i] for i in keep]
            paths = [paths[i] for i in keep]
        jobs.append({"data": new, "keys": keys, "comments": comments})
        paths.append(project / "content" / FOLDER_OF[record] / f"{name}.yaml")
    texts = decap_yaml(jobs)
    for path, text in zip(paths, texts):
        path.write_text(text, encoding="utf-8")
    try:
        toolbox = read_toolbox(Project(project))
    except ContentError as error:
        pytest.fail("\n".join(str(p) for p in error.problems))
    for path, text in zip(paths, texts):
        assert text.splitlines()[0] == modeline, path
    if record == "partner":
        written = next(p for p in toolbox.partners if p.id == "editorin-testi")
        assert written.name == "NO: 00100 #1"
        assert written.partner_contacts[0].phone == "0401234567"
        assert written.review_date == date(2026, 9, 15)
        assert written.cooperations[0].description.startswith("Ensimmäinen rivi.\n\n- luettelo")
    if record == "plan":
        plan = next(p for p in toolbox.plans if p.source.endswith(paths[-1].name))
        assert plan.year == 2026 and plan.actions[0].months == (1, 12)
        assert plan.actions[0].evaluation is not None and plan.actions[0].people


def test_config_has_a_collection_per_record_type_with_finnish_labels() -> None:
    """One collection per record type; every field labelled and explained from the schema; choices labelled."""
    collections = editor_collections()
    assert set(collections) == set(COLLECTIONS.values()) | set(FILE_OF)  # the sample has a field vocabulary
    for name, entry in collections.items():
        record = RECORDS[name]
        assert [f["name"] for f in entry["fields"]] == [f.name for f in record.fields]
        for field, spec in zip(entry["fields"], record.fields):
            assert (field["label"], field["hint"]) == (spec.title, spec.description)
            assert field.get("required", True) is spec.required
    partner = {f["name"]: f for f in collections["partner"]["fields"]}
    cooperation = {f["name"]: f for f in partner["cooperations"]["fields"]}
    assert partner["cooperations"]["widget"] == "list" and partner["cooperations"]["min"] == 1
    assert partner["field"]["widget"] == "select" and {"label": "Ravintola-ala (Ravintola- ja ruokapalvelut)",
                                                       "value": "ravintola-ala"} in partner["field"]["options"]
    assert cooperation["tier"]["widget"] == "select"
    assert [o["value"] for o in cooperation["tier"]["options"]] == list(TIER_IDS)
    assert cooperation["tier"]["options"][0]["label"] == "Arjen kumppanuudet"
    contacts = cooperation["contacts"]
    assert (contacts["widget"], contacts["collection"], contacts["value_field"], contacts["multiple"]) == (
        "relation", "contacts", "id", True)
    assert cooperation["team"]["collection"] == "teams"
    assert {f["name"]: f for f in collections["method"]["fields"]}["owner"]["collection"] == "contacts"
    assert {o["label"] for o in partner["type"]["options"]} == set(CHOICE_LABELS["partner", "type"].values())
    # Every fixed choice has a Finnish label for each value.
    for (record_name, field_name), labels in CHOICE_LABELS.items():
        spec = RECORDS[record_name].field_named(field_name)
        assert spec is not None and set(labels) == set(spec.choices)


def test_backend_follows_mkdocs_repository() -> None:
    """GitHub and GitLab addresses (own server too) give their backends; the editorial workflow is always on."""
    github = read_repository("https://github.com/oppilaitos/tyokalupakki", "edit/kehitys/")
    assert github is not None and (github.host, github.path, github.branch) == ("github", "oppilaitos/tyokalupakki",
                                                                               "kehitys")
    gitlab = read_repository("https://git.jarvilaakso.example/tyoelama/kumppanuudet", "-/edit/main/")
    assert gitlab is not None and (gitlab.host, gitlab.web) == ("gitlab", "https://git.jarvilaakso.example")
    assert read_repository("https://example.org/toolbox", "") is None
    project = Project(ROOT)
    toolbox = read_toolbox(project)
    config = yaml.safe_load(render_editor_config(toolbox, EditorSettings(gitlab, app_id="abc123")))
    assert config["backend"] == {"name": "gitlab", "repo": "tyoelama/kumppanuudet", "branch": "main",
                                 "commit_messages": COMMIT_MESSAGES,
                                 "base_url": "https://git.jarvilaakso.example",
                                 "api_root": "https://git.jarvilaakso.example/api/v4", "auth_type": "pkce",
                                 "app_id": "abc123"}
    assert config["publish_mode"] == "editorial_workflow" and config["locale"] == "fi"
    config = yaml.safe_load(render_editor_config(toolbox, EditorSettings(github)))
    assert config["backend"] == {"name": "github", "repo": "oppilaitos/tyokalupakki", "branch": "kehitys",
                                 "commit_messages": COMMIT_MESSAGES}


def test_editor_only_in_the_staff_build(built: BuiltSite, built_public: BuiltSite) -> None:
    """The staff site serves the CMS from itself; the public site has no editor at all."""
    editor = built.root / "muokkaa"
    assert (editor / "decap-cms.js").is_file() and (editor / "config.yml").is_file()
    page = (editor / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fi">' in page and 'src="decap-cms.js"' in page and "http" not in page
    assert not (built_public.root / "muokkaa").exists()


def test_missing_cms_package_gives_a_notice_page(tmp_path: Path) -> None:
    """Without node_modules the site still renders, the build says what to run and so does the editor's address."""
    from partnerkit.builders.site import SiteBuilder
    from partnerkit.pipeline import make_view

    project_dir = tmp_path / "project"
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project_dir / name)
    shutil.copy(ROOT / "mkdocs.yml", project_dir / "mkdocs.yml")
    said: list[str] = []
    project = Project(project_dir)
    view, profile = make_view(read_toolbox(project), "internal")
    builder = SiteBuilder(project, view, profile, tmp_path / "site", lambda key, **fields: said.append(key))
    builder.render()
    page = builder.files.static["muokkaa/index.html"]
    assert isinstance(page, str) and "npm ci" in page and "Muokkain puuttuu" in page
    assert [path for path in builder.files.static if path.startswith("muokkaa/")] == ["muokkaa/index.html"]
    assert said == ["cli_editor_missing"]


# --- "Ehdota muutosta" ---------------------------------------------------------------------------------------


def test_suggestion_opens_a_prefilled_issue_or_an_email() -> None:
    """GitHub: the issue form with the page and file; GitLab: the template and a description; else e-mail."""
    from urllib.parse import parse_qs, urlsplit

    from partnerkit.render.suggest import GITHUB_FORM, GITLAB_TEMPLATE, SuggestTarget, suggest_url

    github = read_repository("https://github.com/oppilaitos/tyokalupakki", "edit/main/")
    url = suggest_url(SuggestTarget(github, site_url="https://pakki.example/"), "Kahvila & Co", "kumppanit/k.html",
                      "content/partners/k.yaml")
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("github.com", "/oppilaitos/tyokalupakki/issues/new")
    assert parse_qs(parts.query) == {"template": [GITHUB_FORM], "title": ["Ehdotus: Kahvila & Co"],
                                     "sivu": ["Kahvila & Co – https://pakki.example/kumppanit/k.html"],
                                     "lahde": ["content/partners/k.yaml"]}
    gitlab = read_repository("https://git.jarvilaakso.example/tyoelama/kumppanuudet", "-/edit/main/")
    parts = urlsplit(suggest_url(SuggestTarget(gitlab), "Kahvila", "kumppanit/k.html", "content/partners/k.yaml"))
    query = parse_qs(parts.query)
    assert parts.path == "/tyoelama/kumppanuudet/-/issues/new"
    assert query["issuable_template"] == [GITLAB_TEMPLATE] and query["issue[title]"] == ["Ehdotus: Kahvila"]
    assert "Sivu: Kahvila – kumppanit/k.html\nLähdetiedosto: content/partners/k.yaml\n" in query["issue[description]"][0]
    mail = suggest_url(SuggestTarget(None, owner_email="pakki@oppilaitos.example"), "Kahvila", "kumppanit/k.html",
                       "content/partners/k.yaml")
    parts = urlsplit(mail)
    assert (parts.scheme, parts.path) == ("mailto", "pakki@oppilaitos.example")
    assert "content/partners/k.yaml" in parse_qs(parts.query)["body"][0]
    assert suggest_url(SuggestTarget(None), "Kahvila", "kumppanit/k.html", "") == ""


def test_init_ships_the_issue_form_and_template_the_link_fills() -> None:
    """The GitHub form's field ids and the GitLab template's name are the ones the suggestion link uses."""
    from partnerkit.project import SHIPPED_TEMPLATES
    from partnerkit.render import make_environment
    from partnerkit.render.suggest import FIELD_PAGE, FIELD_SOURCE, GITHUB_FORM, GITLAB_TEMPLATE
    from partnerkit.scaffold import render_skeleton

    files = render_skeleton(make_environment(SHIPPED_TEMPLATES, autoescape=False), "X", "git+https://x.example/p",
                            date(2026, 1, 1))
    form = yaml.safe_load(files[f".github/ISSUE_TEMPLATE/{GITHUB_FORM}"])
    ids = [item.get("id") for item in form["body"]]
    assert FIELD_PAGE in ids and FIELD_SOURCE in ids and form["name"] == "Ehdota muutosta"
    template = files[f".gitlab/issue_templates/{GITLAB_TEMPLATE}.md"]
    assert "Sivu:" in template and "Lähdetiedosto:" in template


def test_every_staff_page_has_a_suggestion_naming_its_source(built: BuiltSite, built_public: BuiltSite) -> None:
    """Every page the renderer makes links to a suggestion; record pages name their file and open the editor."""
    from urllib.parse import parse_qs, unquote, urlsplit

    links = re.compile(r'<a href="([^"]+)" class="md-content__button md-button pk-action" rel="nofollow">'
                       r"Ehdota muutosta</a>")
    editor = re.compile(r'<a href="([^"]+)" class="md-content__button md-button pk-action">Muokkaa lomakkeella</a>')
    for page in built.types:
        html = built.html(page)
        found = links.findall(html)
        assert len(found) == 1, page
        description = parse_qs(urlsplit(unquote_html(found[0])).query)["issue[description]"][0]
        assert "Sivu: " in description and page in description, page
    partner = built.toolbox.partners[0]
    html = built.html(f"kumppanit/{partner.id}.html")
    description = parse_qs(urlsplit(unquote_html(links.findall(html)[0])).query)["issue[description]"][0]
    assert f"Lähdetiedosto: {partner.source}" in description
    assert editor.findall(html) == [f"../muokkaa/index.html#/collections/partners/entries/{partner.id}"]
    assert unquote(editor.findall(built.html("index.html"))[0]) == "muokkaa/index.html#/collections/asetukset/entries/toolbox"
    for page in built_public.types:
        html = built_public.html(page)
        assert "Ehdota muutosta" not in html and "muokkaa/" not in html and "issues/new" not in html, page


def unquote_html(text: str) -> str:
    """Return an attribute's value with its HTML escapes undone."""
    import html

    return html.unescape(text)


def test_notice_page_has_no_axe_violations(browser: object, tmp_path: Path) -> None:
    """The page the editor's address shows without the CMS package passes axe (WCAG 2.1 A and AA)."""
    from partnerkit.project import SHIPPED_TEMPLATES
    from partnerkit.render import make_environment
    from partnerkit.render.editor import render_editor_files

    from .conftest import serving
    from .test_editor_e2e import axe_violations

    files = render_editor_files(read_toolbox(Project(ROOT)), EditorSettings(None), make_environment(SHIPPED_TEMPLATES),
                                None)
    (tmp_path / "muokkaa").mkdir()
    (tmp_path / "muokkaa" / "index.html").write_text(str(files["muokkaa/index.html"]), encoding="utf-8")
    with serving(tmp_path) as url:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{url}/muokkaa/index.html")
        assert page.get_by_role("heading", level=1).inner_text() == "Muokkain puuttuu tästä koonnista"
        assert axe_violations(page) == []
        page.close()
