"""The relationship fields (issue 13) on pages and in the review report: staff view only, relative to the report's
reference date, deterministic."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from partnerkit.changes import Change, History, compare_history
from partnerkit.history import read_history
from partnerkit.model import Agreement, Cooperation, PartnerContact
from partnerkit.pipeline import SHIPPED_TEMPLATES, make_view
from partnerkit.render.moodle import render_course_backup
from partnerkit.render import make_environment
from partnerkit.render.search import search_documents
from partnerkit.render.site import ENDED_PAGE, REVIEW_PAGE, crm_link
from partnerkit.review import contact_due_date, name_key, review_toolbox
from partnerkit.scaffold import emit_record
from tests.conftest import MINIMAL, problems_of, site_for, toolbox_of

ALFA = (MINIMAL / "content/partners/alfa-oy.yaml").read_text(encoding="utf-8")
TOOLBOX = (MINIMAL / "content/toolbox.yaml").read_text(encoding="utf-8")
RELATIONSHIP = (
    "business_id: 1234567-1\n"
    "size: pieni\n"
    "agreement:\n"
    "  kind: partnership\n"
    "  signed: 2025-06-01\n"
    "  valid_until: 2027-05-31\n"
    "  owner: pekka-pilotti\n"
    "  attachment: sopimukset/alfa 2025.pdf\n"
    "partner_contacts:\n"
    "  - name: Aino Asiakas\n"
    "    role: Henkilöstöpäällikkö\n"
    "    email: aino.asiakas@alfa.example\n"
    "    phone: \"050 111 2222\"\n"
    "  - name: Bertta Bee\n"
    "last_contact: 2026-02-01\n"
    "next_contact: 2026-08-01\n"
    "contact_rhythm_months: 4\n"
)
PARTNER_SIDE = ("Aino Asiakas", "aino.asiakas@alfa.example", "050 111 2222", "Bertta Bee", "Henkilöstöpäällikkö")


@pytest.fixture
def related(project: Callable[..., Path]) -> Path:
    """The minimal project with every relationship field of Alfa filled in, a deputy and a CRM address pattern."""
    alfa = ALFA.replace("publishable: true\n", "publishable: true\n" + RELATIONSHIP).replace(
        "    contacts: [maija-malli]\n", "    contacts: [maija-malli]\n    deputy: pekka-pilotti\n    team: ravintola\n")
    return project({"partners/alfa-oy.yaml": alfa, "files/sopimukset/alfa 2025.pdf": b"%PDF-1.4\n",
                    "toolbox.yaml": TOOLBOX + "crm_url: https://crm.example.fi/yritys?y={business_id}&t={id}\n"})


def pages_of(root: Path, audience: str, commit_date: date = date(2026, 9, 1)) -> dict[str, str]:
    """Render the project's pages for audience with a release dated commit_date."""
    history = History(None, reason="x", commit_date=commit_date)
    return site_for(toolbox_of(root), audience, make_environment(SHIPPED_TEMPLATES), history).pages


def test_staff_partner_page_shows_the_relationship(related: Path) -> None:
    page = pages_of(related, "internal")["kumppanit/alfa-oy.md"]
    for text in (*PARTNER_SIDE, "<dt>Y-tunnus</dt><dd>1234567-1</dd>", "pieni yritys (10–49 henkilöä)",
                 "<dt>Laji</dt><dd>Kumppanuussopimus</dd>", "<dt>Voimassa</dt><dd>31.5.2027 asti</dd>",
                 '<a href="../liitteet/sopimukset/alfa%202025.pdf">alfa 2025.pdf</a>',
                 "<strong>Varahenkilö:</strong> <a href=\"../henkilot/pekka-pilotti.html\">Pekka Pilotti</a>",
                 "<strong>Vastuutiimi:</strong> <a href=\"../tiimit/ravintola.html\">Ravintola-ala</a>",
                 "<dt>Yhteydenpidon väli</dt><dd>4 kk</dd>",
                 # The CRM address is filled in and escaped for HTML.
                 '<a href="https://crm.example.fi/yritys?y=1234567-1&amp;t=alfa-oy">'):
        assert text in page, text


