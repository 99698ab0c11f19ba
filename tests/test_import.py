"""`partnerkit import`: spreadsheets in. Real files written by openpyxl (and, in test_import_libreoffice.py, by
LibreOffice), the real checker before and after, exact located messages for every kind of bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from partnerkit.audience import INTERNAL
from partnerkit.cli import main
from partnerkit.render.sheets import render_sheets
from partnerkit.write import OutputError, replace_folder_files
from partnerkit.yamledit import round_trip
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from tests.conftest import problems_of, site_for, toolbox_of

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Yritys", "Y-tunnus", "Toimiala", "Tasot", "Yhteyshenkilö", "Sähköposti", "Puhelin", "Kuvaus"]
# Business IDs with valid check digits (Verohallinto's rule); the last digit of each is the check digit.
ALFA_ID, NEW_ID, OTHER_ID = "1234567-1", "7654321-2", "2345678-0"
ALFA = f"""# yaml-language-server: $schema=../../schema/partner.schema.json
# Kumppanin yhteystiedot tarkistettu keväällä.
id: alfa-oy
name: Alfa & Beta "Testi" Oy
type: company
field: Ravintola-ala
website: https://alfa.example  # uusi osoite vuodesta 2025
business_id: {ALFA_ID}
review_date: 2026-03-01
publishable: true
cooperations:
  - tier: arki
    description: Työpaikalla järjestettävää koulutusta.
    contacts: [maija-malli]
  - tier: kehittaminen
    description: Yhteinen kehityshanke.
    contacts: [maija-malli, pekka-pilotti]
"""


@pytest.fixture
def toolbox_dir(project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal project with a business ID and comments in alfa-oy.yaml; the working folder is the project."""
    root = project({"partners/alfa-oy.yaml": ALFA})
    monkeypatch.chdir(root)
    return root


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ";") -> Path:
    """Write rows as a CSV file the way a spreadsheet program saves one (CRLF line ends)."""
    text = "\r\n".join(delimiter.join(_quote(cell, delimiter) for cell in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def _quote(cell: str, delimiter: str) -> str:
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if any(c in cell for c in (delimiter, '"', "\n")) else cell


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Kumppanit",
               edit: Callable[[object], None] | None = None) -> Path:
    """Write rows as an .xlsx workbook with openpyxl."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    workbook.save(path)
    return path


def run(*args: str, lang: str | None = None) -> tuple[int, list[str], str]:
    """Run `partnerkit import ...` in the working folder; return the exit code, stdout lines and stderr."""
    argv = ["import", *args, "--root", os.getcwd()] + (["--lang", lang] if lang else [])
    out, err = io.StringIO(), io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    return code, out.getvalue().splitlines(), err.getvalue()


def snapshot(root: Path) -> dict[str, bytes]:
    """Return every file under content/ with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "content").rglob("*")) if p.is_file()}


GOOD_ROWS = [
    HEADER,
    ["Kahvila Kuppila Oy", NEW_ID, "Ravintola-ala", "arki", "Aino Kuppila", "aino@kuppila.example", "040 123 4567",
     "Asiakaspalvelun jaksot kahvilassa."],
    ["Alfa & Beta Testi Oy", ALFA_ID, "Ravintola-ala", "", "Ville Alfa", "ville@alfa.example", "050 765 4321", ""],
]


# --- the whole path: import, check, build ------------------------------------------------------------------


