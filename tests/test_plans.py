"""Annual plans: one test per plan rule with the exact message (Finnish and English), the model and the review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from partnerkit.review import review_toolbox
from tests.conftest import problems_of, toolbox_of

PLAN = """team: ravintola
year: 2026
goals:
  - tier: arki
    text: Uusia työpaikkaohjaajia.
actions:
  - id: syystapaaminen
    title: Syystapaaminen
    tier: arki
    months: [9, 10]
    methods: [tyopaikkakaynti]
    partners: [alfa-oy]
    people: [maija-malli]
    status: done
"""


def plan_with(action: str, header: str = "team: ravintola\nyear: 2026\n") -> str:
    """Return a plan whose only action has the given lines (the action's own lines start on line 5)."""
    return header + "actions:\n  - id: toiminto\n    title: Toiminto\n    tier: arki\n" + action


CASES = [
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    start: 2025-12-31\n")},
        ["content/plans/ravintola-2026.yaml:7:12: actions[1].start: päivä 2025-12-31 ei ole suunnitelman vuonna 2026. "
         "Korjaa päivämäärä tai siirrä toiminto sen vuoden suunnitelmaan."],
        id="plan_date_outside_year",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    start: 2026-10-09\n    end: 2026-10-08\n")},
        ["content/plans/ravintola-2026.yaml:8:10: actions[1].end: päättymispäivä 2026-10-08 on ennen alkamispäivää "
         "2026-10-09. Korjaa jompikumpi päivä."],
        id="plan_dates_order",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    months: [10]\n    end: 2026-10-08\n")},
        ["content/plans/ravintola-2026.yaml:8:10: actions[1].end: päättymispäivä ilman alkamispäivää. Lisää start (ja "
         "poista months) tai poista end."],
        id="plan_end_without_start",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": PLAN, "plans/ravintola-2026-b.yaml": PLAN},
        ["content/plans/ravintola-2026.yaml:2:7: year: tiimillä ravintola on jo suunnitelma vuodelle 2026 tiedostossa "
         "content/plans/ravintola-2026-b.yaml. Yhdistä suunnitelmat yhteen tiedostoon."],
        id="duplicate_plan",
    ),
    pytest.param(
        {"plans/keittio-2026.yaml": PLAN.replace("team: ravintola", "team: keittio")},
        ["content/plans/keittio-2026.yaml:1:7: team: tuntematon tiimi 'keittio'. Tarkista tunniste tai lisää puuttuva "
         "tiedosto kansioon content/teams/."],
        id="unknown_ref-plan-team",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": PLAN.replace("[alfa-oy]", "[alfa-oyj]").replace("[tyopaikkakaynti]",
                                                                                      "[tyopaikkakaynnit]")},
        ["content/plans/ravintola-2026.yaml:11:15: actions[1].methods[1]: tuntematon menetelmä 'tyopaikkakaynnit'. "
         "Tarkoititko 'tyopaikkakaynti'? Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/methods/.",
         "content/plans/ravintola-2026.yaml:12:16: actions[1].partners[1]: tuntematon kumppani 'alfa-oyj'. Tarkoititko "
         "'alfa-oy'? Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/partners/."],
        id="unknown_ref-plan-method-partner",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": PLAN.replace("[maija-malli]", "[maija-mallikas]")},
        ["content/plans/ravintola-2026.yaml:13:14: actions[1].people[1]: tuntematon yhteyshenkilö 'maija-mallikas'. "
         "Tarkoititko 'maija-malli'? Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/contacts/."],
        id="unknown_ref-plan-person",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    start: 2026-02-30\n")},
        ["content/plans/ravintola-2026.yaml:7:12: actions[1].start: päivää 2026-02-30 ei ole olemassa. Tarkista "
         "kuukausi ja päivä."],
        id="no_such_date-plan",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": PLAN + PLAN[PLAN.index("  - id: syystapaaminen"):]},
        ["content/plans/ravintola-2026.yaml:15:5: actions[2]: 'syystapaaminen' on luettelossa kahdesti. Poista "
         "toinen."],
        id="duplicate_item-plan-action",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    months: [13]\n")},
        ["content/plans/ravintola-2026.yaml:7:14: actions[1].months[1]: 13 on liian suuri. Suurin sallittu arvo on 12."],
        id="too_large-month",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    months: [3]\n    status: valmis\n")},
        ["content/plans/ravintola-2026.yaml:8:13: actions[1].status: 'valmis' ei ole sallittu arvo. Sallitut arvot: "
         "planned, under_way, done, cancelled."],
        id="bad_choice-status",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_plan_rule_reports_exact_message(project: Callable[..., Path], changes: dict, expected: list[str]) -> None:
    assert problems_of(project(changes)) == expected


