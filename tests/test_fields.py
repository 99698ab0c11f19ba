"""The field vocabulary (content/fields.yaml): checking partners against it, and migrating free-text fields to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from partnerkit.cli import main
from partnerkit.migrate import plan_field_migration
from tests.conftest import problems_of, toolbox_of

ROOT = Path(__file__).resolve().parents[1]

VOCABULARY = """\
# yaml-language-server: $schema=../schema/fields.schema.json
groups:
  - id: ravintola-ja-ruoka
    name: Ravintola- ja ruokapalvelut
    synonyms: [ravintola, ravitsemis, kahvila, ruokapalvelut]
    fields:
      - id: ravintola-ala
        name: Ravintola-ala
      - id: ruokapalvelut
        name: Ruokapalvelut
        synonyms: [ateriapalvelut]
  - id: sote
    name: Sosiaali- ja terveysala
    fields:
      - id: sosiaaliala
        name: Sosiaaliala
"""


def _partner(root: Path, name: str) -> str:
    return (root / "content" / "partners" / name).read_text(encoding="utf-8")


def test_without_a_vocabulary_the_field_stays_free_text(project: Callable[..., Path]) -> None:
    # Toolboxes made before fields.yaml existed keep building unchanged.
    toolbox = toolbox_of(project())
    assert toolbox.field_groups == ()
    assert {(p.id, p.field, p.field_group) for p in toolbox.partners} == {
        ("alfa-oy", "Ravintola-ala", ""), ("gamma", "Sosiaaliala", "")}


def test_partners_refer_to_the_vocabulary_by_id(project: Callable[..., Path]) -> None:
    root = project({"fields.yaml": VOCABULARY})
    for name in ("alfa-oy.yaml", "gamma.yaml"):
        text = _partner(root, name)
        (root / "content/partners" / name).write_text(
            text.replace("field: Ravintola-ala", "field: ravintola-ala").replace("field: Sosiaaliala",
                                                                                  "field: sosiaaliala"),
            encoding="utf-8")
    toolbox = toolbox_of(root)
    assert {(p.id, p.field, p.field_group) for p in toolbox.partners} == {
        ("alfa-oy", "Ravintola-ala", "ravintola-ja-ruoka"), ("gamma", "Sosiaaliala", "sote")}
    group = toolbox.field_group("ravintola-ja-ruoka")
    assert group.search_terms == ("Ravintola- ja ruokapalvelut", "ravintola", "ravitsemis", "kahvila",
                                  "ruokapalvelut", "Ravintola-ala", "Ruokapalvelut", "ateriapalvelut")


def test_unknown_field_names_the_nearest_one(project: Callable[..., Path]) -> None:
    root = project({"fields.yaml": VOCABULARY})
    (root / "content/partners/gamma.yaml").write_text(
        _partner(root, "gamma.yaml").replace("field: Sosiaaliala", "field: sosiaaliala"), encoding="utf-8")
    # alfa-oy still has the free text "Ravintola-ala": the vocabulary wants the id.
    assert problems_of(root) == [
        "content/partners/alfa-oy.yaml:4:8: field: tuntematon toimiala 'Ravintola-ala'. Tarkoititko 'ravintola-ala' "
        "(Ravintola-ala)? Kirjoita jonkin tiedostossa content/fields.yaml luetellun toimialan tunniste (id) tai lisää "
        "toimiala sinne."]
    assert problems_of(root, "en") == [
        "content/partners/alfa-oy.yaml:4:8: field: unknown field 'Ravintola-ala'. Did you mean 'ravintola-ala' "
        "(Ravintola-ala)? Write the id of a field listed in content/fields.yaml, or add the field there."]


def test_unknown_field_without_anything_near(project: Callable[..., Path]) -> None:
    root = project({"fields.yaml": VOCABULARY})
    (root / "content/partners/gamma.yaml").write_text(
        _partner(root, "gamma.yaml").replace("field: Sosiaaliala", "field: Avaruustekniikka"), encoding="utf-8")
    assert "content/partners/gamma.yaml:4:8: field: tuntematon toimiala 'Avaruustekniikka'. Kirjoita jonkin " \
           "tiedostossa content/fields.yaml luetellun toimialan tunniste (id) tai lisää toimiala sinne." \
           in problems_of(root)


def test_vocabulary_ids_are_unique(project: Callable[..., Path]) -> None:
    twice = VOCABULARY.replace("      - id: ruokapalvelut", "      - id: ravintola-ala")
    root = project({"fields.yaml": twice})
    assert "content/fields.yaml:9:13: groups[1].fields[2].id: tunniste 'ravintola-ala' on jo käytössä tässä " \
           "tiedostossa (rivi 7). Anna jokaiselle ryhmälle ja jokaiselle toimialalle oma tunniste." \
           in problems_of(root)


def test_migration_shows_first_then_rewrites_keeping_comments(project: Callable[..., Path],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = project()
    alfa = root / "content/partners/alfa-oy.yaml"
    alfa.write_text("# Kumppanin muistiinpano säilyy\n" + alfa.read_text(encoding="utf-8").replace(
        "field: Ravintola-ala", "field: Ravintola-ala  # vapaata tekstiä"), encoding="utf-8")
    before = alfa.read_text(encoding="utf-8")
    assert main(["migrate", "fields", "--root", str(root)]) == 0
    shown = capsys.readouterr()
    assert "content/partners/alfa-oy.yaml:5:8: field: 'Ravintola-ala' → 'ravintola-ala'" in shown.out
    assert "Kokeiluajo: mitään ei kirjoitettu (2 kumppanitiedostoa muuttuisi)." in shown.err
    assert alfa.read_text(encoding="utf-8") == before and not (root / "content/fields.yaml").exists()

    assert main(["migrate", "fields", "--root", str(root), "--apply"]) == 0
    assert alfa.read_text(encoding="utf-8") == before.replace("field: Ravintola-ala ", "field: ravintola-ala ")
    toolbox = toolbox_of(root)
    assert [(p.field, p.field_group) for p in toolbox.partners] == [
        ("Ravintola-ala", "ravintola-ala"), ("Sosiaaliala", "sosiaaliala")]
    capsys.readouterr()
    assert main(["migrate", "fields", "--root", str(root)]) == 0
    assert "ei muutettavaa" in capsys.readouterr().err


def test_migration_maps_values_to_an_existing_vocabulary() -> None:
    partners = {
        "content/partners/a.yaml": "id: a\nfield: ateriapalvelut\n",
        "content/partners/b.yaml": "id: b\nfield: RAVINTOLA-ALA\n",
        "content/partners/c.yaml": "id: c\nfield: ravintola-ala\n",
        "content/partners/d.yaml": "id: d\nfield: Metsäala\n",
    }
    plan = plan_field_migration(partners, VOCABULARY)
    assert [(c.path, c.old, c.new) for c in plan.changes] == [
        ("content/partners/a.yaml", "ateriapalvelut", "ruokapalvelut"),
        ("content/partners/b.yaml", "RAVINTOLA-ALA", "ravintola-ala"),
        ("content/partners/d.yaml", "Metsäala", "metsaala"),
    ]
    assert plan.added_fields == (("metsaala", "Metsäala"),)
    # The existing vocabulary keeps its comment and gains one group at its end.
    assert plan.vocabulary_text.startswith(VOCABULARY)
    assert plan.vocabulary_text[len(VOCABULARY):] == (
        "  - id: metsaala\n    name: Metsäala\n    fields:\n      - id: metsaala\n        name: Metsäala\n")


def test_another_institutions_toolbox_builds_after_the_migration(tmp_path: Path) -> None:
    # A toolbox made by `init`, with free-text fields of its own (not the sample's), before and after migrating.
    target = tmp_path / "toinen"
    assert main(["init", str(target), "--institution", "Kaislaniemen ammattiopisto",
                 "--partnerkit-source", "git+https://git.example/org/partnerkit.git@v1"]) == 0
    example = (target / "content/partners/esimerkki-oy.yaml").read_text(encoding="utf-8")
    field_line = next(line for line in example.splitlines() if line.startswith("field: "))
    for stem, value in (("metsakone-oy", "Metsäkoneala"), ("metsapalvelu-oy", "metsäkoneala "),
                        ("hius-oy", "Hiusala: kampaamot")):
        text = example.replace("id: esimerkki-oy", f"id: {stem}").replace(field_line, f"field: '{value}'")
        (target / "content/partners" / f"{stem}.yaml").write_text(text, encoding="utf-8")
    before = toolbox_of(target)
    assert before.field_groups == ()
    assert main(["migrate", "fields", "--root", str(target), "--apply"]) == 0
    assert main(["check", "--root", str(target)]) == 0
    after = toolbox_of(target)
    fields = {p.id: (p.field, p.field_group) for p in after.partners}
    assert fields["metsakone-oy"] == fields["metsapalvelu-oy"] == ("Metsäkoneala", "metsakoneala")
    assert fields["hius-oy"] == ("Hiusala: kampaamot", "hiusala-kampaamot")
    assert [p.field for p in before.partners if p.id == "esimerkki-oy"] == \
        [p.field for p in after.partners if p.id == "esimerkki-oy"]
    assert main(["--root", str(target), "--site-dir", str(tmp_path / "site"), "--dist-dir", str(tmp_path / "dist")]) == 0
    # The real build wrote the migrated partners' pages, each with its field as it was written.
    page = (tmp_path / "site" / "kumppanit" / "hius-oy.html").read_text(encoding="utf-8")
    assert "Hiusala: kampaamot" in page
    assert "Metsäkoneala" in (tmp_path / "site" / "kumppanit" / "metsapalvelu-oy.html").read_text(encoding="utf-8")


def test_sample_restaurant_group_holds_every_restaurant_like_field() -> None:
    toolbox = toolbox_of(ROOT)
    assert all(p.field_group for p in toolbox.partners)
    restaurant = {p.field for p in toolbox.partners if p.field_group == "ravintola-ja-ruokapalvelut"}
    assert {"Ravintola-ala", "Kahvila- ja ravintola-ala", "Matkailu- ja ravintola-ala", "Majoitus- ja ravitsemisala",
            "Ruokapalvelut"} <= restaurant
    assert {"ravintola", "ravitsemis", "kahvila", "ruokapalvelut"} <= set(
        toolbox.field_group("ravintola-ja-ruokapalvelut").synonyms)
