"""Content behaviour beyond single rules: all problems at once, languages, YAML 1.1 traps, the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import MINIMAL, problems_of, toolbox_of
from partnerkit.messages import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]


def test_minimal_fixture_is_valid() -> None:
    assert problems_of(MINIMAL) == []


def test_every_problem_is_reported_in_one_run(project: Callable[..., Path]) -> None:
    root = project(
        {
            "teams/ravintola.yaml": "id: ravintola\nname: R\nemial: x@y.example\n",
            "guides/ohje.yaml": "id: ohje\ntitle: T\nsummary: S\n",
            "partners/gamma.yaml": "id: gamma\nname: G\n  bad: indent\n",
        }
    )
    assert problems_of(root) == [
        "content/guides/ohje.yaml:1:1: body: pakollinen kenttä puuttuu. Lisää kenttä body (Sisältö).",
        "content/partners/gamma.yaml:3:6: YAML-virhe: kaksoispiste väärässä kohdassa. "
        "Tarkista rivin sisennys tai kirjoita arvo lainausmerkkeihin.",
        "content/teams/ravintola.yaml:3:1: emial: tuntematon kenttä. Tarkoititko 'email'? "
        "Sallitut kentät: id, name, description, email, lead.",
    ]


def test_messages_in_english(project: Callable[..., Path]) -> None:
    root = project({"teams/ravintola.yaml": "id: ravintola\nname: R\nlead: maija-mali\n"})
    assert problems_of(root, "en") == [
        "content/teams/ravintola.yaml:3:7: lead: unknown contact person 'maija-mali'. Did you mean 'maija-malli'? "
        "Check the id or add the missing file to content/contacts/."
    ]


def test_every_message_has_both_languages() -> None:
    assert all(set(texts) == {"fi", "en"} for texts in CATALOGUE.values())


def test_yaml_11_values_stay_as_written(project: Callable[..., Path]) -> None:
    root = project(
        {
            "contacts/pekka-pilotti.yaml": "id: pekka-pilotti\nname: NO\ntitle: 10:30\nemail: p@x.example\n"
            "phone: '0401234567'\nteam: ravintola\n",
            "teams/ravintola.yaml": "id: ravintola\nname: 00100\n",
        }
    )
    toolbox = toolbox_of(root)
    pekka = next(c for c in toolbox.contacts if c.id == "pekka-pilotti")
    assert (pekka.name, pekka.title, pekka.phone) == ("NO", "10:30", "0401234567")
    assert toolbox.teams[0].name == "00100"


def test_unreadable_file_reports_reason(project: Callable[..., Path]) -> None:
    root = project({"toolbox.yaml": None})
    (root / "content" / "toolbox.yaml").mkdir()
    assert problems_of(root) == [
        "content/toolbox.yaml:1:1: tiedostoa ei voi lukea (Is a directory). Tarkista tiedoston oikeudet."
    ]


def test_missing_folder_is_reported(project: Callable[..., Path]) -> None:
    root = project({"guides/ohje.yaml": None})
    (root / "content" / "guides").rmdir()
    assert problems_of(root) == [
        "content/guides:1:1: kansio puuttuu. Luo kansio ja lisää siihen vähintään yksi guide-tiedosto."
    ]


def test_partner_at_two_tiers_is_one_record() -> None:
    toolbox = toolbox_of(MINIMAL)
    alfa = next(p for p in toolbox.partners if p.id == "alfa-oy")
    assert [c.tier for c in alfa.cooperations] == ["arki", "kehittaminen"]
    assert alfa.contact_ids == ("maija-malli", "pekka-pilotti")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run build.py as a user would."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_check_command_fails_cleanly_on_bad_content(project: Callable[..., Path]) -> None:
    root = project({"teams/ravintola.yaml": "id: ravintola\nname: [\n"})
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("content/teams/ravintola.yaml:3:1: YAML-virhe:")
    assert result.stderr.strip().endswith("1 virhe. Korjaa virhe ja aja tarkistus uudelleen.")


def test_check_command_passes_on_valid_content() -> None:
    result = run_cli("check", cwd=MINIMAL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Sisältö on kunnossa: 2 kumppania, 1 menetelmää, 1 ohjetta, 2 yhteyshenkilöä, 1 tiimiä." in result.stderr


def test_bad_content_leaves_previous_site_untouched(project: Callable[..., Path]) -> None:
    root = project()
    site = root / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    (root / "content" / "teams" / "ravintola.yaml").write_text("id: ravintola\n", encoding="utf-8")
    result = run_cli(cwd=root)
    assert result.returncode == 1
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"
