"""Value titles (tiers.yaml value_title) head the tier's section on the site and in the Moodle course."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from partnerkit.audience import INTERNAL, PUBLIC, view_for
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from partnerkit.render.moodle import plan_course
from partnerkit.render.site import SiteSettings, build_nav
from tests.conftest import site_for, toolbox_of

INTERNAL_TOOL = "Se ei ole kumppanien paremmuusjärjestys, eikä sitä kerrota kumppaneille."


def _with_value_title(project: Callable[..., Path]) -> Path:
    root = project()
    tiers = root / "content/tiers.yaml"
    text = tiers.read_text(encoding="utf-8")
    first = text.index("    title: ")
    end = text.index("\n", first) + 1
    tiers.write_text(text[:end] + "    value_title: Palveleva arjen kumppani\n" + text[end:], encoding="utf-8")
    return root


def test_value_title_heads_the_tier_on_the_site_and_in_moodle(project: Callable[..., Path]) -> None:
    toolbox = toolbox_of(_with_value_title(project))
    tier = toolbox.tiers[0]
    assert (tier.value_title, tier.heading) == ("Palveleva arjen kumppani", "Palveleva arjen kumppani")
    assert toolbox.tiers[1].heading == toolbox.tiers[1].title  # no value title: the tier's name
    env = make_environment(SHIPPED_TEMPLATES)
    pages = site_for(toolbox, "internal", env).pages
    page = pages["tasot/arki.md"]
    assert "# Palveleva arjen kumppani\n" in page
    assert f'<p class="pk-tier-name">Taso: {tier.title}</p>' in page
    assert {"1. Palveleva arjen kumppani": "tasot/arki.md"} in build_nav(toolbox, SiteSettings(profile=INTERNAL))
    course = plan_course(view_for(toolbox, INTERNAL), INTERNAL, env)
    assert [s.name for s in course.sections][1:3] == ["Palveleva arjen kumppani", toolbox.tiers[1].title]


def test_staff_pages_say_the_tiers_are_an_internal_tool(project: Callable[..., Path]) -> None:
    toolbox = toolbox_of(project())
    env = make_environment(SHIPPED_TEMPLATES)
    staff = site_for(toolbox, "internal", env).pages
    for tier in toolbox.tiers:
        assert INTERNAL_TOOL in staff[f"tasot/{tier.id}.md"]
    assert INTERNAL_TOOL in staff["index.md"] and "ei myöskään ole asiakkuudenhallintajärjestelmä" in staff["index.md"]
    public = site_for(toolbox, "public", env).pages
    assert not any(INTERNAL_TOOL in text for text in public.values())


def test_concept_aliases_are_not_shown_as_lines(project: Callable[..., Path]) -> None:
    toolbox = toolbox_of(project())
    assert any(concept.aliases for concept in toolbox.concepts)
    page = site_for(toolbox, "internal", make_environment(SHIPPED_TEMPLATES)).pages["index.md"]
    assert "Myös:" not in page
