"""The shipped example spreadsheets (examples/): deterministic bytes, and they import cleanly into the sample.

The rows below are the source; examples/kumppanit.csv (Windows-1252 with ';', as Finnish Excel saves "CSV
(puolipisteellä erotettu)") and examples/kumppanit.xlsx are golden files made from them:
PARTNERKIT_UPDATE_GOLDEN=1 rewrites them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from partnerkit.render.sheets import render_xlsx
from tests.conftest import problems_of, update_golden
from tests.test_import import run, snapshot

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
HEADER = ["Yritys", "Y-tunnus", "Tyyppi", "Toimiala", "Kokoluokka", "Tasot", "Yhteyshenkilö", "Rooli", "Sähköposti",
          "Puhelin", "Kuvaus", "Tarkistettu"]
ROWS = [
    ["Pyöräkorjaamo Vauhtiratas Oy", "3184526-8", "Yritys", "Kone- ja metalliala", "mikro",
     "Arjen kumppanuudet", "Jere Lahtinen", "Yrittäjä", "jere.lahtinen@vauhtiratas.example", "040 718 2290",
     "Pienkonekorjaajaopiskelijoiden työpaikalla järjestettävä koulutus keväällä ja kesällä, kun huoltojono on "
     "pisimmillään. Yrittäjä ohjaa opiskelijaa itse ja toivoo tältä ajokorttia.", "2026-11-20"],
    ["Järvilaakson Kierrätyskeskus ry", "3267019-9", "Järjestö tai yhdistys", "Työllisyyspalvelut", "",
     "arki", "Sirpa Hakala", "Työvalmentaja", "sirpa.hakala@kierratyskeskus.example", "044 302 5516",
     "Opiskelijat kunnostavat lahjoitettuja huonekaluja ja kodinkoneita myyntikuntoon. Yhdistys järjestää myös "
     "lyhyitä tutustumisjaksoja perusopetuksen päättäville nuorille.", "2026-11-20"],
    ["Leipomo Jyväkulma Ky", "9810992-7", "", "Leipomoala", "", "", "Hanna Jyväkulma", "Leipomon omistaja",
     "hanna@leipomo-jyvakulma.example", "050 441 8730", "", "2026-11-20"],
]
# The same bakery under the business ID of another sample partner (Automaatiopalvelu Kaarnes Oy).
CONFLICT_ROWS = [["Leipomo Jyväkulma Ky", "9810437-6", "", "Leipomoala", "", "", "", "", "", "", "", ""]]
# The examples' workbook date (2026-11-20), so the .xlsx is byte-identical whenever it is made.
TIMESTAMP = 1795132800


def render_example_csv(rows: list[list[str]]) -> bytes:
    """Return rows as Finnish Excel saves CSV: Windows-1252, ';' between fields, CRLF, quotes where needed."""
    def cell(text: str) -> str:
        return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ';"\n') else text

    return "".join(";".join(cell(c) for c in row) + "\r\n" for row in [HEADER, *rows]).encode("cp1252")


def test_example_files_are_made_from_the_rows() -> None:
    files = {EXAMPLES / "kumppanit.csv": render_example_csv(ROWS),
             EXAMPLES / "kumppanit.xlsx": render_xlsx(HEADER, ROWS, TIMESTAMP),
             EXAMPLES / "kumppanit-ristiriita.csv": render_example_csv(CONFLICT_ROWS)}
    update_golden(files)
    for path, data in files.items():
        assert path.read_bytes() == data, f"{path.name}: PARTNERKIT_UPDATE_GOLDEN=1 remakes it"


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample project (content and settings) with the examples; the working folder is the copy."""
    root = tmp_path / "sample"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(EXAMPLES, root / "examples")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    monkeypatch.chdir(root)
    return root


def test_example_imports_cleanly_and_twice_changes_nothing(sample: Path) -> None:
    code, out, err = run("examples/kumppanit.csv")
    assert code == 0, (out, err)
    assert out == [
        "Uusia 2, päivitettyjä 1, ennallaan 0, ristiriitaisia 0, virheellisiä 0.",
        "Uudet (2):",
        "  rivi 2: Pyöräkorjaamo Vauhtiratas Oy → content/partners/pyorakorjaamo-vauhtiratas-oy.yaml",
        "  rivi 3: Järvilaakson Kierrätyskeskus ry → content/partners/jarvilaakson-kierratyskeskus-ry.yaml",
        "Päivitetyt (1):",
        "  rivi 4: Leipomo Jyväkulma Ky → content/partners/leipomo-jyvakulma.yaml (review_date, partner_contacts)",
    ]
    assert problems_of(sample) == []
    before = snapshot(sample)
    for name in ("examples/kumppanit.csv", "examples/kumppanit.xlsx"):
        code, out, _ = run(name)
        assert (code, out[0]) == (0, "Uusia 0, päivitettyjä 0, ennallaan 3, ristiriitaisia 0, virheellisiä 0.")
    assert snapshot(sample) == before


def test_conflict_example_shows_a_conflict(sample: Path) -> None:
    before = snapshot(sample)
    code, out, _ = run("examples/kumppanit-ristiriita.csv")
    assert code == 1
    assert out[0] == (
        "examples/kumppanit-ristiriita.csv:2:A: ristiriita: Y-tunnus 9810437-6 on kumppanilla "
        "content/partners/automaatiopalvelu-kaarnes.yaml, mutta nimi vastaa kumppania "
        "content/partners/leipomo-jyvakulma.yaml. Tarkista kumpi on oikea ja korjaa rivi tai sisältö.")
    assert snapshot(sample) == before
