"""Write a synthetic, valid toolbox project of N partners for benchmarks and scale tests.

    python bench/generate.py 20000 [--seed 1] [--out bench/out/n20000] [--actions 60]

The project gets content/ (N partners, 300 methods and tools, 2,000 contact persons, 100 teams, a few guides,
and from the command line an annual plan of 60 actions per team) and the repository's mkdocs.yml, so
`partnerkit --root OUT build` works on it. The same N and seed always give byte-identical files. toolbox.yaml and
tiers.yaml are the bundled sample institution's own. The plans come from their own random source, so the rest of
the project is the same with or without them (--actions 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from prose import Prose

REPO = Path(__file__).resolve().parents[1]
MARKER = ".partnerkit-bench"
METHODS = 300
CONTACTS = 2000
TEAMS = 100
GUIDES = 8
ACTIONS = 60  # per team's annual plan, from the command line (the scale: 100 teams x 60 actions)
PLAN_YEAR = 2026
TIERS = ("arki", "kehittaminen", "strateginen", "verkostot", "muut")

# Word stock for Finnish-looking names: (nominative, genitive) so that "Kuusiniemen Konepaja" reads right.
_FIRST_PARTS = (
    "Järvi", "Koski", "Mäki", "Lahti", "Niemi", "Salo", "Harju", "Kangas", "Vaara", "Rinne", "Ranta", "Laakso",
    "Kallio", "Pelto", "Virta", "Saari", "Metsä", "Kivi", "Lehto", "Suo", "Kuusi", "Koivu", "Haapa", "Leppä",
    "Tammi", "Paju", "Kaisla", "Honka", "Vuori", "Aalto", "Hieta", "Korpi", "Sammal", "Kataja", "Raita",
    "Pihlaja", "Lumi", "Tuuli", "Kaarna", "Kotka", "Joutsen", "Kurki", "Hirvi", "Karhu", "Ilves", "Sulka",
)
_LAST_PARTS = (
    ("lahti", "lahden"), ("niemi", "niemen"), ("mäki", "mäen"), ("salo", "salon"), ("ranta", "rannan"),
    ("koski", "kosken"), ("vaara", "vaaran"), ("harju", "harjun"), ("järvi", "järven"), ("puro", "puron"),
    ("saari", "saaren"), ("kylä", "kylän"), ("kangas", "kankaan"), ("laakso", "laakson"), ("virta", "virran"),
    ("selkä", "selän"), ("lampi", "lammen"), ("korpi", "korven"), ("aho", "ahon"), ("pelto", "pellon"),
    ("luoto", "luodon"), ("rinne", "rinteen"), ("vuori", "vuoren"), ("suo", "suon"), ("lehto", "lehdon"),
)
_SURNAME_ENDINGS = (("nen", "sen"), ("la", "lan"), ("lä", "län"), ("mo", "mon"), ("ja", "jan"))
_FIRST_NAMES = (
    "Aino", "Anna", "Anni", "Antti", "Eero", "Elina", "Emilia", "Heikki", "Helmi", "Henna", "Iida", "Ilkka",
    "Jaana", "Janne", "Jari", "Joonas", "Juha", "Jukka", "Kaisa", "Kalle", "Katja", "Kirsi", "Lauri", "Leena",
    "Liisa", "Marja", "Markku", "Matti", "Merja", "Mika", "Mikko", "Minna", "Niina", "Noora", "Olli", "Oona",
    "Outi", "Paula", "Pekka", "Petri", "Pirjo", "Riikka", "Risto", "Saara", "Sami", "Sanna", "Sari", "Satu",
    "Seppo", "Suvi", "Taina", "Teemu", "Tiina", "Timo", "Tuomas", "Tuula", "Ulla", "Veera", "Ville", "Virpi",
)

# Fields (toimialat) with the business words that name a workplace of that field, and the team area.
_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Ravintola-ala", ("Ravintola", "Lounasravintola", "Kahvila", "Pitopalvelu")),
    ("Majoitusala", ("Hotelli", "Kylpylä", "Lomakeskus", "Matkustajakoti")),
    ("Rakennusala", ("Rakennus", "Rakennuspalvelu", "Kattotyö", "Remontti")),
    ("Sähkö- ja automaatioala", ("Sähköasennus", "Sähkötyö", "Automaatio")),
    ("Logistiikka", ("Kuljetus", "Kuljetusliike", "Logistiikka", "Varastopalvelu")),
    ("Kone- ja tuotantotekniikka", ("Konepaja", "Metallityö", "Hitsaamo", "Teräsrakenne")),
    ("Autoala", ("Autokorjaamo", "Autohuolto", "Rengaspalvelu", "Autokauppa")),
    ("Kauppa", ("Kauppa", "Kukkakauppa", "Rautakauppa", "Kodintekniikka")),
    ("Liiketalous", ("Tilitoimisto", "Kirjanpito", "Isännöinti")),
    ("Sosiaali- ja terveysala", ("Hoivakoti", "Kotipalvelu", "Palvelutalo", "Fysioterapia")),
    ("Varhaiskasvatus", ("Päiväkoti", "Perhepäiväkoti", "Leikkikoulu")),
    ("Hius- ja kauneudenhoitoala", ("Kampaamo", "Parturi", "Kauneushoitola")),
    ("Puhdistuspalvelut", ("Siivouspalvelu", "Pesula", "Kiinteistöhuolto")),
    ("Maatalousala", ("Maatila", "Tila", "Karjatila", "Puutarha")),
    ("Metsäala", ("Metsäpalvelu", "Puunkorjuu", "Taimitarha")),
    ("Elintarvikeala", ("Leipomo", "Meijeri", "Lihajaloste", "Kalajaloste")),
    ("Tieto- ja viestintätekniikka", ("IT-palvelu", "Ohjelmisto", "Verkkopalvelu")),
    ("Media-ala", ("Mainostoimisto", "Kustannus", "Valokuvaamo")),
    ("Puuala", ("Puusepänliike", "Sahaamo", "Huonekalutehdas")),
    ("Matkailuala", ("Matkailu", "Ohjelmapalvelu", "Safarit", "Elämyspalvelu")),
    ("Turvallisuusala", ("Vartiointi", "Turvapalvelu")),
    ("Kiinteistöpalveluala", ("Kiinteistöpalvelu", "Talonmiespalvelu")),
)
_COMPANY_SUFFIXES = ("Oy", "Oy", "Oy", "Ky", "Tmi", "Oy Ab", "& Co Oy")
_PUBLIC_PATTERNS = (
    ("public", "{place_gen} kaupungin {unit}"),
    ("public", "{place_gen} kunnan {unit}"),
    ("association", "{place_gen} {assoc} ry"),
    ("education", "{place_gen} {school}"),
    ("network", "{place_gen} {network}"),
    ("other", "{place_gen} {other}"),
)
_UNITS = ("tilapalvelut", "ateriapalvelut", "varhaiskasvatus", "kotihoito", "nuorisopalvelut", "tekninen toimi",
          "kirjasto", "liikuntapalvelut", "vanhuspalvelut", "työllisyyspalvelut")
_ASSOCIATIONS = ("Yrittäjät", "Martat", "Urheiluseura", "Kyläyhdistys", "Nuorisoseura", "Eläkeläiset",
                 "Mielenterveysyhdistys", "Partiolaiset")
_SCHOOLS = ("lukio", "yhteiskoulu", "kansalaisopisto", "musiikkiopisto", "perusopetus")
_NETWORKS = ("yritysverkosto", "kehittämisverkosto", "matkailuverkosto", "hyvinvointiverkosto")
_OTHERS = ("seurakunta", "kehitysyhtiö", "säätiö", "osuuskunta")

_METHOD_SUBJECTS = (
    "Työpaikkaohjaajan", "Kumppanuuskeskustelun", "HOKS-palaverin", "Näytön", "Rekrytointitapahtuman",
    "Yritysvierailun", "Opiskelijaprojektin", "Palautekeskustelun", "Työelämäjakson", "Oppisopimuksen",
    "Verkostotapaamisen", "Ennakointityöpajan", "Työpaikkakäynnin", "Kehittämishankkeen", "Tutustumispäivän",
)
_METHOD_OBJECTS = (
    ("muistilista", "checklist"), ("pohja", "template"), ("perehdytys", "method"), ("vuosikello", "tool"),
    ("käsikirja", "guide"), ("arviointilomake", "template"), ("kysely", "tool"), ("työpaja", "event"),
    ("sopimusmalli", "agreement"), ("toimintamalli", "method"),
)


@dataclass(frozen=True)
class Generated:
    """A generated project: {path relative to the project root: file text}."""

    files: dict[str, str]


def _scalar(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, so no value can be misread as a number or a boolean.
    return json.dumps(value, ensure_ascii=False)


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.rstrip("\n").split("\n"))


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "&": " "})
    folded = text.lower().translate(table)
    return "-".join("".join(c if c.isalnum() else " " for c in folded).split())


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _place(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(_FIRST_PARTS)
    last, last_gen = rng.choice(_LAST_PARTS)
    return first + last, first + last_gen


def _surname(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        return _place(rng)
    first = rng.choice(_FIRST_PARTS)
    ending, ending_gen = rng.choice(_SURNAME_ENDINGS)
    stem = first[:-1] if first[-1] in "aeiouyäö" and ending in ("nen", "la", "lä") else first
    if ending == "lä" and any(v in stem for v in "aou"):
        ending, ending_gen = "la", "lan"
    return stem + ending, stem + ending_gen


def _partner_name(rng: random.Random) -> tuple[str, str, str]:
    """Return (name, type, field)."""
    field, words = rng.choice(_FIELDS)
    roll = rng.random()
    if roll < 0.82:
        word = rng.choice(words)
        place, place_gen = _place(rng) if rng.random() < 0.6 else _surname(rng)
        shape = rng.random()
        if shape < 0.45:
            name = f"{word} {place} {rng.choice(_COMPANY_SUFFIXES)}"
        elif shape < 0.8:
            name = f"{place_gen} {word.lower()} {rng.choice(_COMPANY_SUFFIXES)}"
        else:
            name = f"{place} & Pojat Oy" if rng.random() < 0.5 else f"{word} {place}"
        return name, "company", field
    kind, pattern = rng.choice(_PUBLIC_PATTERNS)
    _, place_gen = _place(rng)
    name = pattern.format(place_gen=place_gen, unit=rng.choice(_UNITS), assoc=rng.choice(_ASSOCIATIONS),
                          school=rng.choice(_SCHOOLS), network=rng.choice(_NETWORKS), other=rng.choice(_OTHERS))
    return name, kind, field


def _tiers_of(rng: random.Random) -> list[str]:
    count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    chosen = ["arki"] if rng.random() < 0.76 else []
    others = [t for t in TIERS if t != "arki"]
    rng.shuffle(others)
    while len(chosen) < count:
        chosen.append(others.pop())
    return sorted(chosen, key=TIERS.index)


def _teams(rng: random.Random, count: int) -> list[tuple[str, str]]:
    taken: set[str] = set()
    teams = []
    for number in range(count):
        field, _ = _FIELDS[number % len(_FIELDS)]
        _, campus = _place(rng)
        name = f"{field}, {campus} kampus"
        teams.append((_unique(_slug(name), taken), name))
    return teams


def _team_file(team_id: str, name: str, lead: str, prose: Prose) -> str:
    return (
        "# yaml-language-server: $schema=../../schema/team.schema.json\n"
        f"id: {team_id}\nname: {_scalar(name)}\n"
        f"description: {_block(prose.text(), 2)}\n"
        f"email: {team_id[:40].rstrip('-')}@oppilaitos.example\nlead: {lead}\n"
    )


def _contacts(rng: random.Random, teams: list[tuple[str, str]], count: int) -> list[tuple[str, str, str]]:
    """Return (id, name, team id) of every contact person."""
    taken: set[str] = set()
    found = []
    for number in range(count):
        first = rng.choice(_FIRST_NAMES)
        last, _ = _surname(rng)
        name = f"{first} {last}"
        found.append((_unique(_slug(name), taken), name, teams[number % len(teams)][0]))
    return found


def _contact_file(contact_id: str, name: str, team: str, rng: random.Random) -> str:
    phone = f"040 {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"
    return (
        "# yaml-language-server: $schema=../../schema/contact.schema.json\n"
        f"id: {contact_id}\nname: {_scalar(name)}\ntitle: {_scalar(rng.choice(('Opettaja', 'Lehtori', 'Koulutuspäällikkö', 'Työelämäkoordinaattori', 'Opinto-ohjaaja')))}\n"
        f"email: {contact_id.replace('-', '.')}@oppilaitos.example\nphone: {_scalar(phone)}\nteam: {team}\n"
    )


def business_id(number: int) -> str:
    """Return the number-th business ID (Y-tunnus) of a made-up series, with a valid check digit."""
    digits = f"{2_000_000 + 2 * number:07d}"
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2))) % 11
    if remainder == 1:
        # No check digit fits: take the odd number after it (its remainder is 3), which no other partner gets.
        digits = digits[:-1] + str(int(digits[-1]) + 1)
        remainder = 3
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


def _relationship(partner_id: str, number: int, tiers: list[str], contacts: list[str], rng: random.Random) -> list[str]:
    """Return the relationship fields a real partner file has: business ID, size, people on their side, agreement."""
    lines = []
    if rng.random() < 0.8:
        lines.append(f"business_id: {business_id(number)}")
        lines.append(f"size: {rng.choice(('mikro', 'mikro', 'pieni', 'pieni', 'keskisuuri', 'suuri'))}")
    status = rng.choices(("active", "prospect", "ended"), weights=(95, 3, 2))[0]
    if status != "active":
        lines.append(f"status: {status}")
    deep = any(t in ("kehittaminen", "strateginen") for t in tiers)
    if deep or rng.random() < 0.15:
        lines.append("partner_contacts:")
        for _ in range(rng.choice((1, 2, 2, 3)) if deep else 1):
            first, (last, _) = rng.choice(_FIRST_NAMES), _surname(rng)
            lines += [f"  - name: {_scalar(f'{first} {last}')}",
                      f"    role: {_scalar(rng.choice(('Toimitusjohtaja', 'Henkilöstöpäällikkö', 'Työnjohtaja', 'Esihenkilö', 'Koulutusvastaava')))}",
                      f"    email: {_slug(first)}.{_slug(last)}@{partner_id}.example",
                      f"    phone: \"050 {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}\""]
    if "strateginen" in tiers or rng.random() < 0.05:
        signed = 2020 + rng.randrange(6)
        lines += ["agreement:", f"  kind: {rng.choice(('partnership', 'framework', 'training', 'service'))}",
                  f"  signed: {signed}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
                  f"  valid_until: {signed + rng.randrange(2, 6)}-12-31", f"  owner: {rng.choice(contacts)}"]
    if deep or rng.random() < 0.3:
        lines.append(f"last_contact: 2026-{rng.randrange(1, 12):02d}-{rng.randrange(1, 29):02d}")
        lines.append(f"contact_rhythm_months: {rng.choice((3, 6, 6, 12))}")
    return lines


def _partner_file(partner_id: str, number: int, name: str, kind: str, field: str, contacts: list[str],
                  rng: random.Random, prose: Prose) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schema/partner.schema.json",
        f"id: {partner_id}",
        f"name: {_scalar(name)}",
        f"type: {kind}",
        f"field: {_scalar(field)}",
    ]
    tiers = _tiers_of(rng)
    lines += _relationship(partner_id, number, tiers, contacts, rng)
    if rng.random() < 0.7:
        lines.append(f"website: https://www.{partner_id}.example")
    lines.append(f"review_date: {2024 + rng.randrange(3)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}")
    lines.append(f"publishable: {'true' if rng.random() < 0.4 else 'false'}")
    if rng.random() < 0.1:
        lines.append("notes: " + _block(prose.text(), 2))
    lines.append("cooperations:")
    for tier in tiers:
        description = prose.text(name)
        lines.append(f"  - tier: {tier}")
        lines.append("    description: " + _block(description, 6))
        people = rng.sample(contacts, rng.choices((1, 2), weights=(80, 20))[0])
        lines.append("    contacts: [" + ", ".join(people) + "]")
    return "\n".join(lines) + "\n"


def _method_files(rng: random.Random, prose: Prose, contacts: list[str], count: int) -> Iterator[tuple[str, str]]:
    taken: set[str] = set()
    combos = [(s, o) for s in _METHOD_SUBJECTS for o in _METHOD_OBJECTS]
    for number in range(count):
        subject, (obj, kind) = combos[number % len(combos)]
        field, _ = _FIELDS[(number // len(combos)) % len(_FIELDS)]
        title = f"{subject} {obj}" if number < len(combos) else f"{subject} {obj}, {field.lower()}"
        method_id = _unique(_slug(title), taken)
        tiers = sorted(rng.sample(TIERS, rng.choice((1, 1, 2))), key=TIERS.index)
        body = f"**Mitä:** {subject.lower()} {obj} kokoaa yhteen sovitut käytännöt.\n\n" + prose.text()
        text = (
            "# yaml-language-server: $schema=../../schema/method.schema.json\n"
            f"id: {method_id}\ntitle: {_scalar(title)}\nkind: {kind}\n"
            f"summary: {_scalar(prose.line().replace('*', ''))}\n"
            f"body: {_block(body, 2)}\n"
            "tiers: [" + ", ".join(tiers) + "]\n"
            f"owner: {rng.choice(contacts)}\n"
        )
        yield method_id, text


def _guide_files(rng: random.Random, prose: Prose, contacts: list[str]) -> Iterator[tuple[str, str]]:
    for number in range(1, GUIDES + 1):
        guide_id = f"ohje-{number:02d}"
        body = (
            f"## Tavoite\n\n{prose.text()}\n\n## Vaiheet\n\n{prose.text()}\n"
        )
        yield guide_id, (
            "# yaml-language-server: $schema=../../schema/guide.schema.json\n"
            f"id: {guide_id}\ntitle: {_scalar(f'Ohje {number}: kumppanitietojen ylläpito')}\n"
            f"summary: {_scalar('Kumppanitietojen kirjaaminen ja ylläpito.')}\n"
            f"body: {_block(body, 2)}\norder: {number * 10}\nowner: {rng.choice(contacts)}\n"
        )


_ACTION_SUBJECTS = ("Työpaikkaohjaajien tapaaminen", "Yritysvierailu", "Rekrytointitapahtuma", "Kehittämistyöpaja",
                    "Näyttöjen suunnittelu", "Opiskelijaprojekti", "Palautekeskustelu", "Verkostotapaaminen",
                    "Koulutussopimusten käynnistys", "Ennakointikeskustelu", "Vierailuluento", "Avoimet ovet")
_STATUSES = ("planned", "under_way", "done", "cancelled")


def _plan_file(team_id: str, team_name: str, number_of_actions: int, partner_ids: list[str], method_ids: list[str],
               people: list[str], rng: random.Random, prose: Prose) -> str:
    """Return one team's annual plan for PLAN_YEAR: goals per tier and actions with multi-line texts."""
    lines = ["# yaml-language-server: $schema=../../schema/plan.schema.json", f"team: {team_id}",
             f"year: {PLAN_YEAR}", f"spring_review: {PLAN_YEAR}-05-29", "goals:"]
    for tier in rng.sample(TIERS, 3):
        lines += [f"  - tier: {tier}", "    text: " + _block(prose.text(), 6)]
    lines.append("actions:")
    for number in range(1, number_of_actions + 1):
        subject = _ACTION_SUBJECTS[number % len(_ACTION_SUBJECTS)]
        lines += [f"  - id: toiminto-{number:03d}",
                  f"    title: {_scalar(f'{subject} {number}: {team_name}')}",
                  "    description: " + _block(prose.text(team_name), 6),
                  f"    tier: {rng.choice(TIERS)}"]
        if rng.random() < 0.6:
            first = rng.randrange(1, 13)
            months = sorted({first, *(m for m in (first + 1, first + 2) if m <= 12 and rng.random() < 0.4)})
            lines.append("    months: [" + ", ".join(map(str, months)) + "]")
            last_month = months[-1]
        else:
            last_month = rng.randrange(1, 13)
            day = rng.randrange(1, 28)
            lines.append(f"    start: {PLAN_YEAR}-{last_month:02d}-{day:02d}")
            if rng.random() < 0.3:
                lines.append(f"    end: {PLAN_YEAR}-{last_month:02d}-{min(28, day + rng.randrange(1, 5)):02d}")
        lines.append("    methods: [" + ", ".join(rng.sample(method_ids, rng.choice((1, 1, 2)))) + "]")
        lines.append("    partners: [" + ", ".join(rng.sample(partner_ids, min(len(partner_ids), rng.randrange(1, 4))))
                     + "]")
        lines.append("    people: [" + ", ".join(rng.sample(people, min(len(people), rng.choice((1, 1, 2))))) + "]")
        status = rng.choices(_STATUSES, weights=(40, 20, 35, 5))[0]
        lines.append(f"    status: {status}")
        if rng.random() < 0.1:
            lines.append("    public: true")
        if status == "done" and rng.random() < 0.6:
            day = f"{PLAN_YEAR}-{max(last_month, 6) if last_month < 12 else 12:02d}-28"
            lines += ["    evaluation:", f"      date: {day}", "      learned: " + _block(prose.text(), 8),
                      f"      decision: {rng.choice(('continue', 'change', 'stop'))}"]
    return "\n".join(lines) + "\n"


