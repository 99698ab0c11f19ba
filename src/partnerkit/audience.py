"""What each build profile may show, decided once before rendering.

Every renderer (site pages, search index, Moodle packages) receives the view made here, so personal data and
internal classifications that the profile excludes are absent from the data itself, not hidden afterwards.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Cooperation, Toolbox

AUDIENCES = ("internal", "public")


def view_for(toolbox: Toolbox, audience: str) -> Toolbox:
    """Return the toolbox as the given audience may see it: internal gets everything."""
    if audience == "internal":
        return toolbox
    if audience != "public":
        raise ValueError(f"unknown audience {audience!r}")
    return _public_view(toolbox)


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