def test_import_creates_and_updates_and_a_second_import_changes_nothing(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "kumppanit.csv", GOOD_ROWS, encoding="cp1252")
    code, out, err = run("kumppanit.csv")
    assert code == 0, (out, err)
    assert out == [
        "Uusia 1, päivitettyjä 1, ennallaan 0, ristiriitaisia 0, virheellisiä 0.",
        "Uudet (1):",
        "  rivi 2: Kahvila Kuppila Oy → content/partners/kahvila-kuppila-oy.yaml",
        "Päivitetyt (1):",
        "  rivi 3: Alfa & Beta \"Testi\" Oy → content/partners/alfa-oy.yaml (partner_contacts)",
    ]
    assert "CSV luettiin merkistönä Windows-1252, erottimena ';'." in err
    assert (toolbox_dir / "content/partners/kahvila-kuppila-oy.yaml").read_text(encoding="utf-8") == f"""\
# yaml-language-server: $schema=../../schema/partner.schema.json
id: kahvila-kuppila-oy
name: Kahvila Kuppila Oy
type: company
field: Ravintola-ala
business_id: {NEW_ID}
review_date: {__import__("datetime").date.today().isoformat()}
partner_contacts:
  - name: Aino Kuppila
    email: aino@kuppila.example
    phone: "040 123 4567"
cooperations:
  - tier: arki
    description: Asiakaspalvelun jaksot kahvilassa.
"""
    # Comments, the modeline, key order, flow lists and quoting stay; the new key goes in the schema's order.
    assert (toolbox_dir / "content/partners/alfa-oy.yaml").read_text(encoding="utf-8") == ALFA.replace(
        "publishable: true\n", "publishable: true\npartner_contacts:\n  - name: Ville Alfa\n"
        "    email: ville@alfa.example\n    phone: \"050 765 4321\"\n")
    assert problems_of(toolbox_dir) == []
    before = snapshot(toolbox_dir)
    code, out, _ = run("kumppanit.csv")
    assert code == 0
    assert out[0] == "Uusia 0, päivitettyjä 0, ennallaan 2, ristiriitaisia 0, virheellisiä 0."
    assert snapshot(toolbox_dir) == before


def test_imported_partners_pass_check_and_build(toolbox_dir: Path) -> None:
    write_xlsx(toolbox_dir / "k.xlsx", GOOD_ROWS)
    assert run("k.xlsx")[0] == 0
    assert main(["check", "--root", str(toolbox_dir)]) == 0
    toolbox = toolbox_of(toolbox_dir)
    pages = site_for(toolbox, "internal", make_environment(SHIPPED_TEMPLATES)).pages
    page = next(text for path, text in pages.items() if "kahvila-kuppila-oy" in str(path))
    assert "Kahvila Kuppila Oy" in page and "Asiakaspalvelun jaksot kahvilassa." in page
    alfa = next(text for path, text in pages.items() if str(path).endswith("alfa-oy.md"))
    assert "Ville Alfa" in alfa


def test_own_export_imports_back_unchanged(toolbox_dir: Path) -> None:
    files = render_sheets(toolbox_of(toolbox_dir), INTERNAL, 0)
    (toolbox_dir / "lista.xlsx").write_bytes(files["lataukset/kumppanit.xlsx"])
    (toolbox_dir / "lista.csv").write_bytes(files["lataukset/kumppanit.csv"])
    before = snapshot(toolbox_dir)
    for name in ("lista.xlsx", "lista.csv"):
        code, out, err = run(name)
        assert (code, out[0]) == (0, "Uusia 0, päivitettyjä 0, ennallaan 2, ristiriitaisia 0, virheellisiä 0."), err
    assert snapshot(toolbox_dir) == before


def test_dry_run_shows_the_diff_and_writes_nothing(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "k.csv", [["Yritys", "Toimiala", "Verkkosivu"],
                                      ["Gamman kunta", "Sosiaaliala", "https://gamma.example"]])
    before = snapshot(toolbox_dir)
    code, out, err = run("k.csv", "--dry-run")
    assert code == 0
    assert out == [
        "Uusia 0, päivitettyjä 1, ennallaan 0, ristiriitaisia 0, virheellisiä 0.",
        "Päivitetyt (1):",
        "  rivi 2: Gamman kunta → content/partners/gamma.yaml (website)",
        "--- a/content/partners/gamma.yaml",
        "+++ b/content/partners/gamma.yaml",
        "@@ -2,6 +2,7 @@",
        " name: Gamman kunta",
        " type: public",
        " field: Sosiaaliala",
        "+website: https://gamma.example",
        " review_date: 2025-01-31",
        " notes: Sisäinen huomio.",
        " cooperations:",
    ]
    assert "Kuivaharjoitus: 1 tiedostoa muuttuisi (diff yllä). Mitään ei kirjoitettu." in err
    assert snapshot(toolbox_dir) == before


