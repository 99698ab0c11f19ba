"""What the plan pages need from annual plans: paths, Finnish month names and timing texts, actions by year. Pure."""

from __future__ import annotations

from ..model import Action, Plan, Toolbox

PLANS_FOLDER = "suunnitelmat"
PLANS_INDEX = f"{PLANS_FOLDER}/index.md"
MONTHS = ("tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu", "syyskuu",
          "lokakuu", "marraskuu", "joulukuu")
STATUS_TEXTS = {"planned": "Suunniteltu", "under_way": "Käynnissä", "done": "Tehty", "cancelled": "Peruttu"}
DECISION_TEXTS = {"continue": "jatketaan", "change": "muutetaan", "stop": "lopetetaan"}


def plan_path(plan: Plan) -> str:
    """Return the docs path of a team's plan page for its year."""
    return f"{PLANS_FOLDER}/{plan.team}-{plan.year}.md"


def year_path(year: int) -> str:
    """Return the docs path of the institution's year view."""
    return f"{PLANS_FOLDER}/{year}.md"


def timing_text(action: Action) -> str:
    """Return when the action takes place in Finnish: month names, a day (8.10.2026) or a range of days."""
    if action.start is None:
        return ", ".join(MONTHS[month - 1] for month in action.months)
    first = f"{action.start.day}.{action.start.month}.{action.start.year}"
    if action.end is None or action.end == action.start:
        return first
    return f"{first}–{action.end.day}.{action.end.month}.{action.end.year}"


def plan_years(toolbox: Toolbox) -> tuple[int, ...]:
    """Return every year some plan covers, in order."""
    return tuple(sorted({plan.year for plan in toolbox.plans}))


def actions_by_month(plans: tuple[Plan, ...] | list[Plan]) -> list[tuple[int, list[tuple[Plan, Action]]]]:
    """Return (month, [(plan, action)]) for the twelve months, each month's actions by team, then plan order."""
    months: list[tuple[int, list[tuple[Plan, Action]]]] = [(month, []) for month in range(1, 13)]
    for plan in sorted(plans, key=lambda p: p.team):
        for action in plan.actions:
            for month in action.active_months:
                months[month - 1][1].append((plan, action))
    return months
