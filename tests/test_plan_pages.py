"""Plan pages, the year view, the year wheel and the review's plan findings, rendered from the sample content."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import yaml

from partnerkit.changes import History
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from partnerkit.render.wheel import render_wheel
from tests.conftest import site_for, toolbox_of

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = date(2026, 12, 5)


def pages(audience: str) -> dict[str, str]:
    """Return the sample's pages in the profile with the review's reference date fixed."""
    history = History(None, "", "", REFERENCE)
    return site_for(toolbox_of(ROOT), audience, make_environment(SHIPPED_TEMPLATES), history=history).pages


def test_wheel_is_valid_svg_with_a_link_and_shape_per_marker() -> None:
    svg = render_wheel({(1, "arki"): 2, (9, "muut"): 1}, {"arki": "Arki <&>"}, "Vuosikello <2026>", "#kk-{month}", 9)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    links = root.findall(f"{ns}a")
    assert [a.get("href") for a in links] == ["#kk-1", "#kk-9"]
    assert links[0].get("aria-label") == "tammikuu, Arki <&>: 2 toimintoa"
    assert links[0].find(f"{ns}g/{ns}circle") is not None and links[1].find(f"{ns}g/{ns}polygon") is not None
    assert root.find(f"{ns}title").text == "Vuosikello <2026>"
    assert len(root.findall(f"{ns}path")) == 1  # the marked month
    # Colours come from the page (currentColor) only, so both schemes and print read it.
    assert not re.search(r'(fill|stroke)="#', svg)
    assert svg == render_wheel({(9, "muut"): 1, (1, "arki"): 2}, {"arki": "Arki <&>"}, "Vuosikello <2026>",
                               "#kk-{month}", 9)


def test_staff_site_has_plan_pages_year_view_and_findings() -> None:
    staff = pages("internal")
    year = staff["suunnitelmat/2026.md"]
    assert year.count("<svg") == 1 and 'id="kk-12"' in year
    assert "Hävikkiä vähentävä kasvismenu Kuusirannan kanssa" in year
    plan = staff["suunnitelmat/ravintola-ja-matkailu-2026.md"]
    assert "Tuomas Kivilahti" in plan and "Arvioitu 20.5.2026: jatketaan" in plan
    assert 'href="2026.html#kk-' in plan
    review = staff["muutokset/tarkistettavat.md"]
    assert "Kalatukun raaka-ainepäivä opiskelijoille</a>: Ravintola- ja matkailuala, lokakuu 2026 (suunniteltu)" in review
    assert "Työpaikkaohjaajien syystapaaminen</a>: Ravintola- ja matkailuala, vuosi 2026" in review
    assert "Tiimit ilman suunnitelmaa vuodelle 2027 (6)" in review
    team = staff["tiimit/ravintola-ja-matkailu.md"]
    assert "Vuosisuunnitelma 2026" in team and "Kalatukun raaka-ainepäivä" in team


def test_public_site_has_no_plan_pages() -> None:
    public = pages("public")
    assert not [path for path in public if path.startswith("suunnitelmat/")]
    assert "Kalatukun" not in "".join(public.values())


def test_plan_pages_are_deterministic() -> None:
    assert pages("internal") == pages("internal")


def test_team_page_lists_its_partners_by_tier_through_members_and_owned_cooperations() -> None:
    team = pages("internal")["tiimit/ravintola-ja-matkailu.md"]
    assert "## Tiimin kumppanit tasoittain" in team
    assert team.index("### Arjen kumppanuudet") < team.index("Ravintola Kuusiranta Oy")
    assert "Sataman Kalatukku Oy" in team  # owned by the team, no member named
    assert "## Tiimin kumppanit tasoittain" not in pages("public")["tiimit/ravintola-ja-matkailu.md"]


# The sections that list this year's actions on the pages of what they involve: (page folder, action key, heading).
THIS_YEAR = (("kumppanit", "partners", "Tänä vuonna tämän kumppanin kanssa"),
             ("menetelmat", "methods", "Tänä vuonna tällä menetelmällä"),
             ("henkilot", "people", "Tänä vuonna vastuulla olevat toiminnot"))


def expected_this_year(year: int) -> dict[str, set[tuple[str, str]]]:
    """Return {docs path: {(link, action title)}} computed from the sample's plan files, read as plain YAML."""
    expected: dict[str, set[tuple[str, str]]] = {}
    for file in sorted((ROOT / "content" / "plans").glob("*.yaml")):
        plan = yaml.safe_load(file.read_text(encoding="utf-8"))
        if plan["year"] != year:
            continue
        for action in plan.get("actions", []):
            link = f"../suunnitelmat/{plan['team']}-{year}.html#{plan['team']}-{action['id']}"
            for folder, key, _ in THIS_YEAR:
                for item in action.get(key, []):
                    expected.setdefault(f"{folder}/{item}.md", set()).add((link, action["title"]))
    return expected