def test_every_sample_partner_file_round_trips_byte_for_byte() -> None:
    files = sorted((ROOT / "content/partners").glob("*.yaml"))
    assert len(files) > 20
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert round_trip(text) == text, file.name


def test_mapping_file_names_columns_ignores_others_and_gives_defaults(toolbox_dir: Path) -> None:
    (toolbox_dir / "sarakkeet.yaml").write_text(
        "columns:\n  Asiakas: name\n  Liikevaihto: ignore\ndefaults:\n  tiers: arki\n  field: Matkailu\n"
        "  review_date: 2026-12-01\n", encoding="utf-8")
    write_csv(toolbox_dir / "crm.csv", [["Asiakas", "Liikevaihto"], ["Matkailu Aalto Oy", "1200000"]],
              delimiter=",")
    code, out, err = run("crm.csv", "--mapping", "sarakkeet.yaml")
    assert code == 0, (out, err)
    text = (toolbox_dir / "content/partners/matkailu-aalto-oy.yaml").read_text(encoding="utf-8")
    assert "field: Matkailu\nreview_date: 2026-12-01\n" in text and "tier: arki" in text


def test_mapping_file_problems_are_located(toolbox_dir: Path) -> None:
    (toolbox_dir / "m.yaml").write_text("columns:\n  Asiakas: nimi\ndefault:\n  tiers: arki\n", encoding="utf-8")
    write_csv(toolbox_dir / "crm.csv", [["Asiakas"], ["X Oy"]])
    code, out, _ = run("crm.csv", "--mapping", "m.yaml")
    assert code == 1
    assert out[0].startswith("m.yaml:2:12: tuntematon kenttä 'nimi'. Sallitut: name, business_id,")
    assert out[1] == "m.yaml:3:1: tuntematon avain 'default'. Sallitut: sheet, columns, defaults."


def test_skip_bad_rows_imports_the_rest_and_lists_the_skipped(toolbox_dir: Path) -> None:
    rows = GOOD_ROWS + [["Delta Oy", "1234567-2", "Metalliala", "arki", "", "", "", ""]]
    write_csv(toolbox_dir / "k.csv", rows)
    code, out, err = run("k.csv")
    assert code == 1 and "Mitään ei kirjoitettu, koska osa riveistä" in err
    assert not (toolbox_dir / "content/partners/kahvila-kuppila-oy.yaml").exists()
    code, out, err = run("k.csv", "--skip-bad-rows")
    assert code == 0
    assert "Virheelliset (1), ks. viestit yllä:" in out and "  rivi 4: Delta Oy" in out
    assert "(ohitettuja rivejä 1)" in err
    assert (toolbox_dir / "content/partners/kahvila-kuppila-oy.yaml").exists()
    assert not (toolbox_dir / "content/partners/delta-oy.yaml").exists()


# --- bad input: one test per kind, each asserting the exact located message ---------------------------------


def problems(out: list[str], prefix: str) -> list[str]:
    """Return the output lines that are located messages about the file."""
    return [line for line in out if line.startswith(prefix)]


