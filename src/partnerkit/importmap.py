"""Which column of an imported spreadsheet fills which partner field: recognised headers and the mapping file. Pure.

A header is recognised when, written in any case and with any spacing, it is one of the common Finnish (or
English) names in TARGETS, or one of the headers partnerkit's own downloadable lists write (so a downloaded list
imports back unchanged). A mapping file (YAML) names the rest, tells which columns to ignore and gives defaults
for new partners:

    sheet: Asiakkaat            # which sheet of an .xlsx (default: the first)
    columns:                    # header in the file: field (see TARGETS), or ignore
      Asiakkaan nimi: name
      Liikevaihto: ignore
    defaults:                   # values for new partners when their row leaves a field empty
      type: company
      tiers: arki
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from .messages import CATALOGUE, Problem, make_problem
from .schema import AGREEMENT, COOPERATION, PARTNER, PARTNER_CONTACT, Field

IGNORE = "ignore"


@dataclass(frozen=True)
class Target:
    """A field a column can fill: its name, the schema field whose rules check a cell, and recognised headers."""

    name: str
    spec: Field
    headers: tuple[str, ...]


def _spec(record: Any, name: str) -> Field:
    found = record.field_named(name)
    assert found is not None, name
    return found


# Headers in normalised form (see normalise_header). Finnish first: the names Finnish CRM and spreadsheet
# exports use; English ones for exports from international systems.
TARGETS: tuple[Target, ...] = (
    Target("name", _spec(PARTNER, "name"), (
        "nimi", "yritys", "yrityksen nimi", "kumppani", "kumppanin nimi", "organisaatio", "organisaation nimi",
        "yhteisö", "yhteisön nimi", "asiakas", "name", "company", "company name", "organisation", "organization",
        "partner")),
    Target("business_id", _spec(PARTNER, "business_id"), (
        "y-tunnus", "ytunnus", "y tunnus", "yritystunnus", "y-tunnus (business id)", "business id", "vat id")),
    Target("type", _spec(PARTNER, "type"), ("tyyppi", "kumppanin tyyppi", "organisaation tyyppi", "type")),
    Target("field", _spec(PARTNER, "field"), ("toimiala", "ala", "koulutusala", "field", "industry")),
    Target("website", _spec(PARTNER, "website"), (
        "verkkosivu", "verkkosivut", "kotisivu", "kotisivut", "www", "www-sivut", "www-osoite", "website")),
    Target("status", _spec(PARTNER, "status"), ("tila", "kumppanuuden tila", "status")),
    Target("size", _spec(PARTNER, "size"), ("kokoluokka", "koko", "yrityksen koko", "size")),
    Target("review_date", _spec(PARTNER, "review_date"), ("tarkistettu", "tarkistuspäivä", "review date")),
    Target("notes", _spec(PARTNER, "notes"), ("muistiinpanot", "sisäiset muistiinpanot", "lisätiedot", "huomiot",
                                              "notes")),
    Target("last_contact", _spec(PARTNER, "last_contact"), (
        "edellinen yhteydenpito", "viimeisin yhteydenpito", "edellinen tapaaminen", "last contact")),
    Target("next_contact", _spec(PARTNER, "next_contact"), (
        "seuraava yhteydenpito", "seuraava tapaaminen", "next contact")),
    Target("contact_rhythm_months", _spec(PARTNER, "contact_rhythm_months"), (
        "yhteydenpidon väli kuukausina", "yhteydenpidon väli", "yhteydenpitoväli", "yhteydenpitoväli (kk)",
        "yhteydenpidon väli (kk)", "contact rhythm")),
    Target("tiers", _spec(COOPERATION, "tier"), ("tasot", "taso", "kumppanuustaso", "kumppanuustasot", "tier",
                                                 "tiers")),
    Target("description", _spec(COOPERATION, "description"), ("kuvaus", "yhteistyön kuvaus", "yhteistyö",
                                                              "description")),
    Target("contacts", _spec(COOPERATION, "contacts"), (
        "yhteyshenkilömme", "oma yhteyshenkilö", "omat yhteyshenkilöt", "vastuuhenkilö", "our contacts")),
    Target("partner_contacts", _spec(PARTNER, "partner_contacts"), ("kumppanin yhteyshenkilöt", "partner contacts")),
    Target("partner_contact.name", _spec(PARTNER_CONTACT, "name"), (
        "yhteyshenkilö", "yhteyshenkilön nimi", "kumppanin yhteyshenkilö", "contact person", "contact")),
    Target("partner_contact.role", _spec(PARTNER_CONTACT, "role"), (
        "rooli", "tehtävä", "tehtävänimike", "titteli", "asema", "yhteyshenkilön rooli", "role", "job title")),
    Target("partner_contact.email", _spec(PARTNER_CONTACT, "email"), (
        "sähköposti", "sähköpostiosoite", "s-posti", "yhteyshenkilön sähköposti", "email", "e-mail")),
    Target("partner_contact.phone", _spec(PARTNER_CONTACT, "phone"), (
        "puhelin", "puhelinnumero", "puh", "puh.", "matkapuhelin", "gsm", "yhteyshenkilön puhelin", "phone")),
    Target("agreement.kind", _spec(AGREEMENT, "kind"), ("sopimuksen laji", "sopimustyyppi", "agreement kind")),
    Target("agreement.signed", _spec(AGREEMENT, "signed"), (
        "sopimus allekirjoitettu", "sopimuksen allekirjoituspäivä", "agreement signed")),
    Target("agreement.valid_until", _spec(AGREEMENT, "valid_until"), (
        "sopimus voimassa asti", "sopimus päättyy", "sopimuksen päättymispäivä", "agreement valid until")),
)
TARGETS_BY_NAME: dict[str, Target] = {target.name: target for target in TARGETS}
# The columns partnerkit's own lists write (render/sheets.py), in every language of the catalogue.
_EXPORT_COLUMNS = {"name": "name", "business_id": "business_id", "type": "type", "field": "field",
                   "tiers": "tiers", "status": "status", "our_contacts": "contacts",
                   "partner_contacts": "partner_contacts", "agreement_end": "agreement.valid_until",
                   "website": "website"}
# Fields a mapping file may give defaults for: what a new partner needs and a list rarely says.
DEFAULTABLE = ("type", "field", "tiers", "status", "size", "review_date", "description", "contacts")


def normalise_header(text: str) -> str:
    """Return a header as compared: NFKC, case folded, spacing collapsed, a trailing ':' or '*' left out."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2010", "-").replace("\u2013", "-")
    return re.sub(r"\s+", " ", folded).strip().rstrip(":*").strip()


