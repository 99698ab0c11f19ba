"""What each build profile may show, decided once before rendering.

The pipeline makes the profile's view of the toolbox here, once, and every renderer (site pages, search index,
Moodle packages) receives only that view and the profile's switches: personal data and internal
classifications that the profile excludes are absent from the data itself, not hidden afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .changes import History
from .model import Cooperation, Guide, Link, Partner, Plan, Toolbox


@dataclass(frozen=True)
class Profile:
    """A build profile, resolved: renderers read these switches, never the profile's name."""

    name: str  # names the Moodle course backup file, and nothing else
    people: bool  # contact persons by name with their own pages (else their teams stand in for them)
    tiers: bool  # each partner's tier classification and the partner lists by tier
    staff_only: bool  # for the institution's staff: the review report, no search engines, no "public" label


INTERNAL = Profile("internal", people=True, tiers=True, staff_only=True)
PUBLIC = Profile("public", people=False, tiers=False, staff_only=False)
PROFILES = {profile.name: profile for profile in (INTERNAL, PUBLIC)}


def view_for(toolbox: Toolbox, profile: Profile) -> Toolbox:
    """Return the toolbox as the profile may see it: the staff profile gets everything."""
    return toolbox if profile.staff_only else _public_view(toolbox)


def history_for(history: History | None, profile: Profile, current: Toolbox) -> History | None:
    """Return the previous release as the profile may see it, so both sides of the changes page match.

    current is the profile's view of today's toolbox. The public profile keeps only the previous partners it can
    see today: a partner since switched to unpublished (or deleted) is then neither "removed" nor named anywhere.
    """
    if history is None or history.previous is None:
        return history
    previous = view_for(history.previous, profile)
    if not profile.staff_only:
        shown = {partner.id for partner in current.partners}
        previous = replace(previous, partners=tuple(p for p in previous.partners if p.id in shown))
    return replace(history, previous=previous)


def is_internal_address(url: str, prefixes: tuple[str, ...]) -> bool:
    """Return True when url starts with one of the institution's internal address prefixes (case-insensitive)."""
    lowered = url.strip().lower()
    return any(lowered.startswith(prefix.lower()) for prefix in prefixes)


def is_public_partner(partner: Partner) -> bool:
    """Return True when the public profile shows the partner: published, and the cooperation neither planned nor ended."""
    return partner.publishable and partner.status == "active"


def is_public_guide(guide: Guide) -> bool:
    """Return True when the public profile shows the guide (not one for staff only)."""
    return not guide.staff_only


def _public_view(toolbox: Toolbox) -> Toolbox:
    # Public: no contact persons (teams and their shared addresses stand in for them), no tier of any partner
    # (the tiers are the institution's own working tool, not a ranking), only publishable active partners (a
    # prospect has agreed to nothing yet, an ended cooperation is no longer one), no notes, and nothing of how the
    # relationship is managed: the partner's own people, the agreement, contact dates, business ID, size.
    team_of = {contact.id: contact.team for contact in toolbox.contacts}
    partners = tuple(
        replace(
            partner,
            notes="",
            cooperations=tuple(
                Cooperation(tier="", description=coop.description,
                            contacts=tuple(dict.fromkeys([*(team_of[c] for c in coop.contacts),
                                                          *([coop.team] if coop.team else [])])))
                for coop in partner.cooperations
            ),
            business_id="",
            size="",
            partner_contacts=(),
            agreement=None,
            last_contact=None,
            next_contact=None,
            contact_rhythm_months=None,
        )
        for partner in toolbox.partners
        if is_public_partner(partner)
    )
    # Links into the institution's staff-only systems (toolbox.yaml internal_addresses) lead nowhere for the public.
    def public_links(links: tuple[Link, ...]) -> tuple[Link, ...]:
        return tuple(link for link in links if not is_internal_address(link.url, toolbox.internal_addresses))

    # The staff introduction and its how-to are for staff; the public reads the public home's own texts.
    public = toolbox.public
    return replace(
        toolbox,
        introduction=public.introduction if public is not None else "",
        how_to_use=public.how_to_start if public is not None else "",
        partners=partners,
        contacts=(),
        methods=tuple(replace(method, owner="", links=public_links(method.links)) for method in toolbox.methods),
        guides=tuple(replace(guide, owner="", links=public_links(guide.links)) for guide in toolbox.guides
                     if is_public_guide(guide)),
        teams=tuple(replace(team, lead="") for team in toolbox.teams),
        crm_url="",
        owner_email="",
        hidden_addresses=toolbox.internal_addresses,
        # A service's tiers and methods answer the staff's "what can we offer this partner", not a company's.
        services=tuple(replace(service, tiers=(), methods=()) for service in toolbox.services),
        plans=_public_plans(toolbox, {partner.id for partner in partners}),
    )


def _public_plans(toolbox: Toolbox, shown_partners: set[str]) -> tuple[Plan, ...]:
    # Plans are the teams' internal work: the public sees only open events (actions marked public), without the
    # goals, the people responsible, the evaluation or any partner it may not see.
    plans = []
    for plan in toolbox.plans:
        actions = tuple(
            replace(action, people=(), evaluation=None,
                    partners=tuple(p for p in action.partners if p in shown_partners))
            for action in plan.actions if action.public and action.status != "cancelled"
        )
        if actions:
            plans.append(replace(plan, goals=(), actions=actions))
    return tuple(plans)