def generate(partners: int, seed: int = 1, *, methods: int = METHODS, contacts: int = CONTACTS,
             teams: int = TEAMS, actions: int = 0) -> Generated:
    """Return the files of a valid synthetic project with the given number of partners (and of the rest)."""
    rng = random.Random(seed)
    prose = Prose(random.Random(seed + 1))
    files: dict[str, str] = {
        "mkdocs.yml": (REPO / "mkdocs.yml").read_text(encoding="utf-8"),
        "content/toolbox.yaml": (REPO / "content" / "toolbox.yaml").read_text(encoding="utf-8"),
        "content/tiers.yaml": (REPO / "content" / "tiers.yaml").read_text(encoding="utf-8"),
    }
    team_list = _teams(rng, teams)
    contact_list = _contacts(rng, team_list, contacts)
    contact_ids = [c[0] for c in contact_list]
    leads: dict[str, str] = {}
    for contact_id, _, team_id in contact_list:
        leads.setdefault(team_id, contact_id)
    for team_id, name in team_list:
        files[f"content/teams/{team_id}.yaml"] = _team_file(team_id, name, leads[team_id], prose)
    for contact_id, name, team_id in contact_list:
        files[f"content/contacts/{contact_id}.yaml"] = _contact_file(contact_id, name, team_id, rng)
    method_ids = []
    for method_id, text in _method_files(rng, prose, contact_ids, methods):
        files[f"content/methods/{method_id}.yaml"] = text
        method_ids.append(method_id)
    for guide_id, text in _guide_files(rng, prose, contact_ids):
        files[f"content/guides/{guide_id}.yaml"] = text
    taken: set[str] = set()
    for number in range(partners):
        name, kind, field = _partner_name(rng)
        partner_id = _unique(_slug(name), taken)
        files[f"content/partners/{partner_id}.yaml"] = _partner_file(partner_id, number, name, kind, field,
                                                                     contact_ids, rng, prose)
    if actions and partners:
        # Their own random source and texts: the partners, methods and people above are the same without plans.
        plan_rng, plan_prose = random.Random(seed + 2), Prose(random.Random(seed + 3))
        partner_ids = sorted(taken)
        members: dict[str, list[str]] = {}
        for contact_id, _, team_id in contact_list:
            members.setdefault(team_id, []).append(contact_id)
        for team_id, name in team_list:
            files[f"content/plans/{team_id}-{PLAN_YEAR}.yaml"] = _plan_file(
                team_id, name, actions, partner_ids, method_ids, members.get(team_id, contact_ids), plan_rng,
                plan_prose)
    return Generated(files)