def recognised_headers() -> dict[str, str]:
    """Return {normalised header: target name} for every header recognised without a mapping file."""
    known: dict[str, str] = {}
    for target in TARGETS:
        for header in target.headers:
            known.setdefault(normalise_header(header), target.name)
    for column, target in _EXPORT_COLUMNS.items():
        for texts in (CATALOGUE[f"sheet_col_{column}"],):
            for text in texts.values():
                known[normalise_header(text)] = target
    return known


@dataclass(frozen=True)
class Mapping:
    """What a mapping file says: the sheet, {normalised header: target name or IGNORE}, and defaults."""

    sheet: str | None = None
    columns: dict[str, str] | None = None
    defaults: dict[str, str] | None = None
    # Where each default was written (line, column), so a bad default is reported at its place.
    default_marks: dict[str, tuple[int, int]] | None = None
    path: str = ""


def parse_mapping(data: bytes, path: str) -> tuple[Mapping, list[Problem]]:
    """Return the mapping file's content, and every problem in it located to line and column."""
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8-sig")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return Mapping(path=path), [make_problem(path, line, 1, "encoding", byte=f"0x{data[error.start]:02x}")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return Mapping(path=path), [make_problem(path, line, column, "import_mapping_syntax",
                                                 detail=str(error.problem or error))]
    if root is None:
        return Mapping(path=path), []
    if not isinstance(root, yaml.MappingNode):
        return Mapping(path=path), [_at(root, path, "import_mapping_not_mapping", key="-")]
    sheet: str | None = None
    columns: dict[str, str] = {}
    defaults: dict[str, str] = {}
    marks: dict[str, tuple[int, int]] = {}
    targets = ", ".join(t.name for t in TARGETS)
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        if key == "sheet":
            if isinstance(value_node, yaml.ScalarNode) and value_node.value.strip():
                sheet = value_node.value.strip()
            else:
                problems.append(_at(value_node, path, "import_mapping_not_text", key=key))
        elif key in ("columns", "defaults"):
            if not isinstance(value_node, yaml.MappingNode):
                problems.append(_at(value_node, path, "import_mapping_not_mapping", key=key))
                continue
            for item_key, item_value in value_node.value:
                if not (isinstance(item_key, yaml.ScalarNode) and isinstance(item_value, yaml.ScalarNode)
                        and item_key.value.strip() and item_value.value.strip()):
                    problems.append(_at(item_key, path, "import_mapping_not_text", key=key))
                    continue
                name, value = item_key.value.strip(), item_value.value.strip()
                if key == "columns":
                    if value != IGNORE and value not in TARGETS_BY_NAME:
                        problems.append(_at(item_value, path, "import_mapping_unknown_target", value=value,
                                            allowed=targets + ", " + IGNORE))
                    else:
                        columns[normalise_header(name)] = value
                elif name not in DEFAULTABLE:
                    problems.append(_at(item_key, path, "import_mapping_bad_default", value=name,
                                        allowed=", ".join(DEFAULTABLE)))
                else:
                    defaults[name] = value
                    marks[name] = (item_value.start_mark.line + 1, item_value.start_mark.column + 1)
        else:
            problems.append(_at(key_node, path, "import_mapping_unknown_key", key=key,
                                allowed="sheet, columns, defaults"))
    return Mapping(sheet, columns, defaults, marks, path), problems


def _at(node: yaml.Node, path: str, code: str, **params: Any) -> Problem:
    return make_problem(path, node.start_mark.line + 1, node.start_mark.column + 1, code, **params)
