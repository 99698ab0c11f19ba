"""Plan pages, the year view, the year wheel and the review's plan findings, rendered from the sample content."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

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
