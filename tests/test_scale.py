"""The scale work: synthetic content generator, long listings split into pages, search text, parallel MkDocs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from partnerkit.builders import mkdocs_runner, quiet
from partnerkit.load import load_content
from partnerkit.pipeline import Project, build_outputs, read_toolbox
from partnerkit.render.browse import FilterNames, FilterRow, filter_script, filter_set, initial_of, is_listing_page, paginate
from partnerkit.render.search import page_text
from partnerkit.validate import check_content

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate, write_project  # noqa: E402

SMALL = {"methods": 20, "contacts": 60, "teams": 6}


def test_generator_is_deterministic_and_depends_on_the_seed() -> None:
    first = generate(200, seed=7, **SMALL).files
    assert first == generate(200, seed=7, **SMALL).files
    assert first != generate(200, seed=8, **SMALL).files
    assert sum(path.startswith("content/partners/") for path in first) == 200


def test_generated_content_validates_and_has_the_requested_shape(tmp_path: Path) -> None:
    write_project(generate(200, seed=3, **SMALL), tmp_path)
    content = load_content(tmp_path / "content", tmp_path)
    assert [p.render("fi") for p in check_content(content)] == []
    toolbox = read_toolbox(Project(tmp_path))
    assert (len(toolbox.partners), len(toolbox.methods), len(toolbox.contacts), len(toolbox.teams)) == (200, 20, 60, 6)
    assert all(1 <= len(p.cooperations) <= 3 for p in toolbox.partners)
    in_arki = sum(any(c.tier == "arki" for c in p.cooperations) for p in toolbox.partners)
    assert in_arki > 0.6 * len(toolbox.partners)
    # The relationship fields are filled as in real content: business IDs (valid and unique, or the check above
    # would fail), people on the partner's side, agreements, and a few prospects and ended cooperations.
    assert sum(bool(p.business_id) for p in toolbox.partners) > 0.6 * len(toolbox.partners)
    assert {p.status for p in toolbox.partners} == {"active", "prospect", "ended"}
    assert sum(bool(p.partner_contacts) for p in toolbox.partners) > 0.2 * len(toolbox.partners)
    assert any(p.agreement is not None for p in toolbox.partners)


def test_generated_texts_are_unique_and_multi_line_like_real_content() -> None:
    import yaml

    texts: list[str] = []
    for path, text in generate(300, seed=9, **SMALL).files.items():
        if not path.startswith("content/") or path.endswith(("toolbox.yaml", "tiers.yaml")):
            continue
        record = yaml.safe_load(text)
        texts += [c["description"] for c in record.get("cooperations", [])]
        texts += [record[key] for key in ("body", "description", "notes") if key in record]
    assert len(texts) > 400
    assert len(set(texts)) == len(texts), "every description and body is written once, like real content"
    assert all(len(t.strip().splitlines()) >= 2 for t in texts), "every text spans several lines"
    formatted = [t for t in texts if "\n- " in t or "\n1. " in t or "**" in t or "](" in t]
    assert 0.2 < len(formatted) / len(texts) < 0.8, "some texts use Markdown, not all"


def test_generator_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "own.txt").write_text("not generated", encoding="utf-8")
    with pytest.raises(SystemExit):
        write_project(generate(5, **SMALL), tmp_path)
    assert (tmp_path / "own.txt").exists()


NAMES = ["Aalto", "Aho", "Alfa", "Beta", "Kivi", "Koski", "Kuusi", "Kallio", "Kataja", "Kurki", "Ähtäri", "Öljy", "3D-Paja"]


def test_pages_keep_letters_together_and_split_only_letters_larger_than_a_page() -> None:
    pages = paginate(NAMES, lambda name: name, "tasot/arki", page_size=4)
    assert [p.label for p in pages] == ["#–A", "B", "K (1/2)", "K (2/2)", "Ä–Ö"]
    assert [len(p.items) for p in pages] == [4, 1, 4, 2, 2]
    assert all(len(p.items) <= 4 for p in pages)
    # Every name exactly once, letters in Finnish order (Ä and Ö after Z), each letter's first page named.
    assert [n for p in pages for n in p.items] == ["3D-Paja", "Aalto", "Aho", "Alfa", "Beta", "Kivi", "Koski", "Kuusi",
                                                    "Kallio", "Kataja", "Kurki", "Ähtäri", "Öljy"]
    assert [p.letters for p in pages] == [("#", "A"), ("B",), ("K",), (), ("Ä", "Ö")]
    assert len({p.path for p in pages}) == len(pages)
    assert pages[0].path == "tasot/arki/muut.md" and pages[3].path == "tasot/arki/k-2.md"
    assert initial_of(" 'Lainaus' Oy") == "#"


def test_filter_data_is_compact_and_cannot_end_a_script() -> None:
    rows = [FilterRow("A </script> Oy", "a-oy", "Kahvila", "ravintola", "", "", "<p>Ty\u00f6</p>", ("aino",), "t2",
                      ("t1", "t2"), ()),
            FilterRow("B Oy", "b-oy", "Autoala", "auto", "Potentiaalinen", "https://b.example", "", (), "", ("t1",), ())]
    names = FilterNames(groups={"ravintola": "Ravintola", "auto": "Autot", "muu": "Muu"},
                        teams={"t1": "Tiimi 1", "t2": "Tiimi 2"}, contacts={"aino": ("Aino", "")},
                        tiers={"arki": "Arki"}, people=True, with_tiers=False)
    data = filter_set(rows, names)
    # Choices are only those some row has, by name; no tier choice on a tier's own listing.
    assert data.groups == (("auto", "Autot"), ("ravintola", "Ravintola"))
    assert data.teams == (("t1", "Tiimi 1"), ("t2", "Tiimi 2"))
    assert data.people == (("aino", "Aino"),)
    assert data.tiers == ()
    script = filter_script("tasot/arki", data, names, {"partner": "kumppanit/{id}.html"})
    assert "</script>" not in script
    payload = json.loads(script.split('["tasot/arki"]=', 1)[1].rstrip(";\n"))
    assert payload["rows"][0] == ["A </script> Oy", "a-oy", "Kahvila", 1, "", "", "<p>Ty\u00f6</p>", [0], 1, [0, 1], []]
    assert payload["rows"][1][3:6] == [0, "Potentiaalinen", "https://b.example"]
    assert payload["contacts"] == [["aino", "Aino", ""]]


def test_search_text_of_a_page_is_its_text_without_markup_or_chrome() -> None:
    page = ('---\ntitle: "Hotelli &amp; Kylpylä"\nedit_url: "x"\n---\n# Hotelli \\& Kylpylä\n\n'
            '<dl><dt>Toimiala</dt><dd>Majoitusala</dd></dl>\n\n## Yhteistyö {: #y }\n\n<p>Koulutus\\-jaksot</p>\n')
    assert page_text(page) == ("Hotelli & Kylpylä", "Majoitusala Yhteistyö Koulutus-jaksot")
    # Tables and people lists that repeat other records are left out (those records have pages of their own), and
    # so are forms with their drop-down options, navigation and scripts.
    listing = ('# Aino\n\n<dl class="pk-facts">\n<dt>Tehtävä</dt><dd>Lehtori</dd>\n</dl>\n\n## Yhteyshenkilönä\n\n'
               '<div class="pk-table-wrap">\n<table>\n<tr><td>Alfa Oy</td><td><p>Jaksot</p></td></tr>\n</table>\n</div>\n\n'
               '<ul class="pk-people">\n<li>Bertta</li>\n</ul>\n\n<p>Oma teksti</p>\n'
               '<form><select><option>Ravintola-ala</option></select></form><nav><a>A</a></nav><script>x</script>\n')
    assert page_text(listing) == ("", "Lehtori Yhteyshenkilönä Oma teksti")
    assert is_listing_page("kumppanit/aakkosittain/a.md") and not is_listing_page("kumppanit/aakkosittain.md")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_parallel_mkdocs_build_gives_the_same_site_as_one_process(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(generate(40, seed=5, methods=10, contacts=30, teams=4), tmp_path / "project")
    project = Project(tmp_path / "project")
    toolbox = read_toolbox(project)
    # The real threshold keeps small sites in one process; lowered here so that a small site is split.
    monkeypatch.setattr(mkdocs_runner, "MIN_SHARDED_PAGES", 10)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setenv("PARTNERKIT_JOBS", "1")
    build_outputs(project, toolbox, "internal", tmp_path / "one", None, quiet)
    monkeypatch.setenv("PARTNERKIT_JOBS", "2")
    merged: list[int] = []
    real_merge = mkdocs_runner._merge_sites

    def counting_merge(parts: list[Path], site_dir: Path, *settings: str) -> None:
        merged.append(len(parts))
        real_merge(parts, site_dir, *settings)

    monkeypatch.setattr(mkdocs_runner, "_merge_sites", counting_merge)
    build_outputs(project, toolbox, "internal", tmp_path / "two", None, quiet)
    assert merged == [2]
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []
    assert (tmp_path / "two" / "pagefind" / "pagefind.js").is_file()


def test_benchmark_script_prints_the_table_for_a_small_set(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "benchmark.py"), "30", "--repeat", "1", "--out", str(tmp_path),
         "--contacts", "20", "--methods", "8", "--teams", "3"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "PARTNERKIT_JOBS": "1"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [c.strip() for c in lines[0].split("|")] == [
        "N", "cold build s", "cold peak MB", "cold RSS sum MB", "warm build s", "warm peak MB", "pages", "largest KB",
        "search KB", "cold ratio", "check cold s", "check warm s", "own %"]
    row = [c.strip() for c in lines[2].split("|")]
    assert row[0] == "30" and float(row[1]) > 0 and float(row[4]) > 0 and int(row[6]) > 30
    # The proportional memory of the tree counts shared pages once: never more than the summed resident sizes.
    assert 0 < int(row[2]) <= int(row[3]) and int(row[5]) > 0
    assert row[9] == "1.0 (N×1)" and float(row[10]) > 0 and float(row[11]) > 0
    assert lines[3].startswith("N=30: validate")
    assert lines[4].startswith("cold: an empty check cache") and lines[5].startswith("warm: ")


@pytest.mark.parametrize("target, folder", [("a/b.html", "a"), ("x.html", "a/b"), ("a/b/c.html", ""),
                                             ("kumppanit/x.html", "tasot/arki"), ("tasot/arki.html", "tasot"),
                                             ("index.html", "."), ("ab/c.html", "a")])
def test_links_between_pages_are_computed_like_relpath(target: str, folder: str) -> None:
    import posixpath

    from partnerkit.render.browse import relative_file_url

    assert relative_file_url(target, folder) == posixpath.relpath(target, folder or ".")


def test_display_path_fast_path_matches_relative_to() -> None:
    from partnerkit.load import display_path

    root = Path("/srv/project")
    for file in (Path("/srv/project/content/partners/a.yaml"), Path("/srv/project/content/toolbox.yaml"),
                 Path("/srv/projectx/content/a.yaml"), Path("/other/a.yaml")):
        try:
            expected = file.relative_to(root).as_posix()
        except ValueError:
            expected = file.as_posix()
        assert display_path(file, root) == expected


def test_check_cache_gives_the_same_result_and_problems_as_a_fresh_check(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerkit.messages import ContentError

    write_project(generate(60, seed=2, **SMALL), tmp_path / "project")
    project = Project(tmp_path / "project")
    monkeypatch.setenv("PARTNERKIT_CACHE_DIR", str(tmp_path / "cache"))
    fresh = read_toolbox(project)
    assert read_toolbox(project, cache=True) == fresh  # fills the cache
    assert read_toolbox(project, cache=True) == fresh  # served from it
    assert list((tmp_path / "cache").rglob("check-fi.marshal"))
    # Break one partner and duplicate another's id: the cached run reports exactly what a fresh run does.
    partners = sorted((project.content_dir / "partners").iterdir())
    partners[0].write_text(partners[0].read_text(encoding="utf-8").replace("type: ", "tyyppi: "), encoding="utf-8")
    copy = project.content_dir / "partners" / "zz-kopio.yaml"
    copy.write_text(partners[1].read_text(encoding="utf-8"), encoding="utf-8")
    outcomes = []
    for cache in (False, True, True):
        with pytest.raises(ContentError) as caught:
            read_toolbox(project, cache=cache)
        outcomes.append([p.render("fi") for p in caught.value.problems])
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert any("tyyppi" in line for line in outcomes[0]) and any("zz-kopio" in line for line in outcomes[0])


def test_preview_rebuilds_only_what_an_edit_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from partnerkit.serve import Preview

    monkeypatch.setenv("PARTNERKIT_JOBS", "1")
    write_project(generate(40, seed=9, methods=8, contacts=20, teams=3), tmp_path / "project")
    project = Project(tmp_path / "project")
    said: list[str] = []
    preview = Preview(project, "internal", "fi", tmp_path / "work", said.append)
    preview.rebuild()
    assert said[-1].startswith("Päivitetty: ")
    toolbox = read_toolbox(project)
    partner = toolbox.partners[0]
    other = toolbox.partners[1]
    page = preview.site / "kumppanit" / f"{partner.id}.html"
    other_page = preview.site / "kumppanit" / f"{other.id}.html"
    other_before = other_page.stat().st_mtime_ns
    source = project.root / partner.source
    source.write_text(source.read_text(encoding="utf-8").replace(f'name: "{partner.name}"', 'name: "Muokattu Nimi Oy"'),
                      encoding="utf-8")
    preview.rebuild()
    assert "Muokattu Nimi Oy" in page.read_text(encoding="utf-8")
    # The partner index and the tier listings show the new name too; an unrelated partner page is not rebuilt.
    assert "Muokattu Nimi Oy" in (preview.site / "kumppanit" / "index.html").read_text(encoding="utf-8")
    assert other_page.stat().st_mtime_ns == other_before
    # What the partial rebuild left is the site a full build of the edited content gives (search aside: its
    # index is rebuilt with full builds only).
    fresh = Preview(project, "internal", "fi", tmp_path / "fresh", said.append)
    fresh.rebuild()
    partial = {path: data for path, data in _tree(preview.site).items() if not path.startswith("pagefind/")}
    full = {path: data for path, data in _tree(fresh.site).items() if not path.startswith("pagefind/")}
    assert sorted(partial) == sorted(full)
    assert [path for path in full if partial[path] != full[path]] == []
    # A broken edit keeps the last good site and reports the problem.
    source.write_text(source.read_text(encoding="utf-8").replace("type: ", "tyyppi: "), encoding="utf-8")
    preview.rebuild()
    assert any("tyyppi" in line for line in said)
    assert "Muokattu Nimi Oy" in page.read_text(encoding="utf-8")
    # Removing a partner removes its page.
    source.unlink()
    preview.rebuild()
    assert not page.exists()


def test_preview_pages_to_refresh_follows_references() -> None:
    from dataclasses import replace

    from partnerkit.serve import pages_to_refresh

    toolbox = read_toolbox(Project(ROOT))
    partner = toolbox.partners[0]
    edited = replace(partner, name=partner.name + " X")
    changed = replace(toolbox, partners=tuple(edited if p is partner else p for p in toolbox.partners))
    pages = pages_to_refresh(toolbox, changed)
    assert pages is not None
    assert f"kumppanit/{partner.id}.md" in pages
    assert {f"henkilot/{c}.md" for c in partner.contact_ids} <= pages
    # The team pages that list the partner: its people's teams and the teams owning its cooperations.
    contacts = {c.id: c for c in toolbox.contacts}
    teams = {contacts[c].team for c in partner.contact_ids if contacts[c].team} | set(partner.team_ids)
    assert teams and {f"tiimit/{t}.md" for t in teams} <= pages
    # The plan pages whose actions name the partner (their rows show its name).
    plans = {f"suunnitelmat/{p.team}-{p.year}.md" for p in toolbox.plans
             if any(partner.id in a.partners for a in p.actions)}
    assert plans <= pages
    assert len(pages) == 1 + len(partner.contact_ids) + len(teams) + len(plans)
    assert pages_to_refresh(toolbox, replace(toolbox, title="Uusi nimi")) is None


def test_preview_watcher_reports_edits_but_not_reads(tmp_path: Path) -> None:
    import threading

    import watchdog.events

    from partnerkit.serve import make_change_observer

    watched = tmp_path / "content"
    watched.mkdir()
    existing = watched / "a.yaml"
    existing.write_text("id: a\n", encoding="utf-8")
    seen: list[str] = []
    arrived = threading.Event()
    handler = watchdog.events.FileSystemEventHandler()

    def record(event: watchdog.events.FileSystemEvent) -> None:
        seen.append(event.event_type)
        arrived.set()

    handler.on_any_event = record  # type: ignore[method-assign]
    observer = make_change_observer()
    observer.schedule(handler, str(watched), recursive=True)
    observer.start()
    try:
        # A rebuild reads every content file; reading must not start another rebuild.
        for _ in range(3):
            existing.read_text(encoding="utf-8")
        assert not arrived.wait(1.0), seen
        existing.write_text("id: b\n", encoding="utf-8")
        assert arrived.wait(10), "an edit was not reported"
        assert set(seen) <= {"modified", "closed", "created"} and "modified" in seen
    finally:
        observer.stop()
        observer.join()


def test_preview_refreshes_the_pages_listing_a_renamed_teams_actions() -> None:
    from dataclasses import replace

    from partnerkit.serve import pages_to_refresh

    toolbox = read_toolbox(Project(ROOT))
    plan = next(p for p in toolbox.plans if p.actions)
    team = next(t for t in toolbox.teams if t.id == plan.team)
    renamed = replace(toolbox, teams=tuple(replace(t, name=t.name + " X") if t is team else t for t in toolbox.teams))
    pages = pages_to_refresh(toolbox, renamed)
    assert pages is not None
    involved = {f"kumppanit/{p}.md" for a in plan.actions for p in a.partners}
    involved |= {f"menetelmat/{m}.md" for a in plan.actions for m in a.methods}
    involved |= {f"henkilot/{c}.md" for a in plan.actions for c in a.people}
    assert involved and involved <= pages