def write_project(generated: Generated, out: Path, label: str = "") -> None:
    """Write the generated project to out, replacing an earlier generated project there (never anything else)."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} is not empty and was not made by bench/generate.py; refusing to overwrite it")
        for child in ("content", "site", "dist"):
            shutil.rmtree(out / child, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(f"generated by bench/generate.py {label}".rstrip() + "\n", encoding="utf-8")
    for relative, text in sorted(generated.files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


def project_label(partners: int, seed: int) -> str:
    """Return the marker text that tells which N, seed and generator version a generated project was made with."""
    # The generator's own source is part of the label: a project made by an older generator is made again.
    folder = Path(__file__).parent
    source = hashlib.sha256(b"".join((folder / name).read_bytes() for name in ("generate.py", "prose.py")))
    return f"partners={partners} seed={seed} generator={source.hexdigest()[:12]}"


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and write the project."""
    parser = argparse.ArgumentParser(description="Write a synthetic toolbox project with N partners.")
    parser.add_argument("partners", type=int, help="number of partners")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, default=None, help="project folder (default bench/out/nN)")
    parser.add_argument("--actions", type=int, default=ACTIONS,
                        help=f"actions in each team's annual plan (default {ACTIONS}; 0: no plans)")
    args = parser.parse_args(argv)
    out = args.out or REPO / "bench" / "out" / f"n{args.partners}"
    write_project(generate(args.partners, args.seed, actions=args.actions), out,
                  project_label(args.partners, args.seed) + f" actions={args.actions}")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
