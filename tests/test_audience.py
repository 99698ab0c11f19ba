"""Build profiles: what the public view keeps, and what each profile tells the theme and search engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.audience import INTERNAL, PUBLIC, view_for
from partnerkit.builders import quiet, source_date
from partnerkit.builders.site import site_settings
from partnerkit.pipeline import SHIPPED_TEMPLATES, Project, build_outputs, make_view, read_toolbox
from partnerkit.render import make_environment
from partnerkit.render.site import SiteSettings, render_site
from tests.conftest import MINIMAL, copy_project, site_for, toolbox_of

ROOT = Path(__file__).resolve().parents[1]


def test_public_view_keeps_no_person_no_tier_and_no_note() -> None:
    toolbox = toolbox_of(MINIMAL)
    public = view_for(toolbox, PUBLIC)
    assert public.contacts == ()
    assert [p.id for p in public.partners] == [p.id for p in toolbox.partners if p.publishable]
    assert all(p.notes == "" for p in public.partners)
    assert all(c.tier == "" for p in public.partners for c in p.cooperations)
    team_ids = {t.id for t in toolbox.teams}
    assert all(set(c.contacts) <= team_ids for p in public.partners for c in p.cooperations)
    assert all(m.owner == "" for m in public.methods) and all(t.lead == "" for t in public.teams)
    # The statement pages hold role addresses only, so they pass unchanged.
    assert public.accessibility == toolbox.accessibility and public.privacy == toolbox.privacy


def test_the_pipeline_makes_each_profiles_view_once() -> None:
    toolbox = toolbox_of(MINIMAL)
    assert make_view(toolbox, "internal") == (toolbox, INTERNAL)
    assert make_view(toolbox, "public") == (view_for(toolbox, PUBLIC), PUBLIC)
    with pytest.raises(KeyError):
        make_view(toolbox, "partners")


def test_the_public_build_date_comes_from_what_the_public_sees(tmp_path: Path) -> None:
    # The newest review date of an unpublished partner must not date the public build (or reveal itself in it).
    gamma = (MINIMAL / "content" / "partners" / "gamma.yaml").read_text(encoding="utf-8")
    root = copy_project(tmp_path / "p", {"partners/gamma.yaml": gamma.replace("2025-01-31", "2026-06-01")})
    toolbox = toolbox_of(root)
    hidden = [p for p in toolbox.partners if not p.publishable]
    assert hidden and max(p.review_date for p in hidden) > max(p.review_date for p in toolbox.partners
                                                                if p.publishable)
    public, _ = make_view(toolbox, "public")
    assert source_date(public) < source_date(toolbox)
    # The product: the public course backup is dated by what the public sees (the gzip header's time).
    _, packages = build_outputs(Project(root), toolbox, "public", None, tmp_path / "dist", quiet)
    assert packages is not None
    backup = next(name for name in packages.files if name.endswith(".mbz"))
    assert int.from_bytes((tmp_path / "dist" / backup).read_bytes()[4:8], "little") == source_date(public)


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_each_profile_sets_robots_policy_and_footer_links(audience: str) -> None:
    files = site_for(toolbox_of(MINIMAL), audience, make_environment(SHIPPED_TEMPLATES))
    internal = audience == "internal"
    assert files.extra["partnerkit_noindex"] is internal
    assert files.static.get("robots.txt") == ("User-agent: *\nDisallow: /\n" if internal else None)
    links = {link["href"]: link["title"] for link in files.extra["partnerkit_footer_links"]}
    assert links == {"saavutettavuusseloste.html": "Saavutettavuusseloste", "tietosuojaseloste.html": "Tietosuojaseloste"}
    assert {"saavutettavuusseloste.md", "tietosuojaseloste.md"} <= set(files.pages)


def test_public_privacy_notice_says_it_holds_no_personal_data() -> None:
    environment = make_environment(SHIPPED_TEMPLATES)
    public = site_for(toolbox_of(MINIMAL), "public", environment).pages["tietosuojaseloste.md"]
    internal = site_for(toolbox_of(MINIMAL), "internal", environment).pages["tietosuojaseloste.md"]
    assert "julkinen versio, eikä se sisällä yhteyshenkilöiden henkilötietoja" in public
    assert "<li>nimi ja tehtävänimike</li>" in internal and "<li>nimi ja tehtävänimike</li>" not in public
    assert "tietosuoja@testi.example" in public


def test_home_page_of_the_public_build_counts_no_partners_per_tier() -> None:
    pages = site_for(toolbox_of(MINIMAL), "public", make_environment(SHIPPED_TEMPLATES)).pages
    assert "kumppania" not in pages["index.md"]


def test_only_the_staff_site_links_to_the_repository_for_editing() -> None:
    project = Project(ROOT)
    assert site_settings(project, INTERNAL).edit_base.startswith("https://")
    assert site_settings(project, PUBLIC) == SiteSettings(edit_base="", profile=PUBLIC,
                                                          site_url="https://kumppanit.jarvilaakso.example/")
    public = render_site(view_for(toolbox_of(MINIMAL), PUBLIC), site_settings(project, PUBLIC),
                         make_environment(SHIPPED_TEMPLATES))
    assert not [path for path, text in public.pages.items() if "edit_url" in text]


def test_a_staff_only_guide_stays_out_of_the_public_view() -> None:
    toolbox = read_toolbox(Project(ROOT), "fi")
    staff_only = {guide.id for guide in toolbox.guides if guide.staff_only}
    # The guides for staff's own work (editing, planning, recording and checking partner data, agreements, data
    # protection) stay with staff; the guides a workplace can use are public.
    assert staff_only == {"kumppanitietojen-tarkistus", "kumppanuussopimuksen-laatiminen", "miten-muokkaan",
                          "nain-lisaat-tai-korjaat", "tietosuoja-yhteistyossa", "tyokalupakki-vuosisuunnittelussa",
                          "uuden-kumppanin-kirjaaminen"}
    public = {guide.id for guide in view_for(toolbox, PUBLIC).guides}
    internal = {guide.id for guide in view_for(toolbox, INTERNAL).guides}
    assert staff_only <= internal and not staff_only & public and public == internal - staff_only