def test_public_output_has_no_relationship_data(related: Path) -> None:
    toolbox = toolbox_of(related)
    public = site_for(toolbox, "public", make_environment(SHIPPED_TEMPLATES))
    internal = site_for(toolbox, "internal", make_environment(SHIPPED_TEMPLATES))
    forbidden = (*PARTNER_SIDE, "1234567-1", "crm.example.fi", "alfa 2025.pdf", "alfa%202025.pdf", "Kumppanuussopimus")
    for path, text in public.pages.items():
        assert not [value for value in forbidden if value in text], path
    assert public.attachments == {}
    assert internal.attachments == {"liitteet/sopimukset/alfa 2025.pdf": "sopimukset/alfa 2025.pdf"}
    # The team owning the cooperation stands in for people in the public view, as contacts' teams do.
    assert 'href="../tiimit/ravintola.html">Ravintola-ala' in public.pages["kumppanit/alfa-oy.md"]


def test_partner_side_people_stay_out_of_the_search_index(related: Path) -> None:
    history = History(None, reason="x", commit_date=date(2026, 9, 1))
    files = site_for(toolbox_of(related), "internal", make_environment(SHIPPED_TEMPLATES), history)
    documents = search_documents(files.search)
    assert "Aino Asiakas" in files.pages["kumppanit/alfa-oy.md"]
    assert not [path for path, text in documents.items() if any(value in text for value in PARTNER_SIDE)]


@pytest.mark.parametrize(("pattern", "expected"), [
    ("https://crm.example/{id}", "https://crm.example/alfa-oy"),
    ("https://crm.example/{business_id}", ""),  # no business ID: no link rather than a broken one
    ("", ""),
])
def test_crm_link_needs_every_value_it_names(pattern: str, expected: str) -> None:
    partner = replace(toolbox_of(MINIMAL).partners[0], business_id="")
    assert crm_link(pattern, partner) == expected


@pytest.mark.parametrize(("first", "second"), [("Oy Alfa Ab", "Alfa Oy"), ("ALFA-BETA OY", "Alfa Beta"),
                                               ("Tmi Kalle Kokki", "kalle kokki"), ("Järvi ry", "JÄRVI")])
def test_near_duplicate_names_compare_equal(first: str, second: str) -> None:
    assert name_key(first) == name_key(second) != ""


def test_different_names_stay_apart() -> None:
    assert name_key("Alfa Oy") != name_key("Alfa Beta Oy")
    assert name_key("Oy Ab") == ""  # nothing but legal forms: compared with nothing


def test_review_report_finds_the_relationship_gaps() -> None:
    toolbox = toolbox_of(MINIMAL)
    alfa, gamma = toolbox.partners
    assert (alfa.id, gamma.id) == ("alfa-oy", "gamma")
    partners = (
        replace(alfa, agreement=Agreement("partnership", date(2024, 1, 1), date(2026, 11, 29), "maija-malli", ""),
                partner_contacts=(PartnerContact("A", "", "", ""),), last_contact=date(2026, 1, 10),
                contact_rhythm_months=6),
        replace(gamma, status="prospect", next_contact=date(2026, 9, 1)),
        replace(alfa, id="alfa-kopio", name="Oy ALFA & Beta \"testi\" Ab", status="ended",
                review_date=date(2020, 1, 1),
                agreement=Agreement("framework", None, date(2020, 1, 1), "", "")),
        replace(alfa, id="delta", name="Delta", agreement=Agreement("other", None, date(2026, 11, 30), "", ""),
                cooperations=(Cooperation("strateginen", "x", ("maija-malli",), "pekka-pilotti"),),
                partner_contacts=(PartnerContact("A", "", "", ""), PartnerContact("B", "", "", "")),
                next_contact=date(2026, 9, 2)),
    )
    review = review_toolbox(replace(toolbox, partners=partners), date(2026, 9, 1), "git")
    # 90 days from 2026-09-01 is 2026-11-30; an ended cooperation's old agreement is not listed.
    assert [p.id for p in review.agreements_ending] == ["alfa-oy", "delta"]
    assert contact_due_date(partners[0]) == date(2026, 7, 10)
    # Due before the reference date only: gamma's planned day is the reference day itself, delta's the day after.
    assert [p.id for p in review.contacts_due] == ["alfa-oy"]
    # Alfa works at kehittaminen with two of ours but one of theirs; Delta has two on each side.
    assert [p.id for p in review.few_people] == ["alfa-oy"]
    assert [p.id for p in review.prospects_without_owner] == ["gamma"]
    assert [p.id for p in review.similar_names] == ["alfa-kopio", "alfa-oy"]
    assert [p.id for p in review.similar_to["alfa-oy"]] == ["alfa-kopio"]
    # Ended: no review due; the prospect has a list of its own, not "without contacts".
    assert [p.id for p in review.overdue] == ["gamma"]
    assert review.without_contacts == ()


