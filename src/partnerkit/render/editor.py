"""The staff site's web editor (Decap CMS): its configuration generated from schema.py, and its page. Pure.

Decap CMS edits the YAML files under content/ through forms and saves every change as a pull request (GitHub)
or merge request (GitLab): the editorial workflow. Its configuration is never written by hand: one collection
per record type, the labels and help texts of schema.py, selects for fixed choices, relation widgets for
references. The CMS itself comes from npm (package.json pins decap-cms); the build copies its files into the
site, so the editor makes no request to any other server. Without them (no `npm ci` yet) the editor's address
shows what to run instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2
import yaml

from ..model import Toolbox
from ..schema import (AGREEMENT_KINDS, BUSINESS_ID_PATTERN, COLLECTIONS, CONFORMANCE, CRM_PLACEHOLDERS, ID_PATTERN,
                      METHOD_KINDS, OPTIONAL_FILES, PARTNER_SIZES, PARTNER_STATUSES, PARTNER_TYPES, RECORDS,
                      SINGLE_FILES, TIER_IDS, Field, Record)

# The editor's address in the staff site, and the folder the CMS's own files are copied into.
EDITOR_FOLDER = "muokkaa"
# The files of the pinned npm package that the editor page loads: the bundle, its lazily loaded chunks and
# WebAssembly modules, and the licence notice that must travel with them.
CMS_PACKAGE = "decap-cms"
CMS_SCRIPT = "decap-cms.js"
CMS_FILE_PATTERN = re.compile(r"(decap-cms\.js|decap-cms\.js\.LICENSE\.txt|\d+\.decap-cms\.js|[0-9a-f]+\.wasm)")

# Labels of each fixed choice, by (record, field): the checker knows the values, people read these.
CHOICE_LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("partner", "type"): PARTNER_TYPES,
    ("partner", "status"): PARTNER_STATUSES,
    ("partner", "size"): PARTNER_SIZES,
    ("method", "kind"): METHOD_KINDS,
    ("agreement", "kind"): AGREEMENT_KINDS,
    ("accessibility", "status"): CONFORMANCE,
}
# What a relation widget shows of each collection's records, and searches by.
DISPLAY_FIELD = {"partners": "name", "methods": "title", "guides": "title", "contacts": "name", "teams": "name",
                 "services": "title", "plans": "team"}
# A new record's file name: its id, except an annual plan, which has none and is named after its team and year.
SLUG = {"plans": "{{fields.team}}-{{fields.year}}"}
# Relation widgets list this many matches at a time: thousands of contacts stay one short, searchable list.
RELATION_OPTIONS = 30
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
URL_PATTERN = r"^(https?://[^\s]+|mailto:[^\s]+)$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True)
class Repository:
    """Where the content lives, read from mkdocs.yml's repo_url and edit_uri."""

    host: str  # "github" or "gitlab"
    web: str  # https://github.com or the GitLab server's address, without a trailing slash
    path: str  # owner/name (GitLab: group/subgroup/name)
    branch: str

    @property
    def url(self) -> str:
        """Return the repository's web address."""
        return f"{self.web}/{self.path}"


def read_repository(repo_url: str, edit_uri: str) -> Repository | None:
    """Return the repository repo_url names when it is on GitHub or GitLab, else None."""
    parts = urlsplit(repo_url.strip())
    path = parts.path.strip("/").removesuffix(".git")
    if parts.scheme not in ("http", "https") or not parts.hostname or path.count("/") < 1:
        return None
    edit = edit_uri.strip("/")
    # GitLab's web addresses put "-/" before edit and blob; GitHub's never do.
    if parts.hostname == "github.com" or parts.hostname.startswith("github."):
        host = "github"
    elif "gitlab" in parts.hostname or edit.startswith("-/"):
        host = "gitlab"
    else:
        return None
    found = re.match(r"^(?:-/)?(?:edit|blob|tree)/([^/]+)", edit)
    branch = found.group(1) if found else "main"
    return Repository(host, f"{parts.scheme}://{parts.netloc}", path, branch)


@dataclass(frozen=True)
class EditorSettings:
    """The editor's backend: the repository, and how people sign in to its host."""

    repository: Repository | None
    app_id: str = ""  # GitLab: the OAuth application's id (sign-in with PKCE, no server of our own)
    auth_url: str = ""  # GitHub: the OAuth proxy that signs people in (GitHub has no browser-only sign-in)


