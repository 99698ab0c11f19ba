"""Build profiles: what the public view keeps, and what each profile tells the theme and search engines."""

from __future__ import annotations

import pytest

from partnerkit.audience import is_public_view, view_for
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from partnerkit.render.site import SiteSettings, render_site
from tests.conftest import MINIMAL, toolbox_of


def test_public_view_keeps_no_person_no_tier_and_no_note() -> None:
    toolbox = toolbox_of(MINIMAL)
    public = view_for(toolbox, "public")
    assert public.contacts == ()
    assert [p.id for p in public.partners] == [p.id for p in toolbox.partners if p.publishable]
    assert all(p.notes == "" for p in public.partners)
    assert all(c.tier == "" for p in public.partners for c in p.cooperations)
    team_ids = {t.id for t in toolbox.teams}
    assert all(set(c.contacts) <= team_ids for p in public.partners for c in p.cooperations)
    assert all(m.owner == "" for m in public.methods) and all(t.lead == "" for t in public.teams)
    # The statement pages hold role addresses only, so they pass unchanged.
    assert public.accessibility == toolbox.accessibility and public.privacy == toolbox.privacy


def test_public_view_of_a_public_view_is_the_same_view() -> None:
    # Renderers may apply the view to a toolbox they already received as a view (e.g. comparing releases).
    toolbox = toolbox_of(MINIMAL)
    public = view_for(toolbox, "public")
    assert is_public_view(public) and not is_public_view(toolbox)
    assert view_for(public, "public") == public


def test_internal_view_is_everything_and_unknown_audience_is_refused() -> None:
    toolbox = toolbox_of(MINIMAL)
    assert view_for(toolbox, "internal") is toolbox
    with pytest.raises(ValueError, match="unknown audience"):
        view_for(toolbox, "partners")


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_each_profile_sets_robots_policy_and_footer_links(audience: str) -> None:
    files = render_site(toolbox_of(MINIMAL), SiteSettings(audience=audience), make_environment(SHIPPED_TEMPLATES))
    internal = audience == "internal"
    assert files.extra["partnerkit_noindex"] is internal
    assert files.static.get("robots.txt") == ("User-agent: *\nDisallow: /\n" if internal else None)
    links = {link["href"]: link["title"] for link in files.extra["partnerkit_footer_links"]}
    assert links == {"saavutettavuusseloste.html": "Saavutettavuusseloste", "tietosuojaseloste.html": "Tietosuojaseloste"}
    assert {"saavutettavuusseloste.md", "tietosuojaseloste.md"} <= set(files.pages)


def test_public_privacy_notice_says_it_holds_no_personal_data() -> None:
    environment = make_environment(SHIPPED_TEMPLATES)
    public = render_site(toolbox_of(MINIMAL), SiteSettings(audience="public"), environment).pages["tietosuojaseloste.md"]
    internal = render_site(toolbox_of(MINIMAL), SiteSettings(), environment).pages["tietosuojaseloste.md"]
    assert "julkinen versio, eikä se sisällä yhteyshenkilöiden henkilötietoja" in public
    assert "<li>nimi ja tehtävänimike</li>" in internal and "<li>nimi ja tehtävänimike</li>" not in public
    assert "tietosuoja@testi.example" in public


def test_home_page_of_the_public_build_counts_no_partners_per_tier() -> None:
    pages = render_site(toolbox_of(MINIMAL), SiteSettings(audience="public"), make_environment(SHIPPED_TEMPLATES)).pages
    assert "kumppania" not in pages["index.md"]
