"""The validated toolbox as immutable values. No I/O and no formatting here.

Text fields hold Markdown exactly as written; renderers turn it into safe HTML through partnerkit.markup,
so the site and the Moodle packages show the same sanitised result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Link:
    """A link to a web address (url) or to an attachment under content/files/ (file); exactly one is set."""

    title: str
    url: str
    file: str = ""  # path relative to content/files/, checked to stay inside it


@dataclass(frozen=True)
class Concept:
    """A key concept of the toolbox and its definition."""

    id: str
    term: str
    definition: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Tier:
    """A partnership tier of the Parasta model (or the group of other networks)."""

    id: str
    title: str
    motto: str
    definition: str
    focus_points: tuple[str, ...]
    transitions: str
    source: str
    value_title: str = ""  # the institution's value for the tier ("Palveleva arjen kumppani"), or ""

    @property
    def heading(self) -> str:
        """The tier's title where it heads a section (site pages and navigation, Moodle section): its value title if any."""
        return self.value_title or self.title


@dataclass(frozen=True)
class FieldOfWork:
    """One field (toimiala) of the institution's vocabulary; partners refer to it by id."""

    id: str
    name: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class FieldGroup:
    """A group of related fields: what the partner tables filter by, and the words search knows it by."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    fields: tuple[FieldOfWork, ...]

    @property
    def search_terms(self) -> tuple[str, ...]:
        """Every word staff may use for this group: its name, its synonyms and its fields' names and synonyms."""
        words = [self.name, *self.synonyms]
        for entry in self.fields:
            words.extend((entry.name, *entry.synonyms))
        return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class Cooperation:
    """What the institution does with a partner at one tier, and who handles it."""

    tier: str
    description: str
    contacts: tuple[str, ...]
    deputy: str = ""  # a contact id standing in for the contacts
    team: str = ""  # a team id: the cooperation is the team's, with or without named contacts


@dataclass(frozen=True)
class PartnerContact:
    """A person on the partner's side. Personal data of someone outside the institution: staff profile only."""

    name: str
    role: str
    email: str
    phone: str


@dataclass(frozen=True)
class Agreement:
    """A written agreement with a partner; staff profile only (its attachment too)."""

    kind: str
    signed: date | None
    valid_until: date | None
    owner: str  # a contact id, or ""
    attachment: str  # path relative to content/files/, or ""


@dataclass(frozen=True)
class Partner:
    """A partner organisation; one record however many tiers it works at."""

    id: str
    name: str
    type: str
    field: str
    website: str
    review_date: date
    publishable: bool
    notes: str
    cooperations: tuple[Cooperation, ...]
    source: str
    # The relationship (all optional in content; see schema.PARTNER for their meaning).
    business_id: str = ""
    status: str = "active"  # prospect, active or ended (schema.PARTNER_STATUSES)
    size: str = ""
    partner_contacts: tuple[PartnerContact, ...] = ()
    agreement: Agreement | None = None
    last_contact: date | None = None
    next_contact: date | None = None
    contact_rhythm_months: int | None = None
    # The field group of the partner's field ("" when the toolbox has no field vocabulary); field holds the
    # field's display name either way.
    field_group: str = ""

    @property
    def contact_ids(self) -> tuple[str, ...]:
        """Every contact person working with this partner (contacts, then deputies), each once, in order."""
        people = [c for coop in self.cooperations for c in coop.contacts]
        people.extend(coop.deputy for coop in self.cooperations if coop.deputy)
        return tuple(dict.fromkeys(people))

    @property
    def team_ids(self) -> tuple[str, ...]:
        """Every team that owns a cooperation with this partner, each once, in order of appearance."""
        return tuple(dict.fromkeys(coop.team for coop in self.cooperations if coop.team))


@dataclass(frozen=True)
class Method:
    """A method, tool, template, checklist or event used with partners."""

    id: str
    title: str
    kind: str
    summary: str
    body: str
    tiers: tuple[str, ...]
    links: tuple[Link, ...]
    owner: str
    source: str


@dataclass(frozen=True)
class Guide:
    """An instruction or guide that belongs to no single tier."""

    id: str
    title: str
    summary: str
    body: str
    order: int
    links: tuple[Link, ...]
    owner: str
    source: str
    staff_only: bool  # left out of the public profile


@dataclass(frozen=True)
class Contact:
    """A member of staff who handles partnerships. Personal data."""

    id: str
    name: str
    title: str
    email: str
    phone: str
    team: str
    source: str


@dataclass(frozen=True)
class Team:
    """A team or working group of the institution."""

    id: str
    name: str
    description: str
    email: str
    lead: str
    source: str


@dataclass(frozen=True)
class Service:
    """What the institution offers working life: for whom, what it gives, how to start and where to ask.

    The contact is a shared address (a team's or a service desk's), never a person's: services are public.
    """

    id: str
    title: str
    summary: str
    for_whom: str
    benefits: str
    how_to_start: str
    fields: tuple[str, ...]  # the fields it is meant for; () means every field
    contact_team: str  # a team id whose shared address is the channel, or ""
    contact_email: str  # the channel itself when no team is named (validated: never a contact person's address)
    tiers: tuple[str, ...]  # staff only: the tiers whose partners it suits
    methods: tuple[str, ...]  # staff only: method ids it is carried out with
    order: int
    source: str


@dataclass(frozen=True)
class Goal:
    """What a team wants to reach at one tier during the plan's year."""

    tier: str
    text: str