def render_editor_config(toolbox: Toolbox, settings: EditorSettings) -> str:
    """Return the CMS's config.yml for the toolbox's content, generated from the schema."""
    config: dict[str, Any] = {
        "locale": "fi",
        "backend": _backend(settings),
        # Every save is a pull or merge request: the CI checks it and a person merges it.
        "publish_mode": "editorial_workflow",
        # A local decap-server (npx decap-server) is used when the site is opened from this computer only.
        "local_backend": True,
        "media_folder": "content/files",
        "public_folder": "",
        "show_preview_links": False,
        "collections": [*(_folder_collection(folder, toolbox) for folder in _collection_order()),
                        _settings_collection(toolbox)],
    }
    header = ("# Generated by partnerkit from schema.py: edit the schema, not this file.\n")
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)


def _collection_order() -> list[str]:
    # What staff edit most comes first in the editor's menu.
    preferred = ["partners", "methods", "contacts", "teams", "guides"]
    return [*preferred, *sorted(set(COLLECTIONS) - set(preferred))]


# The titles of the commits and pull requests the editor makes, in Finnish ({{collection}} is the record type).
COMMIT_MESSAGES = {
    "create": "Uusi {{collection}}: {{slug}}",
    "update": "Muutos {{collection}}: {{slug}}",
    "delete": "Poisto {{collection}}: {{slug}}",
    "uploadMedia": "Uusi liite {{path}}",
    "deleteMedia": "Liitteen poisto {{path}}",
    "openAuthoring": "{{message}}",
}


def _backend(settings: EditorSettings) -> dict[str, Any]:
    repository = settings.repository
    if repository is None:
        # No GitHub or GitLab address in mkdocs.yml: only the local backend (decap-server) can serve the editor.
        return {"name": "proxy", "proxy_url": "http://localhost:8081/api/v1", "branch": "main",
                "commit_messages": COMMIT_MESSAGES}
    backend: dict[str, Any] = {"name": repository.host, "repo": repository.path, "branch": repository.branch,
                               "commit_messages": COMMIT_MESSAGES}
    if repository.host == "gitlab":
        if repository.web != "https://gitlab.com":
            backend["base_url"] = repository.web
            backend["api_root"] = f"{repository.web}/api/v4"
        if settings.app_id:
            backend.update(auth_type="pkce", app_id=settings.app_id)
    else:
        if repository.web != "https://github.com":
            backend["api_root"] = f"{repository.web}/api/v3"
        if settings.auth_url:
            backend["base_url"] = settings.auth_url
    return backend


def _folder_collection(folder: str, toolbox: Toolbox) -> dict[str, Any]:
    record = RECORDS[COLLECTIONS[folder]]
    shown = DISPLAY_FIELD[folder]
    return {
        "name": folder,
        "label": _plural(record),
        "label_singular": record.title,
        "description": record.description,
        "folder": f"content/{folder}",
        "extension": "yaml",
        "format": "yaml",
        "create": True,
        # Removing a record would skip the review every other change gets (Decap deletes at once).
        "delete": False,
        "identifier_field": shown,
        "slug": SLUG.get(folder, "{{fields.id}}"),
        "summary": "{{" + shown + "}}",
        "sortable_fields": [shown],
        "editor": {"preview": False},
        "fields": _fields(record, toolbox, modeline=f"../../schema/{record.name}.schema.json"),
    }


def _settings_collection(toolbox: Toolbox) -> dict[str, Any]:
    files = []
    # The field vocabulary only where the toolbox has one: creating it here would turn every free-text field
    # into an unknown reference at once.
    single = {**SINGLE_FILES, **(OPTIONAL_FILES if toolbox.field_groups else {})}
    for name, record_name in sorted(single.items()):
        record = RECORDS[record_name]
        files.append({
            "name": record_name,
            "label": record.title,
            "file": f"content/{name}",
            "description": record.description,
            "fields": _fields(record, toolbox, modeline=f"../schema/{record.name}.schema.json"),
        })
    return {"name": "asetukset", "label": "Työkalupakin asetukset", "format": "yaml", "delete": False,
            "editor": {"preview": False}, "files": files}


