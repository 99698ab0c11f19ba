"""`partnerkit import` of files written by a real spreadsheet program: Debian's LibreOffice Calc, headless.

`make test` installs libreoffice-calc-nogui (Makefile target `libreoffice`) and sets PARTNERKIT_REQUIRE_LIBREOFFICE,
so these tests fail instead of skipping when it is missing there (and under CI, see tests/ci_skips.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import problems_of
from tests.test_import import ALFA, ALFA_ID, HEADER, NEW_ID, run, snapshot

SOURCE_ROWS = [
    HEADER,
    ["Kahvila Kuppila Oy", NEW_ID, "Ravintola-ala", "arki", "Aino Kuppila", "aino@kuppila.example", "040 123 4567",
     "Asiakaspalvelun jaksot kahvilassa; työpaikkaohjaajana Äijälä."],
    ["Alfa & Beta \"Testi\" Oy", ALFA_ID, "Ravintola-ala", "", "Ville Alfa", "ville@alfa.example", "050 765 4321", ""],
]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        message = "LibreOffice (soffice) puuttuu: make test asentaa paketin libreoffice-calc-nogui"
        if os.environ.get("PARTNERKIT_REQUIRE_LIBREOFFICE") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _convert(soffice: str, profile: Path, target: str, sources: list[Path], out: Path,
             infilter: str | None = None) -> None:
    """Convert sources with LibreOffice in headless mode into out (its own user profile: no shared state)."""
    command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(out), *map(str, sources)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    missing = [s.name for s in sources if not (out / (s.stem + "." + target.split(":")[0])).is_file()]
    assert done.returncode == 0 and not missing, (done.stdout, done.stderr, missing)


@pytest.fixture(scope="session")
def written_by_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Spreadsheets LibreOffice Calc wrote: .xlsx and Windows-1252 CSV of the same rows, and a formula and merged
    cells in .xlsx files it saved again."""
    soffice = _soffice()
    base = tmp_path_factory.mktemp("libreoffice")
    profile = base / "profile"
    source = base / "lahde.csv"
    source.write_text("\n".join(";".join(_quote(c) for c in row) for row in SOURCE_ROWS) + "\n", encoding="utf-8")
    # CSV import options: ';' between fields, '"' around texts, UTF-8 (76), from line 1; every column as text
    # (format 2), as an institution's list would be typed, so LibreOffice does not turn IDs or phones into numbers.
    text_columns = "/".join(f"{n}/2" for n in range(1, len(HEADER) + 1))
    _convert(soffice, profile, "xlsx", [source], base / "xlsx", f"CSV:59,34,76,1,{text_columns}")
    # Export options: ';', '"', Windows-1252 (1).
    _convert(soffice, profile, "csv:Text - txt - csv (StarCalc):59,34,1", [source], base / "csv",
             f"CSV:59,34,76,1,{text_columns}")
    formula = base / "in" / "kaava.xlsx"
    merged = base / "in" / "yhdistetyt.xlsx"
    formula.parent.mkdir()
    for path, edit in ((formula, "formula"), (merged, "merged")):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Kumppanit"
        sheet.append(HEADER)
        sheet.append(["Delta Oy", "", '=CONCATENATE("Metalli","ala")' if edit == "formula" else "Metalliala",
                      "arki"])
        sheet.append(["Epsilon Oy", "", None if edit == "merged" else "Metalliala", "arki"])
        if edit == "merged":
            sheet.merge_cells("C2:C3")
        workbook.save(path)
    _convert(soffice, profile, "xlsx", [formula, merged], base / "resaved")
    return {"xlsx": base / "xlsx" / "lahde.xlsx", "csv": base / "csv" / "lahde.csv",
            "formula": base / "resaved" / "kaava.xlsx", "merged": base / "resaved" / "yhdistetyt.xlsx"}


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@pytest.fixture
def toolbox_dir(project: object, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal project with alfa-oy.yaml as test_import has it; the working folder is the project."""
    root = project({"partners/alfa-oy.yaml": ALFA})  # type: ignore[operator]
    monkeypatch.chdir(root)
    return root


def test_libreoffice_csv_is_windows_1252(written_by_libreoffice: dict[str, Path]) -> None:
    data = written_by_libreoffice["csv"].read_bytes()
    assert "Äijälä".encode("cp1252") in data and "Äijälä".encode("utf-8") not in data


def test_libreoffice_xlsx_and_windows_1252_csv_import_the_same(written_by_libreoffice: dict[str, Path],
                                                                toolbox_dir: Path) -> None:
    shutil.copy(written_by_libreoffice["xlsx"], toolbox_dir / "lo.xlsx")
    shutil.copy(written_by_libreoffice["csv"], toolbox_dir / "lo.csv")
    code, out, err = run("lo.xlsx")
    assert code == 0, (out, err)
    assert out[:5] == [
        "Uusia 1, päivitettyjä 1, ennallaan 0, ristiriitaisia 0, virheellisiä 0.",
        "Uudet (1):",
        "  rivi 2: Kahvila Kuppila Oy → content/partners/kahvila-kuppila-oy.yaml",
        "Päivitetyt (1):",
        "  rivi 3: Alfa & Beta \"Testi\" Oy → content/partners/alfa-oy.yaml (partner_contacts)",
    ]
    text = (toolbox_dir / "content/partners/kahvila-kuppila-oy.yaml").read_text(encoding="utf-8")
    assert f"business_id: {NEW_ID}\n" in text and 'phone: "040 123 4567"' in text
    assert "Asiakaspalvelun jaksot kahvilassa; työpaikkaohjaajana Äijälä." in text
    assert problems_of(toolbox_dir) == []
    before = snapshot(toolbox_dir)
    code, out, err = run("lo.csv")
    assert code == 0, (out, err)
    assert "CSV luettiin merkistönä Windows-1252, erottimena ';'." in err
    assert out[0] == "Uusia 0, päivitettyjä 0, ennallaan 2, ristiriitaisia 0, virheellisiä 0."
    assert snapshot(toolbox_dir) == before


def test_libreoffice_formula_is_refused(written_by_libreoffice: dict[str, Path], toolbox_dir: Path) -> None:
    # LibreOffice stores the formula with its calculated value; the import still refuses it rather than trust it.
    shutil.copy(written_by_libreoffice["formula"], toolbox_dir / "kaava.xlsx")
    code, out, _ = run("kaava.xlsx")
    assert code == 1
    assert [line for line in out if line.startswith("kaava.xlsx")] == [
        "kaava.xlsx:Kumppanit:2:C: Toimiala: solussa on kaava. Kaavoja ei lasketa tuonnissa; kopioi sarake ja liitä "
        "se arvoina (Liitä määräten → Arvot)."]


def test_libreoffice_merged_cells(written_by_libreoffice: dict[str, Path], toolbox_dir: Path) -> None:
    shutil.copy(written_by_libreoffice["merged"], toolbox_dir / "yhdistetyt.xlsx")
    code, out, _ = run("yhdistetyt.xlsx")
    assert code == 1
    message = "solut C2:C3 on yhdistetty. Pura yhdistäminen ja kirjoita arvo jokaiselle riville, jota se koskee."
    assert [line for line in out if line.startswith("yhdistetyt.xlsx")] == [
        f"yhdistetyt.xlsx:Kumppanit:2:C: {message}", f"yhdistetyt.xlsx:Kumppanit:3:C: {message}"]