@dataclass(frozen=True)
class Evaluation:
    """How an action went: when it was evaluated, what was learned, and whether it continues, changes or stops."""

    date: date
    learned: str
    decision: str  # schema.EVALUATION_DECISIONS


@dataclass(frozen=True)
class Action:
    """One action of an annual plan. Timing is months of the plan's year, or a start day (and an end day)."""

    id: str
    title: str
    description: str
    tier: str
    months: tuple[int, ...]  # sorted, each once; empty when start is given
    start: date | None
    end: date | None
    methods: tuple[str, ...]
    partners: tuple[str, ...]
    people: tuple[str, ...]  # contact ids: personal data, staff profile only
    status: str  # schema.ACTION_STATUSES
    evaluation: Evaluation | None
    public: bool  # an open event the public profile may show (without people)

    @property
    def active_months(self) -> tuple[int, ...]:
        """Return the months (1-12) the action takes place in, in order."""
        if self.start is None:
            return self.months
        last = self.end or self.start
        return tuple(range(self.start.month, last.month + 1))

    def last_day(self, year: int) -> date:
        """Return the action's last day in the plan's year (the last day of its last month for month timing)."""
        if self.start is not None:
            return self.end or self.start
        month = self.months[-1] if self.months else 12
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return date.fromordinal(following.toordinal() - 1)


@dataclass(frozen=True)
class Plan:
    """A team's annual plan: goals per tier and actions, for one calendar year."""

    team: str
    year: int
    spring_review: date  # done actions without an evaluation are findings after this day
    goals: tuple[Goal, ...]
    actions: tuple[Action, ...]
    source: str

    @property
    def key(self) -> str:
        """Return the plan's stable name, <team>-<year>: its page and calendar feed are named after it."""
        return f"{self.team}-{self.year}"


@dataclass(frozen=True)
class FieldContact:
    """One field and its shared contact channel on the public home page (a team id or an address)."""

    field: str
    team: str
    email: str


@dataclass(frozen=True)
class PublicHome:
    """The public home page's own texts for companies (toolbox.yaml public:), not the staff introduction."""

    title: str
    introduction: str
    benefits: tuple[str, ...]
    how_to_start: str
    contact_team: str
    contact_email: str
    field_contacts: tuple[FieldContact, ...]
    references_intro: str


@dataclass(frozen=True)
class AccessibilityStatement:
    """What the accessibility statement says (Act 306/2019): conformance, known gaps, feedback and supervision."""

    status: str
    assessment: str
    non_conformities: tuple[str, ...]
    published: date
    reviewed: date
    feedback_email: str
    feedback_url: str
    authority_name: str
    authority_url: str
    authority_email: str
    authority_phone: str


@dataclass(frozen=True)
class PrivacyNotice:
    """What the privacy notice says about the contact persons' personal data."""

    controller: str
    controller_address: str
    contact_email: str
    dpo_email: str
    purpose: str
    legal_basis: str
    retention: str
    sources: str
    reviewed: date


@dataclass(frozen=True)
class Toolbox:
    """The whole validated toolbox. Collections are sorted by id; tiers are in the model's fixed order."""

    institution: str
    title: str
    introduction: str
    how_to_use: str
    guides_intro: str
    concepts: tuple[Concept, ...]
    tiers: tuple[Tier, ...]
    partners: tuple[Partner, ...]
    methods: tuple[Method, ...]
    guides: tuple[Guide, ...]
    contacts: tuple[Contact, ...]
    teams: tuple[Team, ...]
    source: str
    accessibility: AccessibilityStatement
    privacy: PrivacyNotice
    # Partners reviewed longer ago than this appear in the staff-only review report (toolbox.yaml; its default
    # is schema.TOOLBOX's).
    review_after_months: int
    # An address pattern with {business_id} or {id} linking each partner to its CRM record; "" for none.
    crm_url: str = ""
    # Groups of words that mean the same in search (toolbox.yaml synonyms), each as written.
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Annual plans, sorted by team and year (staff profile; the public profile keeps only public actions).
    plans: tuple[Plan, ...] = ()
    # The field vocabulary (content/fields.yaml) in its own order; empty when the toolbox has none.
    field_groups: tuple[FieldGroup, ...] = ()

    # Where the staff site's "Ehdota muutosta" e-mails go when the repository is on no known host; "" for none.
    owner_email: str = ""
    # What the institution offers working life, sorted by (order, title, id); the public home is built from them.
    services: tuple[Service, ...] = ()
    # The public home page's texts (None: the public home shows the services and the partners only).
    public: PublicHome | None = None
    # Address prefixes of the institution's staff-only systems: links to them are left out of public outputs.
    internal_addresses: tuple[str, ...] = ()
    # Address prefixes whose links this view leaves out of rendered text: the public view's internal addresses,
    # nothing in the staff's (audience.view_for decides; renderers only apply it).
    hidden_addresses: tuple[str, ...] = ()

    def field_group(self, group_id: str) -> FieldGroup:
        """Return the field group with the given id."""
        for group in self.field_groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)
    # Moodle course settings (toolbox.yaml): force the course language to the toolbox's own (Finnish), and
    # which course completion criteria the course carries (schema.MOODLE_COMPLETIONS).
    moodle_course_language: bool = False
    moodle_completion: str = "none"

    def tier(self, tier_id: str) -> Tier:
        """Return the tier with the given id."""
        for tier in self.tiers:
            if tier.id == tier_id:
                return tier
        raise KeyError(tier_id)