def _plural(record: Record) -> str:
    plurals = {"partner": "Kumppanit", "method": "Menetelmät ja työkalut", "guide": "Ohjeet ja oppaat",
               "contact": "Yhteyshenkilöt", "team": "Tiimit", "service": "Palvelut työelämälle",
               "plan": "Vuosisuunnitelmat"}
    return plurals.get(record.name, record.title)


def _fields(record: Record, toolbox: Toolbox, modeline: str = "", optional: bool = False) -> list[dict[str, Any]]:
    fields = [_field(record, spec, toolbox) for spec in record.fields]
    if optional:
        # The CMS has no optional group of fields: it would demand the group's required fields of everyone who
        # leaves the whole group empty. The check (and the pull request's CI) still requires them when it is filled.
        for widget in fields:
            widget["required"] = False
    if modeline and fields:
        # The CMS writes a field's comment above its key: on the first field it becomes the file's first line,
        # the modeline that ties the file to its JSON Schema in editors.
        fields[0]["comment"] = f"yaml-language-server: $schema={modeline}"
    return fields


def _field(record: Record, spec: Field, toolbox: Toolbox) -> dict[str, Any]:
    widget: dict[str, Any] = {"name": spec.name, "label": spec.title, "hint": spec.description}
    widget.update(_widget(record, spec, toolbox))
    if not spec.required:
        widget["required"] = False
    if spec.default is not None and spec.kind in ("bool", "enum", "int"):
        widget["default"] = spec.default
    return widget


def _widget(record: Record, spec: Field, toolbox: Toolbox) -> dict[str, Any]:
    kind = spec.kind
    if (record.name, spec.name) == ("partner", "field") and toolbox.field_groups:
        # With a field vocabulary (content/fields.yaml) a partner's field is one of its ids: a select.
        return {"widget": "select", "options": [{"label": f"{entry.name} ({group.name})", "value": entry.id}
                                                for group in toolbox.field_groups for entry in group.fields]}
    if kind == "id":
        return {"widget": "string", "pattern": [ID_PATTERN, "Tunnisteessa saa olla vain pieniä kirjaimia a–z, "
                                                "numeroita ja väliviivoja, esimerkiksi kahvila-kuppila."]}
    if kind in ("str", "phone"):
        return {"widget": "string"}
    if kind == "text":
        return {"widget": "text"}
    if kind == "url":
        return {"widget": "string", "pattern": [URL_PATTERN, "Kirjoita koko osoite, joka alkaa https://"]}
    if kind == "url_pattern":
        names = " tai ".join("{" + name + "}" for name in CRM_PLACEHOLDERS)
        return {"widget": "string",
                "pattern": [r"^https://\S+$", f"Kirjoita https-osoite, jossa on paikka {names}."]}
    if kind == "email":
        return {"widget": "string", "pattern": [EMAIL_PATTERN, "Kirjoita sähköpostiosoite kokonaan, esimerkiksi "
                                                "etunimi.sukunimi@oppilaitos.fi: siinä on oltava @-merkki."]}
    if kind == "business_id":
        return {"widget": "string", "pattern": [BUSINESS_ID_PATTERN, "Kirjoita Y-tunnus muodossa 1234567-8."]}
    if kind == "file":
        return {"widget": "string"}
    if kind == "date":
        # A text field, not Decap's date picker: typing a date into the picker digit by digit turns the year into
        # 1906 (Decap 3.16 re-reads every intermediate value), so keyboard users could not enter dates.
        return {"widget": "string", "pattern": [DATE_PATTERN, "Kirjoita päivämäärä muodossa VVVV-KK-PP, esimerkiksi "
                                                "2026-09-15."]}
    if kind == "bool":
        return {"widget": "boolean"}
    if kind == "int":
        widget: dict[str, Any] = {"widget": "number", "value_type": "int"}
        if spec.minimum is not None:
            widget["min"] = spec.minimum
        if spec.maximum is not None:
            widget["max"] = spec.maximum
        return widget
    if kind == "enum":
        labels = CHOICE_LABELS.get((record.name, spec.name), {})
        if spec.choices == TIER_IDS:
            labels = _tier_labels(toolbox)
        return {"widget": "select", "options": [{"label": labels.get(value, value), "value": value}
                                                for value in spec.choices]}
    if kind == "ref":
        return _reference(spec.target, toolbox, multiple=False)
    if kind == "record":
        nested = RECORDS[spec.target]
        return {"widget": "object", "collapsed": not spec.required,
                "fields": _fields(nested, toolbox, optional=not spec.required)}
    if kind == "list":
        if spec.item_kind == "ref":
            widget = _reference(spec.target, toolbox, multiple=True)
        elif spec.item_kind == "record":
            nested = RECORDS[spec.target]
            widget = {"widget": "list", "label_singular": nested.title, "collapsed": False,
                      "summary": _summary(nested), "fields": _fields(nested, toolbox)}
        elif spec.item_kind == "int":
            item: dict[str, Any] = {"name": "item", "label": spec.title, "widget": "number", "value_type": "int"}
            item.update({key: value for key, value in (("min", spec.minimum), ("max", spec.maximum))
                         if value is not None})
            widget = {"widget": "list", "field": item}
        else:
            widget = {"widget": "list", "field": {"name": "item", "label": spec.title, "widget": "string"}}
        if spec.min_items:
            widget["min"] = spec.min_items
        return widget
    raise ValueError(f"no editor widget for the field kind {kind!r}")