def test_review_page_lists_the_findings(related: Path) -> None:
    page = pages_of(related, "internal", date(2027, 3, 15))[REVIEW_PAGE]
    assert "## Päättyvät sopimukset (1)" in page
    assert "Kumppanuussopimus, voimassa 31.5.2027 asti (päättyy 77 päivän kuluttua)" in page
    assert "## Yhteydenpito myöhässä (1)" in page and "yhteydenpito 1.6.2026 mennessä" in page
    assert "## Liian vähän yhteyshenkilöitä (0)" in page  # Alfa: Maija and Pekka, Aino and Bertta
    assert "## Potentiaaliset kumppanit ilman vastuuhenkilöä (0)" in page
    assert "## Samankaltaiset nimet (0)" in page


def test_ended_and_prospect_partners(project: Callable[..., Path]) -> None:
    gamma = (MINIMAL / "content/partners/gamma.yaml").read_text(encoding="utf-8")
    root = project({"partners/alfa-oy.yaml": ALFA.replace("publishable: true\n", "publishable: true\nstatus: ended\n"),
                    "partners/gamma.yaml": gamma.replace("notes:", "status: prospect\nnotes:")})
    pages = pages_of(root, "internal")
    # Ended: out of the tier tables, still with its own page, in the alphabetical list and on the ended list.
    assert "alfa-oy" not in pages["tasot/arki.md"] and "alfa-oy" not in pages["tasot/kehittaminen.md"]
    assert "kumppanit/alfa-oy.md" in pages and '<span class="pk-badge pk-badge--status">Päättynyt</span>' in pages[
        "kumppanit/alfa-oy.md"]
    assert 'href="alfa-oy.html">Alfa &amp; Beta &#34;Testi&#34; Oy</a> <span class="pk-status">' \
           '(päättynyt)</span>' in pages[ENDED_PAGE]
    assert 'href="paattyneet.html">Päättyneet kumppanuudet (1)</a>' in pages["kumppanit/index.md"]
    # A prospect is marked wherever it is listed.
    assert '<a href="../kumppanit/gamma.html">Gamman kunta</a> <span class="pk-status">(potentiaalinen)</span>' in \
        pages["tasot/verkostot.md"]
    assert '<span class="pk-status">(potentiaalinen)</span>' in pages["kumppanit/index.md"]
    # The public view shows neither: a prospect agreed to nothing, an ended cooperation is over.
    public = pages_of(root, "public")
    assert "kumppanit/alfa-oy.md" not in public and ENDED_PAGE not in public
    assert not any("(potentiaalinen)" in text or "(päättynyt)" in text for text in public.values())