ENGLISH_CASES = [
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    start: 2027-01-04\n")},
        ["content/plans/ravintola-2026.yaml:7:12: actions[1].start: the date 2027-01-04 is not in the plan's year 2026. "
         "Correct the date or move the action to that year's plan."],
        id="plan_date_outside_year",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    start: 2026-10-09\n    end: 2026-10-08\n")},
        ["content/plans/ravintola-2026.yaml:8:10: actions[1].end: the end date 2026-10-08 is before the start date "
         "2026-10-09. Correct one of the dates."],
        id="plan_dates_order",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    end: 2026-10-08\n    months: [10]\n")},
        ["content/plans/ravintola-2026.yaml:7:10: actions[1].end: an end date without a start date. Add start (and "
         "remove months) or remove end."],
        id="plan_end_without_start",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": PLAN, "plans/ravintola-vuosi.yaml": PLAN},
        ["content/plans/ravintola-vuosi.yaml:2:7: year: team ravintola already has a plan for 2026 in "
         "content/plans/ravintola-2026.yaml. Merge the plans into one file."],
        id="duplicate_plan",
    ),
    pytest.param(
        {"plans/ravintola-2026.yaml": plan_with("    months: [3]\n", "team: ravintola\nyear: 2026\n"
                                                "spring_review: 2025-05-31\n")},
        ["content/plans/ravintola-2026.yaml:3:16: spring_review: the date 2025-05-31 is not in the plan's year 2026. "
         "Correct the date or move the action to that year's plan."],
        id="plan_date_outside_year-spring-review",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), ENGLISH_CASES)
def test_plan_rule_reports_exact_message_in_english(project: Callable[..., Path], changes: dict,
                                                    expected: list[str]) -> None:
    assert problems_of(project(changes), "en") == expected


def test_a_plan_becomes_the_model(project: Callable[..., Path]) -> None:
    toolbox = toolbox_of(project({"plans/ravintola-2026.yaml": PLAN}))
    (plan,) = toolbox.plans
    assert (plan.key, plan.spring_review, plan.goals[0].tier) == ("ravintola-2026", date(2026, 5, 31), "arki")
    (action,) = plan.actions
    assert (action.active_months, action.last_day(2026), action.status, action.evaluation) == (
        (9, 10), date(2026, 10, 31), "done", None)
    assert (action.methods, action.partners, action.people, action.public) == (
        ("tyopaikkakaynti",), ("alfa-oy",), ("maija-malli",), False)


def test_a_toolbox_without_plans_folder_is_complete(project: Callable[..., Path]) -> None:
    root = project()
    assert not (root / "content" / "plans").exists()
    assert problems_of(root) == [] and toolbox_of(root).plans == ()


def test_review_finds_overdue_unevaluated_and_missing_plans(project: Callable[..., Path]) -> None:
    plan = PLAN + ("  - id: kevat\n    title: Kevät\n    tier: arki\n    start: 2026-03-02\n    status: under_way\n"
                   "  - id: joulu\n    title: Joulu\n    tier: arki\n    months: [12]\n"
                   "  - id: arvioitu\n    title: Arvioitu\n    tier: arki\n    months: [2]\n    status: done\n"
                   "    evaluation:\n      date: 2026-05-04\n      learned: Hyvä.\n      decision: continue\n")
    toolbox = toolbox_of(project({"plans/ravintola-2026.yaml": plan}))
    before = review_toolbox(toolbox, date(2026, 5, 31), "git")
    assert [a.id for _, a in before.overdue_actions] == ["kevat"]
    assert before.unevaluated_actions == ()  # the spring review day itself has not passed
    after = review_toolbox(toolbox, date(2026, 11, 2), "git")
    assert [a.id for _, a in after.overdue_actions] == ["kevat"]
    assert [a.id for _, a in after.unevaluated_actions] == ["syystapaaminen"]
    assert (after.coming_year, [t.id for t in after.teams_without_plan]) == (2027, ["ravintola"])
    assert [a.id for _, a in review_toolbox(toolbox, date(2027, 1, 1), "git").overdue_actions] == ["kevat", "joulu"]


def test_a_plan_too_large_to_read_is_refused_with_its_place(project: Callable[..., Path]) -> None:
    action = "  - {id: t%d, title: Toiminto, tier: arki, months: [1], status: planned}\n"
    huge = "team: ravintola\nyear: 2026\nactions:\n" + "".join(action % n for n in range(10000))
    (problem,) = problems_of(project({"plans/ravintola-2026.yaml": huge}))
    assert problem.startswith("content/plans/ravintola-2026.yaml:1:1: ")


def test_the_public_view_keeps_only_open_events_without_people(project: Callable[..., Path]) -> None:
    from partnerkit.audience import PUBLIC, view_for

    plan = PLAN + ("  - id: avoin\n    title: Avoin\n    tier: arki\n    months: [5]\n    public: true\n"
                   "    partners: [alfa-oy, gamma]\n    people: [maija-malli]\n")
    view = view_for(toolbox_of(project({"plans/ravintola-2026.yaml": plan})), PUBLIC)
    (public,) = view.plans
    (action,) = public.actions
    shown = {p.id for p in view.partners}
    assert (public.goals, action.id, action.people, action.evaluation) == ((), "avoin", (), None)
    assert set(action.partners) <= shown


def test_new_plan_is_named_after_team_and_year_and_checks(project: Callable[..., Path]) -> None:
    from partnerkit.load import load_content
    from partnerkit.scaffold import PLACEHOLDER_GOAL, problems_in_new_file, render_record

    root = project()
    new = render_record("plan", {"team": "ravintola", "year": "2027", "tier": ["arki"]}, date(2026, 12, 5))
    assert new.path == "content/plans/ravintola-2027.yaml"
    assert new.text == ("# yaml-language-server: $schema=../../schema/plan.schema.json\nteam: ravintola\nyear: 2027\n"
                        f'goals:\n  - tier: arki\n    text: "{PLACEHOLDER_GOAL}"\n')
    assert problems_in_new_file(load_content(root / "content", root), new, "plan", "fi") == []
    hostile = render_record("plan", {"team": "../../x", "year": "2027"}, date(2026, 12, 5))
    assert hostile.path == "content/plans/x-2027.yaml"