def _summary(record: Record) -> str:
    for name in ("title", "name", "term", "tier", "kind"):
        if record.field_named(name) is not None:
            return "{{fields." + name + "}}"
    return ""


def _tier_labels(toolbox: Toolbox) -> dict[str, str]:
    return {tier.id: tier.title for tier in toolbox.tiers}


def _reference(target: str, toolbox: Toolbox, multiple: bool) -> dict[str, Any]:
    if target == "tiers":
        labels = _tier_labels(toolbox)
        return {"widget": "select", "multiple": multiple,
                "options": [{"label": labels.get(tier, tier), "value": tier} for tier in TIER_IDS]}
    shown = DISPLAY_FIELD[target]
    widget: dict[str, Any] = {"widget": "relation", "collection": target, "value_field": "id",
                              "search_fields": [shown, "id"], "display_fields": [shown],
                              "options_length": RELATION_OPTIONS}
    if target == "contacts":
        # Two people may share a name; their titles tell them apart.
        widget["display_fields"] = ["name", "title"]
        widget["search_fields"] = ["name", "title", "id"]
    if multiple:
        widget["multiple"] = True
    return widget


def editor_entry(source: str) -> str:
    """Return the editor's address fragment of the record in source (content/...), or "" for none."""
    parts = source.split("/")
    single = {**SINGLE_FILES, **OPTIONAL_FILES}
    if len(parts) == 2 and parts[0] == "content" and parts[1] in single:
        return f"#/collections/asetukset/entries/{single[parts[1]]}"
    if len(parts) == 3 and parts[0] == "content" and parts[1] in COLLECTIONS and parts[2].endswith((".yaml", ".yml")):
        return f"#/collections/{parts[1]}/entries/{parts[2].rsplit('.', 1)[0]}"
    return ""


def render_editor_files(toolbox: Toolbox, settings: EditorSettings, env: jinja2.Environment,
                        cms_files: dict[str, bytes] | None) -> dict[str, str | bytes]:
    """Return the editor's files {path under the site root: content}; cms_files are the CMS package's own.

    Without cms_files (the npm package is not installed) the editor's address shows how to install it.
    """
    folder = EDITOR_FOLDER
    if cms_files is None:
        return {f"{folder}/index.html": env.get_template("editor/missing.html.j2").render(toolbox=toolbox)}
    files: dict[str, str | bytes] = {f"{folder}/{name}": data for name, data in sorted(cms_files.items())}
    files[f"{folder}/index.html"] = env.get_template("editor/index.html.j2").render(toolbox=toolbox,
                                                                                   script=CMS_SCRIPT)
    files[f"{folder}/config.yml"] = render_editor_config(toolbox, settings)
    for name in ("fi.js", "partnerkit-editor.js"):
        source, _, _ = env.loader.get_source(env, f"editor/{name}")  # type: ignore[union-attr]
        files[f"{folder}/{name}"] = source
    return files
