"""What the plan pages need from annual plans: paths, Finnish month names and timing texts, actions by year. Pure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

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


@dataclass(frozen=True)
class YearActions:
    """This year's actions by what they involve: {partner, method or person id: [(plan, action)]}."""

    year: int
    partners: dict[str, list[tuple[Plan, Action]]]
    methods: dict[str, list[tuple[Plan, Action]]]
    people: dict[str, list[tuple[Plan, Action]]]


def actions_involving(plans: tuple[Plan, ...] | list[Plan], year: int) -> YearActions:
    """Return the year's actions by the partners, methods and people they involve, each list by team, then plan order."""
    partners: dict[str, list[tuple[Plan, Action]]] = defaultdict(list)
    methods: dict[str, list[tuple[Plan, Action]]] = defaultdict(list)
    people: dict[str, list[tuple[Plan, Action]]] = defaultdict(list)
    for plan in sorted((p for p in plans if p.year == year), key=lambda p: p.team):
        for action in plan.actions:
            for found, ids in ((partners, action.partners), (methods, action.methods), (people, action.people)):
                for item in dict.fromkeys(ids):
                    found[item].append((plan, action))
    return YearActions(year, dict(partners), dict(methods), dict(people))


def count_states(rows: list[tuple[str, Action]]) -> dict[str, dict[str, int]]:
    """Return {group: {state: number of actions}} of (group, action) rows: planned, under way, done, evaluated.

    Evaluated counts the actions with an evaluation whatever their state; cancelled actions count in none.
    """
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for group, action in rows:
        found = counts[group]
        for state in ((action.status,) if action.status != "cancelled" else ()) + (
                ("evaluated",) if action.evaluation is not None else ()):
            found[state] = found.get(state, 0) + 1
    return dict(counts)