def test_wrong_check_digit(toolbox_dir: Path) -> None:
    write_xlsx(toolbox_dir / "k.xlsx", [HEADER, ["Delta Oy", "1234567-2", "Metalliala", "arki"]])
    before = snapshot(toolbox_dir)
    code, out, err = run("k.xlsx")
    assert code == 1
    assert problems(out, "k.xlsx") == [
        "k.xlsx:Kumppanit:2:B: Y-tunnus: Y-tunnuksen 1234567-2 tarkistusmerkki ei täsmää, joten tunnuksessa on "
        "kirjoitusvirhe. Tarkista tunnus esimerkiksi yritys- ja yhteisötietojärjestelmästä (ytj.fi)."]
    assert snapshot(toolbox_dir) == before
    code, out, _ = run("k.xlsx", lang="en")
    assert problems(out, "k.xlsx") == [
        "k.xlsx:Kumppanit:2:B: Y-tunnus: the check digit of business ID 1234567-2 does not match, so the ID has a "
        "typing error. Check the ID, for example in the Finnish business information system (ytj.fi)."]


def test_csv_locations_have_no_sheet(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "k.csv", [HEADER, ["Delta Oy", "1234567", "Metalliala", "arki"]])
    code, out, _ = run("k.csv")
    assert problems(out, "k.csv") == [
        "k.csv:2:B: Y-tunnus: '1234567' ei ole Y-tunnus. Kirjoita se muodossa 1234567-8 (seitsemän numeroa, "
        "väliviiva ja tarkistusmerkki); vanhaan kuusinumeroiseen tunnukseen lisätään etunolla."]


def test_duplicate_business_ids_inside_the_file(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "k.csv", [HEADER, ["Delta Oy", NEW_ID, "Metalliala", "arki"],
                                      ["Delta Group Oy", NEW_ID, "Metalliala", "arki"]])
    code, out, _ = run("k.csv")
    assert code == 1
    assert problems(out, "k.csv") == [
        f"k.csv:3:B: Y-tunnus {NEW_ID} on jo rivillä 2. Sama kumppani tuodaan yhdeltä riviltä: yhdistä rivit tai "
        "korjaa tunnus."]


def test_all_problems_in_one_run(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "k.csv", [
        HEADER,
        ["Delta Oy", "1234567-2", "Metalliala", "arki"],
        ["Epsilon Oy", "", "Metalliala", "strategia"],
        ["Zeta Oy", "", "Metalliala", "arki", "Zeta Henkilö", "ei-osoite"],
    ])
    code, out, _ = run("k.csv")
    assert [line.split(": ", 1)[0] for line in problems(out, "k.csv")] == ["k.csv:2:B", "k.csv:3:D", "k.csv:4:F"]
    assert problems(out, "k.csv")[1] == (
        "k.csv:3:D: Tasot: tuntematon taso 'strategia'. Tasot: arki, kehittaminen, strateginen, verkostot, muut "
        "(tai niiden otsikot).")
    assert problems(out, "k.csv")[2] == (
        "k.csv:4:F: Sähköposti: 'ei-osoite' ei ole kelvollinen sähköpostiosoite. Muoto on nimi@organisaatio.fi.")


def test_unknown_columns(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "k.csv", [["Yritys", "Toimialla", "Liikevaihto"], ["Delta Oy", "Metalliala", "5"]])
    code, out, _ = run("k.csv")
    assert code == 1
    assert problems(out, "k.csv") == [
        "k.csv:1:B: tuntematon sarake 'Toimialla'. Tarkoititko 'toimiala'? Nimeä sarake tunnetulla otsikolla tai "
        "kerro määritystiedostossa (--mapping), mihin kenttään se kuuluu tai että se ohitetaan (ignore).",
        "k.csv:1:C: tuntematon sarake 'Liikevaihto'. Nimeä sarake tunnetulla otsikolla tai kerro "
        "määritystiedostossa (--mapping), mihin kenttään se kuuluu tai että se ohitetaan (ignore).",
    ]