def _commit(root: Path, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Testi", "GIT_AUTHOR_EMAIL": "t@testi.example", "GIT_COMMITTER_NAME": "Testi",
           "GIT_COMMITTER_EMAIL": "t@testi.example", "GIT_AUTHOR_DATE": "2026-03-01T12:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-03-01T12:00:00+00:00"}
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(variable, None)
    for args in (["init", "--quiet", "--initial-branch=main"], ["add", "-A"], ["commit", "--quiet", "-m", message]):
        subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def test_changes_are_found_when_the_previous_release_has_agreement_documents(related: Path) -> None:
    # The previous release is checked against the files it had: its agreement document (since renamed) is there.
    _commit(related, "Sopimus liitteineen")
    alfa = related / "content/partners/alfa-oy.yaml"
    (related / "content/files/sopimukset/alfa 2025.pdf").rename(related / "content/files/sopimukset/alfa.pdf")
    alfa.write_text(alfa.read_text(encoding="utf-8").replace("alfa 2025.pdf", "alfa.pdf"), encoding="utf-8")
    history = read_history(related, related / "content")
    assert history.previous is not None, history.reason
    assert compare_history(toolbox_of(related), history) == (
        Change("partner", "changed", "alfa-oy", 'Alfa & Beta "Testi" Oy', ("Sopimus",)),)


def test_moodle_tier_tables_mark_prospects_and_leave_out_ended(project: Callable[..., Path]) -> None:
    from tests.test_moodle import read_course, table_rows, unpack

    gamma = (MINIMAL / "content/partners/gamma.yaml").read_text(encoding="utf-8")
    root = project({"partners/alfa-oy.yaml": ALFA.replace("publishable: true\n", "publishable: true\nstatus: ended\n"),
                    "partners/gamma.yaml": gamma.replace("notes:", "status: prospect\nnotes:")})
    toolbox = toolbox_of(root)
    package = render_course_backup(*make_view(toolbox, "internal"), 0, make_environment(SHIPPED_TEMPLATES))
    course = read_course(unpack(package))
    tables = {tier.id: [row[0] for row in table_rows(section.named(f"{tier.title}: kumppanit").text("content"))]
              for tier, section in zip(toolbox.tiers, course[1:1 + len(toolbox.tiers)], strict=True)}
    assert tables["verkostot"] == ["Gamman kunta (potentiaalinen) Sosiaaliala"]
    assert tables["arki"] == [] and tables["kehittaminen"] == []


def test_new_partner_files_can_carry_every_relationship_field(project: Callable[..., Path]) -> None:
    # What an importer writes for a new partner: the schema's order, nested records indented, phones quoted.
    text = emit_record("partner", {
        "id": "delta", "name": "Delta Oy", "type": "company", "field": "Logistiikka", "business_id": "1234567-1",
        "status": "prospect", "size": "mikro", "review_date": date(2026, 5, 1),
        "partner_contacts": [{"name": "Dora Delta", "role": "Toimitusjohtaja", "phone": "040 123 4567"}],
        "agreement": {"kind": "framework", "signed": date(2026, 1, 1), "valid_until": date(2027, 1, 1),
                      "owner": "maija-malli"},
        "last_contact": date(2026, 4, 1), "contact_rhythm_months": 6,
        "cooperations": [{"tier": "arki", "description": "Harjoittelupaikkoja.", "team": "ravintola"}],
    })
    assert "agreement:\n  kind: framework\n  signed: 2026-01-01\n" in text
    assert '  - name: Dora Delta\n    role: Toimitusjohtaja\n    phone: "040 123 4567"\n' in text
    root = project({"partners/delta.yaml": text})
    assert problems_of(root) == []
    delta = next(p for p in toolbox_of(root).partners if p.id == "delta")
    assert delta.agreement == Agreement("framework", date(2026, 1, 1), date(2027, 1, 1), "maija-malli", "")
    assert delta.partner_contacts == (PartnerContact("Dora Delta", "Toimitusjohtaja", "", "040 123 4567"),)
    assert delta.cooperations[0].team == "ravintola"
