"""Scaffolding: `partnerkit new` writes valid, readable record files; `partnerkit init` makes a toolbox that builds."""

from __future__ import annotations

import html
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import problems_of, toolbox_of
from site_tests.test_privacy import forbidden_values, scan_tree
from partnerkit.cli import main
from partnerkit.load import load_content, parse_document
from partnerkit.scaffold import PLACEHOLDER_TEXT, _scalar, render_record
from partnerkit.validate import build_toolbox

ROOT = Path(__file__).resolve().parents[1]


def test_partner_at_two_tiers_is_rendered_readably() -> None:
    new = render_record("partner", {
        "name": "Kahvila Ääkkönen & Co", "type": "company", "field": "Ravintola-ala",
        "tier": ["arki", "kehittaminen"], "contact": ["maija-malli"], "website": "https://kahvila.example",
        "description": ["Koulutussopimukset: kaksi opiskelijaa vuodessa.", "Uusi lounaslista yhdessä."],
    }, date(2026, 9, 15))
    assert new.path == "content/partners/kahvila-aakkonen-co.yaml"
    assert new.text == (
        "# yaml-language-server: $schema=../../schema/partner.schema.json\n"
        "id: kahvila-aakkonen-co\n"
        "name: Kahvila Ääkkönen & Co\n"
        "type: company\n"
        "field: Ravintola-ala\n"
        "website: https://kahvila.example\n"
        "review_date: 2026-09-15\n"
        "cooperations:\n"
        "  - tier: arki\n"
        "    description: \"Koulutussopimukset: kaksi opiskelijaa vuodessa.\"\n"
        "    contacts:\n"
        "      - maija-malli\n"
        "  - tier: kehittaminen\n"
        "    description: Uusi lounaslista yhdessä.\n"
        "    contacts:\n"
        "      - maija-malli\n"
    )


@pytest.mark.parametrize("value", ["NO", "10:30", "00100", "0401234567", "Alfa: Beta", "#1 kumppani", "- viiva",
                                   "yes", "  välilyönti", "\"lainaus\"", "a # b", "true", "~", "@koti", "Tavallinen"])
def test_values_read_back_exactly_as_given(value: str) -> None:
    text = f"id: t\nname: {_scalar(value)}\n"
    document, problems = parse_document(text.encode("utf-8"), "content/teams/t.yaml", "team")
    assert problems == [] and document is not None
    assert document.root.value[1][1].value == value


def _new(root: Path, *args: str) -> int:
    return main(["--root", str(root), "new", *args])