def test_empty_header_row(toolbox_dir: Path) -> None:
    write_xlsx(toolbox_dir / "k.xlsx", [[None, None], HEADER, ["Delta Oy", NEW_ID, "Metalliala", "arki"]])
    code, out, _ = run("k.xlsx")
    assert code == 1
    assert problems(out, "k.xlsx") == [
        "k.xlsx:Kumppanit:1: otsikkorivi puuttuu: taulukon ensimmäisellä rivillä pitää olla sarakkeiden otsikot "
        "(esimerkiksi Yritys, Y-tunnus, Toimiala)."]


def test_formulas_are_refused_never_calculated(toolbox_dir: Path) -> None:
    write_xlsx(toolbox_dir / "k.xlsx", [HEADER, ["Delta Oy", NEW_ID, '=CONCATENATE("Metalli","ala")', "arki"]])
    code, out, _ = run("k.xlsx")
    assert code == 1
    assert problems(out, "k.xlsx") == [
        "k.xlsx:Kumppanit:2:C: Toimiala: solussa on kaava. Kaavoja ei lasketa tuonnissa; kopioi sarake ja liitä se "
        "arvoina (Liitä määräten → Arvot)."]


def test_merged_cells(toolbox_dir: Path) -> None:
    def merge(sheet: object) -> None:
        sheet.merge_cells("C2:C3")  # type: ignore[attr-defined]

    write_xlsx(toolbox_dir / "k.xlsx", [HEADER, ["Delta Oy", NEW_ID, "Metalliala", "arki"],
                                        ["Epsilon Oy", "", None, "arki"]], edit=merge)
    code, out, _ = run("k.xlsx")
    assert code == 1
    message = "solut C2:C3 on yhdistetty. Pura yhdistäminen ja kirjoita arvo jokaiselle riville, jota se koskee."
    assert problems(out, "k.xlsx") == [f"k.xlsx:Kumppanit:2:C: {message}", f"k.xlsx:Kumppanit:3:C: {message}"]


