"""What each build profile may show, decided once before rendering.

Every renderer (site pages, search index, Moodle packages) receives the view made here, so personal data and
internal classifications that the profile excludes are absent from the data itself, not hidden afterwards.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Cooperation, Toolbox

AUDIENCES = ("internal", "public")


def view_for(toolbox: Toolbox, audience: str) -> Toolbox:
    """Return the toolbox as the given audience may see it: internal gets everything; a view given again is kept."""
    if audience == "internal":
        return toolbox
    if audience != "public":
        raise ValueError(f"unknown audience {audience!r}")
    if is_public_view(toolbox):
        return toolbox
    return _public_view(toolbox)


def is_public_view(toolbox: Toolbox) -> bool:
    """Return True when the toolbox already is a public view (no contacts, no cooperation names a tier)."""
    # A validated toolbox always names the tier of every cooperation; only the public view empties them.
    return not toolbox.contacts and all(coop.tier == "" for p in toolbox.partners for coop in p.cooperations)


def _public_view(toolbox: Toolbox) -> Toolbox:
    # Public: no contact persons (teams and their shared addresses stand in for them), no tier of any partner
    # (the tiers are the institution's own working tool, not a ranking), only publishable partners, no notes.
    team_of = {contact.id: contact.team for contact in toolbox.contacts}
    partners = tuple(
        replace(
            partner,
            notes="",
            cooperations=tuple(
                Cooperation(tier="", description=coop.description,
                            contacts=tuple(dict.fromkeys(team_of[c] for c in coop.contacts)))
                for coop in partner.cooperations
            ),
        )
        for partner in toolbox.partners
        if partner.publishable
    )
    return replace(
        toolbox,
        partners=partners,
        contacts=(),
        methods=tuple(replace(method, owner="") for method in toolbox.methods),
        guides=tuple(replace(guide, owner="") for guide in toolbox.guides),
        teams=tuple(replace(team, lead="") for team in toolbox.teams),
    )