def test_new_partner_from_options_passes_check(project: Callable[..., Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = project()
    before = date.today()
    assert _new(root, "partner", "--name", "Kahvila Ääkkönen Oy", "--type", "company", "--field", "Ravintola-ala",
                "--tier", "arki", "--tier", "kehittaminen", "--contact", "maija-malli") == 0
    # The day the command ran (a run crossing midnight may see either day).
    days = {before.isoformat(), date.today().isoformat()}
    created = root / "content/partners/kahvila-aakkonen-oy.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/partner.schema.json\n"
                           "id: kahvila-aakkonen-oy\n")
    assert any(f"review_date: {day}\n" in text for day in days) and text.count(PLACEHOLDER_TEXT) == 2
    assert problems_of(root) == []
    partner = next(p for p in toolbox_of(root).partners if p.id == "kahvila-aakkonen-oy")
    assert [c.tier for c in partner.cooperations] == ["arki", "kehittaminen"]
    assert partner.contact_ids == ("maija-malli",)
    err = capsys.readouterr().err
    assert "Luotu content/partners/kahvila-aakkonen-oy.yaml (tunniste kahvila-aakkonen-oy)." in err
    assert "Täydennä tiedostoon kuvaus" in err


def test_new_refuses_to_overwrite(project: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = project()
    before = (root / "content/partners/gamma.yaml").read_bytes()
    assert _new(root, "partner", "--name", "Gamma", "--type", "public", "--field", "Sosiaaliala", "--tier", "muut") == 1
    assert (root / "content/partners/gamma.yaml").read_bytes() == before
    assert "content/partners/gamma.yaml: tiedosto on jo olemassa, eikä sitä korvata." in capsys.readouterr().err


def test_new_without_required_options_lists_them(project: Callable[..., Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = project()
    assert _new(root, "partner", "--name", "Delta Oy") == 2
    assert capsys.readouterr().err.endswith(
        "Puuttuvat tiedot: --type (Tyyppi), --field (Toimiala), --tier (Kumppanuustaso). "
        "Anna ne valitsimina tai aja komento päätteessä, jolloin se kysyy ne.\n")
    assert not (root / "content/partners/delta-oy.yaml").exists()


def test_new_refuses_invalid_values_and_writes_nothing(project: Callable[..., Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = project()
    assert _new(root, "contact", "--name", "Liisa Testi", "--title", "Opettaja", "--email", "liisa@testi.example",
                "--team", "ravintolaa") == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "content/contacts/liisa-testi.yaml:6:7: team: tuntematon tiimi 'ravintolaa'. Tarkoititko 'ravintola'? "
        "Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/teams/.\n")
    assert not (root / "content/contacts/liisa-testi.yaml").exists()


@pytest.mark.parametrize(("args", "path"), [
    (["method", "--title", "Yrityskäynti", "--kind", "event", "--summary", "Käynti yrityksessä.", "--tier", "arki,muut",
      "--owner", "pekka-pilotti"], "content/methods/yrityskaynti.yaml"),
    (["contact", "--name", "Liisa Testi", "--title", "Opettaja", "--email", "liisa@testi.example", "--phone",
      "0401234567", "--team", "ravintola"], "content/contacts/liisa-testi.yaml"),
    (["team", "--name", "Sosiaali- ja terveysala", "--email", "sote@testi.example"],
     "content/teams/sosiaali-ja-terveysala.yaml"),
    (["guide", "--title", "Näin teet kyselyn", "--summary", "Kyselyn ohje.", "--body", "Tee näin.", "--order", "5"],
     "content/guides/nain-teet-kyselyn.yaml"),
])
def test_new_each_record_type_passes_check(project: Callable[..., Path], args: list[str], path: str) -> None:
    root = project()
    assert _new(root, *args) == 0
    assert (root / path).read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../schema/")
    assert problems_of(root) == []


def test_new_asks_in_finnish_on_a_terminal(project: Callable[..., Path]) -> None:
    root = project()
    leader, follower = pty.openpty()
    answers = "Kahvila Kuppila Oy\nyritys\ncompany\nRavintola-ala\narki, kehittaminen\nKoulutussopimukset.\n" \
              "Uusi lounaslista.\nmaija-malli\n\n"
    process = subprocess.Popen([sys.executable, "-m", "partnerkit", "--root", str(root), "new", "partner"],
                               stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    os.close(follower)
    os.write(leader, answers.encode("utf-8"))
    out, err = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 0, err
    assert "Nimi: " in out and "Tyyppi: " in out and "Yhteistyön kuvaus tasolla kehittaminen: " in out
    assert "Valitse jokin näistä: company, public, association, education, network, other." in err
    text = (root / "content/partners/kahvila-kuppila-oy.yaml").read_text(encoding="utf-8")
    assert "    description: Koulutussopimukset.\n" in text and "    description: Uusi lounaslista.\n" in text
    assert problems_of(root) == []


# --- init ------------------------------------------------------------------------------------------------------

INIT_FILES = [
    ".github/ISSUE_TEMPLATE/ehdota-muutosta.yml", ".github/workflows/tyokalupakki.yml", ".gitignore",
    ".gitlab-ci.yml", ".gitlab/issue_templates/Ehdota muutosta.md", ".pre-commit-config.yaml",
    ".vscode/extensions.json", ".vscode/settings.json", "Makefile", "README.md", "build.py",
    "content/contacts/maija-meikalainen.yaml", "content/guides/miten-muokkaan.yaml",
    "content/guides/nain-lisaat-tai-korjaat.yaml",
    "content/methods/kumppanuuskeskustelu.yaml", "content/partners/esimerkki-oy.yaml",
    "content/services/opiskelija-tyopaikalle.yaml", "content/teams/tyoelamapalvelut.yaml", "content/tiers.yaml", "content/toolbox.yaml", "mkdocs.yml",
    "package.json", "requirements.txt", "schema/contact.schema.json", "schema/fields.schema.json", "schema/guide.schema.json", "schema/method.schema.json",
    "schema/partner.schema.json", "schema/plan.schema.json", "schema/service.schema.json", "schema/team.schema.json", "schema/tiers.schema.json", "schema/toolbox.schema.json",
]


def test_init_creates_a_toolbox_that_checks_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "uusi-pakki"
    assert main(["init", str(target), "--institution", "Kaislaniemen ammattiopisto",
                 "--partnerkit-source", "git+https://git.example/org/partnerkit.git@v1"]) == 0
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*")
                   if p.is_file() and ".git" not in p.relative_to(target).parts)
    assert files == sorted(INIT_FILES)
    assert (target / ".git").is_dir()
    requirements = (target / "requirements.txt").read_text(encoding="utf-8")
    assert "-e git+https://git.example/org/partnerkit.git@v1#egg=partnerkit\n" in requirements
    toolbox = build_toolbox(load_content(target / "content", target))
    assert toolbox.institution == "Kaislaniemen ammattiopisto"
    assert [t.id for t in toolbox.tiers] == ["arki", "kehittaminen", "strateginen", "verkostot", "muut"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # The new repository's own build.py, run in its folder, as its README says.
    outputs = {}
    for command in (["check"], [], ["--audience", "public", "--site-dir", "public", "--dist-dir", "dist-public"]):
        result = subprocess.run([sys.executable, "build.py", *command], cwd=target, env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        outputs[" ".join(command)] = result.stderr
    assert (target / "site/index.html").is_file() and (target / "site/muutokset/tarkistettavat.html").is_file()
    # The public build is for companies: its own home, no changes or review pages (issue 15).
    assert (target / "public/index.html").is_file() and not (target / "public/muutokset").exists()
    public_html = "".join(p.read_text(encoding="utf-8") for p in (target / "public").rglob("*.html"))
    assert "maija.meikalainen" not in public_html
    # The new toolbox's institution gets the Moodle admin tool as an installable zip next to its packages.
    plugin = "moodle-tool_partnerkit.zip"
    assert (target / "dist" / plugin).read_bytes() == (target / "dist-public" / plugin).read_bytes()
    packages = {folder: [p for p in (target / folder).iterdir() if p.name != plugin]
                for folder in ("dist", "dist-public")}
    assert sorted(p.suffix for p in packages["dist"]) == [".mbz", ".xml", ".zip"]
    # Both profiles side by side, each package named by its profile.
    assert all("-internal" in p.name for p in packages["dist"])
    # The public packages: the course and the guides' book, no glossary of the staff's tier vocabulary.
    assert sorted(p.suffix for p in packages["dist-public"]) == [".mbz", ".zip"]
    assert all("-public" in p.name for p in packages["dist-public"])
    # The product as documented: Pagefind's index only (Material's search would ship a second, unscanned one).
    for site in ("site", "public"):
        assert (target / site / "pagefind" / "pagefind.js").is_file()
        assert not (target / site / "search").exists()
    assert "search" not in (target / "mkdocs.yml").read_text(encoding="utf-8").split("plugins:")[1]
    # The same privacy scan as the project's own public build, over everything the public build wrote.
    values = forbidden_values(build_toolbox(load_content(target / "content", target)))
    assert [f"{f.file}: {f.value!r}" for f in scan_tree(target / "public", values).findings] == []
    assert [f"{f.file}: {f.value!r}" for f in scan_tree(target / "dist-public", values).findings] == []


def test_init_refuses_a_folder_with_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "vanha").mkdir()
    (tmp_path / "vanha" / "muistio.txt").write_text("tärkeä\n", encoding="utf-8")
    assert main(["init", str(tmp_path / "vanha")]) == 1
    assert sorted(p.name for p in (tmp_path / "vanha").iterdir()) == ["muistio.txt"]
    assert "kansio on jo olemassa eikä ole tyhjä" in capsys.readouterr().err


def test_init_with_a_hostile_institution_name_builds_pages_that_show_it_as_written(tmp_path: Path) -> None:
    name = 'Opisto "Testi" <b>Ä&Ö</b> \'x\''
    target = tmp_path / "pakki"
    assert main(["init", str(target), "--institution", name, "--partnerkit-source", "git+https://x.example/p.git"]) == 0
    assert main(["--root", str(target)]) == 0
    page = (target / "site" / "index.html").read_text(encoding="utf-8")

    class Labels(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.labels: list[str] = []
            self.bold = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.bold += tag == "b"
            self.labels += [value or "" for key, value in attrs if key == "aria-label" and name in (value or "")]

    parser = Labels()
    parser.feed(page)
    assert parser.labels and all(label.startswith(name) for label in parser.labels)
    assert parser.bold == 0  # the name's <b> stayed text
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and html.unescape(title.group(1)).endswith(name + " – Kumppanuuksien työkalupakki")


def test_new_refuses_an_id_of_a_generated_page(project: Callable[..., Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = project()
    assert _new(root, "team", "--name", "Index", "--id", "index") == 1
    assert not (root / "content/teams/index.yaml").exists()
    assert "id: tunniste 'index' on varattu sivuston omalle sivulle" in capsys.readouterr().out