def test_corrupt_xlsx(toolbox_dir: Path) -> None:
    data = write_xlsx(toolbox_dir / "ok.xlsx", GOOD_ROWS).read_bytes()
    (toolbox_dir / "k.xlsx").write_bytes(data[: len(data) // 2])
    code, out, err = run("k.xlsx")
    assert code == 1
    assert out == ["k.xlsx: tiedosto ei ole luettava .xlsx-työkirja (vioittunut tai muuta muotoa). Avaa se "
                   "taulukko-ohjelmassa ja tallenna uudelleen .xlsx-muodossa."]
    assert "Mitään ei kirjoitettu." in err


def test_zip_that_is_no_workbook(toolbox_dir: Path) -> None:
    with zipfile.ZipFile(toolbox_dir / "k.xlsx", "w") as archive:
        archive.writestr("hello.txt", "hei")
    code, out, _ = run("k.xlsx")
    assert out == ["k.xlsx: tiedosto ei ole luettava .xlsx-työkirja (vioittunut tai muuta muotoa). Avaa se "
                   "taulukko-ohjelmassa ja tallenna uudelleen .xlsx-muodossa."]


def test_password_protected_xlsx(toolbox_dir: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(toolbox_dir / "auki.xlsx", GOOD_ROWS)
    with plain.open("rb") as source, (toolbox_dir / "k.xlsx").open("wb") as target:
        OOXMLFile(source).encrypt("salasana", target)
    code, out, _ = run("k.xlsx")
    assert code == 1
    assert out == ["k.xlsx: työkirja on suojattu salasanalla, eikä sitä voi lukea. Avaa se taulukko-ohjelmassa, "
                   "poista salasana (Tiedosto → Tiedot → Suojaa työkirja) ja tallenna .xlsx-muodossa."]


def test_phone_stored_as_a_number(toolbox_dir: Path) -> None:
    write_xlsx(toolbox_dir / "k.xlsx", [HEADER, ["Delta Oy", NEW_ID, "Metalliala", "arki", "Olli", "", 401234567]])
    code, out, _ = run("k.xlsx")
    assert problems(out, "k.xlsx") == [
        "k.xlsx:Kumppanit:2:G: Puhelin: puhelinnumero on tallennettu lukuna, jolloin alkunolla on kadonnut. "
        "Muotoile sarake tekstiksi ja kirjoita numero uudelleen (esimerkiksi 040 123 4567)."]


def test_conflict_business_id_of_one_partner_name_of_another(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "k.csv", [HEADER, ["Gamman kunta", ALFA_ID, "Sosiaaliala", "verkostot"]])
    code, out, err = run("k.csv")
    assert code == 1
    assert problems(out, "k.csv") == [
        f"k.csv:2:A: ristiriita: Y-tunnus {ALFA_ID} on kumppanilla content/partners/alfa-oy.yaml, mutta nimi vastaa "
        "kumppania content/partners/gamma.yaml. Tarkista kumpi on oikea ja korjaa rivi tai sisältö."]
    assert out[1] == "Uusia 0, päivitettyjä 0, ennallaan 0, ristiriitaisia 1, virheellisiä 0."


def test_new_partners_need_field_and_tier(toolbox_dir: Path) -> None:
    write_csv(toolbox_dir / "k.csv", [["Yritys", "Toimiala"], ["Delta Oy", ""], ["Epsilon Oy", "Metalliala"]])
    code, out, _ = run("k.csv")
    assert problems(out, "k.csv") == [
        "k.csv:1: uusille kumppaneille tarvitaan Tasot (rivit 2, 3). Lisää sarake Tasot tai anna oletus "
        "määritystiedostossa: defaults: {tiers: ...}.",
        "k.csv:2:B: Toimiala: uudelle kumppanille tarvitaan tämä tieto. Täytä solu tai anna oletus "
        "määritystiedostossa (defaults).",
    ]


def test_100000_rows_bounded_time_and_memory_nothing_written(toolbox_dir: Path) -> None:
    """A file of 100,000 rows with one bad row at the end: the message, nothing written, memory bounded."""
    lines = [";".join(HEADER)] + [f"Yritys {n} Oy;;Metalliala;arki;;;;" for n in range(2, 100_001)]
    lines.append(f"Viimeinen Oy;1234567-2;Metalliala;arki;;;;")
    (toolbox_dir / "iso.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    script = (
        "import resource, sys, time; from partnerkit.cli import main; start = time.perf_counter();"
        f"code = main(['import', 'iso.csv', '--root', {str(toolbox_dir)!r}]);"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, 'SECONDS',"
        " round(time.perf_counter() - start, 1), file=sys.stderr); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script], cwd=toolbox_dir, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 1, done.stderr[-2000:]
    assert problems(done.stdout.splitlines(), "iso.csv") == [
        "iso.csv:100001:B: Y-tunnus: Y-tunnuksen 1234567-2 tarkistusmerkki ei täsmää, joten tunnuksessa on "
        "kirjoitusvirhe. Tarkista tunnus esimerkiksi yritys- ja yhteisötietojärjestelmästä (ytj.fi)."]
    peak = int(done.stderr.split("PEAK ")[1].split()[0])
    print(done.stderr.splitlines()[-1])  # the measured figures, shown with -s
    assert peak < 1024, f"peak memory {peak} MB"
    assert sorted(p.name for p in (toolbox_dir / "content/partners").iterdir()) == ["alfa-oy.yaml", "gamma.yaml"]


def test_more_than_100000_rows_is_refused_at_the_limit(toolbox_dir: Path) -> None:
    lines = ["Yritys;Toimiala;Tasot"] + [f"Yritys {n} Oy;Metalliala;arki" for n in range(100_002)]
    (toolbox_dir / "iso.csv").write_text("\n".join(lines), encoding="utf-8")
    code, out, _ = run("iso.csv")
    assert code == 1
    assert problems(out, "iso.csv") == [
        "iso.csv: taulukossa on yli 100 000 riviä; tuonti keskeytettiin. Jaa taulukko osiin ja tuo osat erikseen."]


# --- atomic writing -----------------------------------------------------------------------------------------


def test_a_file_changed_meanwhile_stops_the_write_and_nothing_changes(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "partners"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_bytes(b"vanha a\n")
    (folder / "b.yaml").write_bytes(b"muokattu b\n")
    with pytest.raises(OutputError):
        replace_folder_files(folder, {"a.yaml": b"uusi a\n", "c.yaml": b"uusi c\n", "b.yaml": b"uusi b\n"},
                             {"a.yaml": b"vanha a\n", "c.yaml": None, "b.yaml": b"vanha b\n"})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {"a.yaml": b"vanha a\n", "b.yaml": b"muokattu b\n"}
    assert [p.name for p in (tmp_path / "content").iterdir()] == ["partners"]  # no staging left behind
    replace_folder_files(folder, {"a.yaml": b"uusi a\n", "c.yaml": b"uusi c\n"}, {"a.yaml": b"vanha a\n", "c.yaml": None})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "a.yaml": b"uusi a\n", "b.yaml": b"muokattu b\n", "c.yaml": b"uusi c\n"}


GAMMA = (Path(__file__).parent / "fixtures/minimal/content/partners/gamma.yaml").read_text(encoding="utf-8")
FIELDS = """groups:
  - id: ravintola
    name: Ravintola- ja ruokapalvelut
    fields:
      - id: ravintola-ala
        name: Ravintola-ala
        synonyms: [kahvila-ala]
      - id: metalliala
        name: Metalliala
      - id: sosiaaliala
        name: Sosiaaliala
"""


def test_field_names_and_synonyms_become_vocabulary_ids(project: Callable[..., Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"partners/alfa-oy.yaml": ALFA.replace("field: Ravintola-ala", "field: ravintola-ala"),
                    "partners/gamma.yaml": GAMMA.replace("field: Sosiaaliala", "field: sosiaaliala"),
                    "fields.yaml": FIELDS})
    monkeypatch.chdir(root)
    write_csv(root / "k.csv", [HEADER, ["Kahvila Kuppila Oy", NEW_ID, "KAHVILA-ALA", "arki"],
                               ["Alfa & Beta Testi Oy", ALFA_ID, "Ravintola-ala", ""]])
    code, out, err = run("k.csv")
    assert code == 0, (out, err)
    assert "field: ravintola-ala\n" in (root / "content/partners/kahvila-kuppila-oy.yaml").read_text(encoding="utf-8")
    assert out[0] == "Uusia 1, päivitettyjä 0, ennallaan 1, ristiriitaisia 0, virheellisiä 0."


def test_unknown_field_in_a_vocabulary(project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project({"partners/alfa-oy.yaml": ALFA.replace("field: Ravintola-ala", "field: ravintola-ala"),
                    "partners/gamma.yaml": GAMMA.replace("field: Sosiaaliala", "field: sosiaaliala"),
                    "fields.yaml": FIELDS})
    monkeypatch.chdir(root)
    write_csv(root / "k.csv", [HEADER, ["Delta Oy", NEW_ID, "Metallala", "arki"]])
    before = snapshot(root)
    code, out, _ = run("k.csv")
    assert code == 1
    assert problems(out, "k.csv") == [
        "k.csv:2:C: Toimiala: toimialaa 'Metallala' ei ole toimialasanastossa (content/fields.yaml). Lähin: "
        "'Metalliala'. Kirjoita sanaston toimialan nimi tai tunniste, tai lisää toimiala ensin sanastoon."]
    assert snapshot(root) == before
    code, out, _ = run("k.csv", lang="en")
    assert problems(out, "k.csv") == [
        "k.csv:2:C: Toimiala: field 'Metallala' is not in the field vocabulary (content/fields.yaml). Closest: "
        "'Metalliala'. Write a field's name or id from the vocabulary, or add the field to the vocabulary first."]
