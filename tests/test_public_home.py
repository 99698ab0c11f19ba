"""The public face: the public home's own texts and channels, internal addresses left out at render time (site
and Moodle) with located notices from `check`, and the site_url notice."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerkit.audience import PUBLIC, view_for
from partnerkit.cli import main
from partnerkit.render import make_environment
from partnerkit.render.moodle import render_course_backup
from tests.conftest import MINIMAL, problems_of, site_for, toolbox_of

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_HOME = """internal_addresses:
  - https://intra.example/
public:
  title: Yhteistyötä yrityksille
  introduction: Tarjoamme osaajia ja koulutusta. Katso [intranetin ohje](https://intra.example/ohje).
  benefits:
    - Osaavia tekijöitä
  how_to_start: Kirjoita meille.
  contact_team: ravintola
  field_contacts:
    - field: Ravintola-ala
      email: palvelu@testi.example
"""


def toolbox_with(extra: str) -> str:
    """Return the minimal fixture's toolbox.yaml with extra lines at its end (line 30 on)."""
    return (MINIMAL / "content" / "toolbox.yaml").read_text(encoding="utf-8") + extra


@pytest.mark.parametrize(("extra", "expected"), [
    pytest.param(PUBLIC_HOME.replace("palvelu@testi.example", "pekka.pilotti@testi.example"),
                 ["content/toolbox.yaml:41:14: public.field_contacts[1].email: 'pekka.pilotti@testi.example' on "
                  "yhteyshenkilön pekka-pilotti oma osoite. Yhteyskanava näkyy julkisesti, joten siihen kirjoitetaan "
                  "tiimin tai palvelupisteen yhteinen osoite: tiimin tunniste tai yhteinen sähköpostiosoite."],
                 id="service_personal_email-field-contact"),
    pytest.param(PUBLIC_HOME.replace("  contact_team: ravintola\n", "  contact_email: maija.malli@testi.example\n"),
                 ["content/toolbox.yaml:38:18: public.contact_email: 'maija.malli@testi.example' on yhteyshenkilön "
                  "maija-malli oma osoite. Yhteyskanava näkyy julkisesti, joten siihen kirjoitetaan tiimin tai "
                  "palvelupisteen yhteinen osoite: tiimin tunniste tai yhteinen sähköpostiosoite."],
                 id="service_personal_email-public-contact"),
    pytest.param(PUBLIC_HOME.replace("      email: palvelu@testi.example\n", ""),
                 ["content/toolbox.yaml:40:7: public.field_contacts[1]: lisää kenttä team (Tiimi) tai email "
                  "(Yhteinen sähköposti)."],
                 id="one_of_missing-field-contact"),
    pytest.param(PUBLIC_HOME.replace("  - https://intra.example/\n", "  - intra.example\n"),
                 ["content/toolbox.yaml:31:5: internal_addresses[1]: 'intra.example' ei ole kelvollinen osoite. "
                  "Kirjoita osoite kokonaan, esimerkiksi https://www.example.fi/."],
                 id="bad_url-internal-address"),
])
def test_public_home_rule_reports_exact_message(project: Callable[..., Path], extra: str,
                                                 expected: list[str]) -> None:
    assert problems_of(project({"toolbox.yaml": toolbox_with(extra)})) == expected


def test_internal_links_are_left_out_of_public_pages_and_packages(project: Callable[..., Path]) -> None:
    toolbox = toolbox_of(project({"toolbox.yaml": toolbox_with(PUBLIC_HOME)}))
    env = make_environment(ROOT / "templates")
    staff = site_for(toolbox, "internal", env).pages
    public = site_for(toolbox, "public", env).pages
    # Staff keep the link; the public gets the public home, the prose link reduced to its text.
    assert "https://intra.example/lomake" in staff["menetelmat/tyopaikkakaynti.md"]
    home = public["index.md"]
    assert "# Yhteistyötä yrityksille" in home and "intranetin ohje" in home and "intra.example" not in home
    assert not any("intra.example" in text for text in public.values())
    assert 'Ota yhteyttä: <a href="mailto:ravintola@testi.example">' in home
    assert '<tr><th scope="row">Ravintola-ala</th><td><a href="mailto:palvelu@testi.example">' in home
    # The public Moodle course likewise: the method's intranet link and the prose link are gone.
    view = view_for(toolbox, PUBLIC)
    mbz = render_course_backup(view, PUBLIC, 0, env)
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(mbz))) as archive:
        text = b"".join(archive.extractfile(m).read() for m in archive.getmembers() if m.isfile())  # type: ignore
    assert b"intra.example" not in text and "intranetin ohje".encode() in text


def test_check_locates_public_text_pointing_to_an_internal_address(project: Callable[..., Path],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = project({"toolbox.yaml": toolbox_with(PUBLIC_HOME)})
    (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text(encoding="utf-8")
                                     + "site_url: https://kumppanit.testi.example/\n", encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    # The method's intranet link is no public text: the public site and course show no methods.
    assert "tyopaikkakaynti" not in err
    assert err.splitlines()[2:3] == [
        "content/toolbox.yaml:34:74: huomautus: julkinen teksti viittaa sisäiseen osoitteeseen "
        "https://intra.example/ohje. Julkisesta versiosta ja sen Moodle-paketista linkki jätetään pois. Jos "
        "aineisto on tarkoitettu myös yrityksille, julkaise se julkiseen osoitteeseen."]
    assert "Huomautuksia 1: ne eivät estä koontia." in err


def test_check_says_what_to_set_when_site_url_is_missing(project: Callable[..., Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # Without a public home nothing is said (the institution publishes no public build) ...
    assert main(["check", "--root", str(project())]) == 0
    assert "huomautus" not in capsys.readouterr().err
    # ... with one, the missing address is named, in the user's language.
    root = project({"toolbox.yaml": toolbox_with(PUBLIC_HOME.replace("  - https://intra.example/\n",
                                                                     "  - https://muu.example/\n"))})
    assert main(["check", "--root", str(root), "--lang", "en"]) == 0
    assert capsys.readouterr().err.splitlines()[2] == (
        "mkdocs.yml:1:1: notice: site_url is missing. The public site's sitemap, canonical addresses and search "
        "engine data need the site's address: add a line such as site_url: https://partners.example.com/")