def listed_this_year(page: str, heading: str) -> set[tuple[str, str]] | None:
    """Return the (link, title) rows of the page's section under heading, or None when it has no such section."""
    found = re.search(rf"^## {heading} \((\d+)\)\n\n<ul class=\"pk-year-actions\">\n(.*?)</ul>", page, re.S | re.M)
    if found is None:
        return None
    assert found.group(1) == str(REFERENCE.year)
    return set(re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', found.group(2)))


def test_partner_method_and_person_pages_list_this_years_actions_that_involve_them() -> None:
    staff, public = pages("internal"), pages("public")
    expected = expected_this_year(REFERENCE.year)
    # The sample's actions involve partners, methods and people of several teams: the check is not vacuous.
    assert {path.split("/")[0] for path in expected} == {"kumppanit", "menetelmat", "henkilot"}
    assert len(expected) > 20
    for folder, _, heading in THIS_YEAR:
        for path in sorted(p for p in staff if p.startswith(f"{folder}/") and p != f"{folder}/index.md"):
            listed = listed_this_year(staff[path], heading)
            want = expected.get(path)
            assert listed == want, path
            if want:
                # Every link leads to its action's row on the plan page.
                for link, _ in want:
                    plan_page, anchor = link.removeprefix("../").split("#")
                    assert f'<tr id="{anchor}">' in staff[plan_page.replace(".html", ".md")], link
    # Plans are internal: the public view lists none of them.
    assert not [path for path, text in public.items() if "pk-year-actions" in text or "Tänä vuonna" in text]
    # "This year" is the reference date's: a year later the same pages list nothing.
    later = site_for(toolbox_of(ROOT), "internal", make_environment(SHIPPED_TEMPLATES),
                     history=History(None, "", "", date(REFERENCE.year + 2, 1, 1))).pages
    assert not [path for path, text in later.items() if "pk-year-actions" in text]


def test_review_summarises_this_years_actions_by_state_per_tier_and_team_as_chart_and_table() -> None:
    review = pages("internal")["muutokset/tarkistettavat.md"]
    names = {"tier": {}, "team": {}}
    names["tier"] = {t["id"]: t["title"] for t in yaml.safe_load((ROOT / "content" / "tiers.yaml").read_text(
        encoding="utf-8"))["tiers"]}
    for file in (ROOT / "content" / "teams").glob("*.yaml"):
        team = yaml.safe_load(file.read_text(encoding="utf-8"))
        names["team"][file.stem] = team["name"]
    # Expected numbers from the plan files read as plain YAML: planned, under way, done, evaluated.
    expected: dict[str, dict[str, list[int]]] = {"tier": {}, "team": {}}
    for file in sorted((ROOT / "content" / "plans").glob(f"*-{REFERENCE.year}.yaml")):
        plan = yaml.safe_load(file.read_text(encoding="utf-8"))
        expected["team"].setdefault(names["team"][plan["team"]], [0, 0, 0, 0])
        for action in plan["actions"]:
            for kind, key in (("tier", names["tier"][action["tier"]]), ("team", names["team"][plan["team"]])):
                row = expected[kind].setdefault(key, [0, 0, 0, 0])
                if action["status"] != "cancelled":
                    row[("planned", "under_way", "done").index(action["status"])] += 1
                row[3] += "evaluation" in action
    for name in names["tier"].values():
        expected["tier"].setdefault(name, [0, 0, 0, 0])
    ns = "{http://www.w3.org/2000/svg}"
    for kind, chart_id in (("tier", "pk-chart-tiers"), ("team", "pk-chart-teams")):
        svg = ET.fromstring(re.search(rf'<svg class="pk-chart"[^>]*{chart_id}.*?</svg>', review, re.S).group(0))
        assert svg.get("role") == "img" and svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert svg.find(f"{ns}title").text and svg.find(f"{ns}desc").text
        # The chart's own texts: a group's name, then four (state, number) pairs.
        texts = [t.text for t in svg.findall(f"{ns}text")]
        drawn = {texts[i]: [int(texts[i + 2 + 2 * n]) for n in range(4)] for i in range(0, len(texts), 9)}
        assert [texts[i + 1 + 2 * n] for i in range(0, len(texts), 9) for n in range(4)][:4] == [
            "Suunniteltu", "Käynnissä", "Tehty", "Arvioitu"]
        assert drawn == expected[kind], kind
        # Bars are as long as their numbers (the longest bar the largest number), drawn in currentColor only.
        assert not re.search(r'(fill|stroke)="#', ET.tostring(svg, encoding="unicode"))
        # The table beside the chart holds the same numbers.
        caption = "tasoittain" if kind == "tier" else "tiimeittäin"
        table = re.search(rf"<caption>Toimintojen tilat {caption} vuonna {REFERENCE.year}</caption>(.*?)</table>",
                          review, re.S).group(1)
        row = r'<tr><th scope="row">(?:<a href="[^"]+">)?([^<]+)(?:</a>)?</th>((?:<td[^>]*>\d+</td>){4})</tr>'
        rows = re.findall(row, table)
        assert {html.unescape(name): [int(n) for n in re.findall(r">(\d+)<", cells)] for name, cells in rows} == drawn
    assert sum(sum(row[:3]) for row in expected["team"].values()) > 20


def test_year_view_links_each_action_to_its_plan_row_and_leaves_descriptions_to_the_plan_page() -> None:
    staff = pages("internal")
    year, plan = staff["suunnitelmat/2026.md"], staff["suunnitelmat/ravintola-ja-matkailu-2026.md"]
    description = "Alan yritykset esittelevät kesätyö- ja harjoittelupaikat opiskelijoille Kattilan aulassa."
    assert description in plan and description not in year
    row = '<a href="ravintola-ja-matkailu-2026.html#ravintola-ja-matkailu-kevaan-rekrytorstai">'
    assert row in year and '<tr id="ravintola-ja-matkailu-kevaan-rekrytorstai">' in plan


def test_review_counts_actions_per_plan_when_there_are_more_than_a_page_shows() -> None:
    history = History(None, "", "", REFERENCE)
    full = pages("internal")["muutokset/tarkistettavat.md"]
    short = site_for(toolbox_of(ROOT), "internal", make_environment(SHIPPED_TEMPLATES), history=history,
                     page_size=1).pages["muutokset/tarkistettavat.md"]
    for heading, what in (("Vuosisuunnitelmien myöhässä olevat toiminnot", "myöhässä"),
                          ("Tehdyt toiminnot ilman arviointia", "arvioimatta")):
        section = re.compile(rf"## {heading} \((\d+)\)\n(.*?)\n## ", re.S)
        listed = re.findall(r'<li><a href="\.\./(suunnitelmat/[^"#]+)#', section.search(full).group(2))
        assert len(listed) > 1, heading
        counted = re.findall(rf'<li><a href="\.\./(suunnitelmat/[^"#]+)">[^<]+</a>: (\d+) {what}</li>',
                             section.search(short).group(2))
        assert {plan: int(n) for plan, n in counted} == {plan: listed.count(plan) for plan in listed}


def test_wheel_leaves_cancelled_actions_out_as_the_moodle_page_does() -> None:
    toolbox = toolbox_of(ROOT)
    plans = [plan for plan in toolbox.plans if plan.year == 2026]
    assert any(action.status == "cancelled" for plan in plans for action in plan.actions)  # the sample has one
    expected: dict[tuple[int, str], int] = {}
    for plan in plans:
        for action in plan.actions:
            if action.status != "cancelled":
                for month in action.active_months:
                    expected[month, action.tier] = expected.get((month, action.tier), 0) + 1
    year = pages("internal")["suunnitelmat/2026.md"]
    table = year[year.index("<table>\n<caption>Vuosikello 2026 taulukkona"):]
    table = table[:table.index("</table>")]
    tier_ids = [tier.id for tier in toolbox.tiers]
    rows = re.findall(r'<tr><th scope="row"><a href="#kk-(\d+)">[^<]*</a></th>((?:<td>\d+</td>)+)</tr>', table)
    assert [int(month) for month, _ in rows] == list(range(1, 13))
    for month, cells in rows:
        numbers = [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
        wanted = [expected.get((int(month), tier_id), 0) for tier_id in tier_ids]
        assert numbers == [*wanted, sum(wanted)], month
