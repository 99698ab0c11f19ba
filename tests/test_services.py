"""Services (content/services/): their rules with exact messages, the public view of them, and `new service`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from partnerkit.audience import PUBLIC, view_for
from partnerkit.cli import main
from partnerkit.render import make_environment
from tests.conftest import problems_of, site_for, toolbox_of

ROOT = Path(__file__).resolve().parents[1]


def service(extra: str = "contact_team: ravintola\n") -> str:
    """Return a valid service of the minimal fixture with extra lines from line 7 on."""
    return ("id: oppisopimus\n"
            "title: Oppisopimus\n"
            "summary: Tutkinto työn ohessa.\n"
            "for_whom: Työnantajille.\n"
            "benefits: Osaava työntekijä.\n"
            "how_to_start: Ota yhteyttä.\n" + extra)


CASES = [
    pytest.param(
        service("contact_email: maija.malli@testi.example\n"),
        ["content/services/oppisopimus.yaml:7:16: contact_email: 'maija.malli@testi.example' on yhteyshenkilön "
         "maija-malli oma osoite. Yhteyskanava näkyy julkisesti, joten siihen kirjoitetaan tiimin tai "
         "palvelupisteen yhteinen osoite: tiimin tunniste tai yhteinen sähköpostiosoite."],
        id="service_personal_email",
    ),
    pytest.param(
        service("contact_email: Maija.Malli@TESTI.example\n"),
        ["content/services/oppisopimus.yaml:7:16: contact_email: 'Maija.Malli@TESTI.example' on yhteyshenkilön "
         "maija-malli oma osoite. Yhteyskanava näkyy julkisesti, joten siihen kirjoitetaan tiimin tai "
         "palvelupisteen yhteinen osoite: tiimin tunniste tai yhteinen sähköpostiosoite."],
        id="service_personal_email-case",
    ),
    pytest.param(
        service("contact_team: keittio\n"),
        ["content/services/oppisopimus.yaml:7:15: contact_team: tiimillä 'keittio' ei ole yhteistä "
         "sähköpostiosoitetta, joten yhteyskanavaa ei olisi. Lisää tiimin tiedostoon email tai kirjoita "
         "tilalle yhteinen sähköpostiosoite."],
        id="service_team_without_email",
    ),
    pytest.param(
        service(""),
        ["content/services/oppisopimus.yaml:1:1: service: lisää kenttä contact_team (Yhteystiimi) tai "
         "contact_email (Yhteinen sähköposti)."],
        id="one_of_missing-contact",
    ),
    pytest.param(
        service("contact_team: ravintola\ncontact_email: palvelu@testi.example\n"),
        ["content/services/oppisopimus.yaml:1:1: service: anna vain yksi kentistä contact_team, contact_email. "
         "Poista ylimääräinen."],
        id="one_of_many-contact",
    ),
    pytest.param(
        service("contact_team: ravintola\nmethods: [tyopaikkakaynnit]\ntiers: [arkki]\n"),
        ["content/services/oppisopimus.yaml:8:11: methods[1]: tuntematon menetelmä 'tyopaikkakaynnit'. Tarkoititko "
         "'tyopaikkakaynti'? Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/methods/.",
         "content/services/oppisopimus.yaml:9:9: tiers[1]: 'arkki' ei ole sallittu arvo. Tarkoititko 'arki'? "
         "Sallitut arvot: arki, kehittaminen, strateginen, verkostot, muut."],
        id="unknown_ref-method-and-bad-tier",
    ),
    pytest.param(
        service().replace("for_whom: Työnantajille.\n", ""),
        ["content/services/oppisopimus.yaml:1:1: for_whom: pakollinen kenttä puuttuu. Lisää kenttä for_whom "
         "(Kenelle)."],
        id="missing_field-for_whom",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_service_rule_reports_exact_message(project: Callable[..., Path], text: str, expected: list[str]) -> None:
    root = project({"services/oppisopimus.yaml": text, "teams/keittio.yaml": "id: keittio\nname: Keittiö\n"})
    assert problems_of(root) == expected


def test_personal_address_message_in_english(project: Callable[..., Path]) -> None:
    root = project({"services/oppisopimus.yaml": service("contact_email: maija.malli@testi.example\n")})
    assert problems_of(root, "en") == [
        "content/services/oppisopimus.yaml:7:16: contact_email: 'maija.malli@testi.example' is the own address of "
        "contact person maija-malli. The contact channel is public, so it is a team's or service desk's shared "
        "address: a team id or a shared e-mail address."]


def test_a_toolbox_without_services_folder_still_checks(project: Callable[..., Path]) -> None:
    root = project()
    assert not (root / "content" / "services").exists()
    assert problems_of(root) == []
    assert toolbox_of(root).services == ()


def test_service_pages_show_the_shared_channel_and_staff_links_only_to_staff(project: Callable[..., Path]) -> None:
    root = project({"services/oppisopimus.yaml": service(
        "contact_team: ravintola\nfields: [Ravintola-ala]\ntiers: [arki]\nmethods: [tyopaikkakaynti]\n")})
    toolbox = toolbox_of(root)
    assert toolbox.services[0].tiers == ("arki",) and toolbox.services[0].methods == ("tyopaikkakaynti",)
    assert view_for(toolbox, PUBLIC).services[0].tiers == ()
    env = make_environment(ROOT / "templates")
    staff = site_for(toolbox, "internal", env).pages
    public = site_for(toolbox, "public", env).pages
    for pages in (staff, public):
        page = pages["palvelut/oppisopimus.md"]
        assert '<a href="mailto:ravintola@testi.example">ravintola@<wbr>testi.example</a> (Ravintola-ala)' in page
        assert "Aloille: Ravintola-ala" in page and "maija" not in page.lower()
        assert 'href="oppisopimus.html"' in pages["palvelut/index.md"]
    assert "Henkilöstölle: kenelle tätä tarjotaan" in staff["palvelut/oppisopimus.md"]
    assert "../menetelmat/tyopaikkakaynti.html" in staff["palvelut/oppisopimus.md"]
    assert "Henkilöstölle" not in public["palvelut/oppisopimus.md"]
    assert "menetelmat/" not in public["palvelut/oppisopimus.md"]
    # What we can offer a partner at the everyday tier (alfa-oy works there), staff only.
    assert "Mitä voimme tarjota tälle kumppanille" in staff["kumppanit/alfa-oy.md"]
    assert "Mitä voimme tarjota" not in public["kumppanit/alfa-oy.md"]


def test_new_service_from_options_passes_check(project: Callable[..., Path]) -> None:
    root = project()
    code = main(["new", "service", "--root", str(root), "--title", "Täsmäkoulutus", "--summary", "Lyhyt koulutus.",
                 "--for-whom", "Yrityksille.", "--benefits", "Uutta osaamista.", "--how-to-start", "Kirjoita meille.",
                 "--field", "Ravintola-ala,Matkailuala", "--contact-team", "ravintola"])
    assert code == 0
    text = (root / "content/services/tasmakoulutus.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/service.schema.json\n")
    assert "fields:\n  - Ravintola-ala\n  - Matkailuala\ncontact_team: ravintola\n" in text
    assert problems_of(root) == []


def test_new_service_refuses_a_personal_address(project: Callable[..., Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = project()
    code = main(["new", "service", "--root", str(root), "--title", "Täsmäkoulutus", "--summary", "Lyhyt koulutus.",
                 "--for-whom", "Yrityksille.", "--benefits", "Uutta osaamista.", "--how-to-start", "Kirjoita meille.",
                 "--contact-email", "pekka.pilotti@testi.example"])
    assert code == 1
    assert "on yhteyshenkilön pekka-pilotti oma osoite" in capsys.readouterr().out
    assert not (root / "content/services/tasmakoulutus.yaml").exists()


def _with_vocabulary(extra: dict[str, str]) -> dict[str, str]:
    """Return changes giving the minimal project the field vocabulary of tests/test_fields.py, partners by id."""
    from tests.conftest import MINIMAL
    from tests.test_fields import VOCABULARY

    partners = MINIMAL / "content" / "partners"
    return {"fields.yaml": VOCABULARY,
            "partners/alfa-oy.yaml": (partners / "alfa-oy.yaml").read_text(encoding="utf-8").replace(
                "field: Ravintola-ala", "field: ravintola-ala"),
            "partners/gamma.yaml": (partners / "gamma.yaml").read_text(encoding="utf-8").replace(
                "field: Sosiaaliala", "field: sosiaaliala"), **extra}


def test_a_services_fields_refer_to_the_vocabulary(project: Callable[..., Path]) -> None:
    # A field or a whole group, by id or by name (services written before the vocabulary keep building); shown
    # by the vocabulary's names.
    root = project(_with_vocabulary({"services/oppisopimus.yaml": service(
        "contact_team: ravintola\nfields: [ravintola-ala, Sosiaaliala, ravintola-ja-ruoka, Ravintola-ala]\n")}))
    assert problems_of(root) == []
    assert toolbox_of(root).services[0].fields == ("Ravintola-ala", "Sosiaaliala", "Ravintola- ja ruokapalvelut",
                                                   "Ravintola-ala")


def test_an_unknown_service_field_names_the_nearest_one(project: Callable[..., Path]) -> None:
    root = project(_with_vocabulary({"services/oppisopimus.yaml": service(
        "contact_team: ravintola\nfields: [ravintola-ala, Ravintolaala, Metsäala]\n")}))
    assert problems_of(root) == [
        "content/services/oppisopimus.yaml:8:25: fields[2]: tuntematon toimiala 'Ravintolaala'. Tarkoititko "
        "'ravintola-ala' (Ravintola-ala)? Kirjoita jonkin tiedostossa content/fields.yaml luetellun toimialan "
        "tunniste (id) tai lisää toimiala sinne.",
        "content/services/oppisopimus.yaml:8:39: fields[3]: tuntematon toimiala 'Metsäala'. Kirjoita jonkin "
        "tiedostossa content/fields.yaml luetellun toimialan tunniste (id) tai lisää toimiala sinne."]
    assert problems_of(root, "en")[0] == (
        "content/services/oppisopimus.yaml:8:25: fields[2]: unknown field 'Ravintolaala'. Did you mean "
        "'ravintola-ala' (Ravintola-ala)? Write the id of a field listed in content/fields.yaml, or add the field "
        "there.")


def test_without_a_vocabulary_a_services_fields_stay_free_text(project: Callable[..., Path]) -> None:
    root = project({"services/oppisopimus.yaml": service("contact_team: ravintola\nfields: [Metsäala, kampaamot]\n")})
    assert problems_of(root) == []
    assert toolbox_of(root).services[0].fields == ("Metsäala", "kampaamot")
