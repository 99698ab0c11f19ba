"""Unique, multi-line Finnish texts for the synthetic benchmark content, shaped like what staff really write.

Real cooperation descriptions, method bodies and team texts are each written by a person: no two are the same,
most run over several lines, and some use Markdown (lists, emphasis, links). A generator that repeats a few
sentences lets caches and the single-line fast path hide the real work, so every text made here is distinct
(checked against all earlier ones) and spans at least two lines.
"""

from __future__ import annotations

import random

_YEARS = tuple(range(2017, 2027))
_MONTHS = ("tammikuussa", "helmikuussa", "maaliskuussa", "huhtikuussa", "toukokuussa", "kesäkuussa",
           "elokuussa", "syyskuussa", "lokakuussa", "marraskuussa", "joulukuussa")
_OPENERS = (
    "Vuodesta {year} lähtien", "Syksyllä {year}", "Keväällä {year}", "Lukuvuonna {year}–{next}",
    "Viime vuosina", "Joka lukuvuosi", "{month_cap} {year}", "Ensimmäisestä jaksosta alkaen",
    "Kahden viime vuoden ajan", "Tämän lukuvuoden aikana",
)
_ACTORS = ("työpaikka", "kumppani", "yritys", "työyhteisö", "yksikön esihenkilö", "työpaikkaohjaaja {person}",
           "{person} kumppanin puolelta", "henkilöstöpäällikkö {person}", "vastaava työnjohtaja {person}")
_ACTIONS = (
    "on ottanut {n} opiskelijaa koulutussopimusjaksolle",
    "on järjestänyt {n} tutustumiskäyntiä aloittaville ryhmille",
    "on tarjonnut näyttöympäristön tutkinnon osaan {unit}",
    "on ohjannut {n} oppisopimusopiskelijaa",
    "on osallistunut opetussuunnitelman päivittämiseen",
    "on esitellyt alan työtehtäviä oppilaitoksen rekrytointipäivässä",
    "on antanut palautetta {n} opiskelijan osaamisesta",
    "on testannut uutta perehdytysmallia {n} opiskelijan kanssa",
    "on lainannut laitteita opetukseen {n} viikon ajaksi",
    "on kouluttanut {n} työpaikkaohjaajaa",
    "on pitänyt vierailuluennon ryhmälle {group}",
    "on vastaanottanut opettajan työelämäjaksolle {n} viikoksi",
    "on ideoinut opiskelijaprojektin aiheen {unit}",
    "on palkannut {n} valmistunutta opiskelijaa",
)
_PURPOSES = (
    "jotta opiskelijat pääsevät harjoittelemaan oikeissa asiakastilanteissa",
    "koska alan osaajista on pulaa",
    "ja tavoitteena on vakiinnuttaa käytäntö",
    "mikä on lyhentänyt perehdytykseen kuluvaa aikaa",
    "ja kokemukset on kirjattu tiimin yhteiseen kansioon",
    "ja sama malli on tarkoitus ottaa käyttöön muillakin aloilla",
    "mikä on tuonut uusia ideoita opetukseen",
    "ja jatkosta sovitaan seuraavassa kumppanuuskeskustelussa",
    "jotta näytöt voidaan järjestää aidossa työympäristössä",
    "ja palaute on ollut molemmin puolin myönteistä",
)
_UNITS = ("Asiakaspalvelu", "Ruoanvalmistus", "Sähköasennukset", "Kiinteistönhoito", "Varastotoiminnot",
          "Hoitotyö", "Lasten kasvun tukeminen", "Koneistus", "Hitsaus", "Myyntityö", "Kuljetuspalvelut",
          "Asennustyöt", "Puhtauspalvelut", "Kampaamotyö", "Tilintarkastuksen tukitehtävät", "Metsänhoito")
_GROUPS = ("RAV24", "SÄH23", "LOG25", "SOT24", "KON22", "MAT25", "LIK23", "TVT24", "PUU22", "KIN25")
_ITEMS = (
    "jakson tavoitteet sovitaan **ennen aloitusta**",
    "työpaikkaohjaaja saa ohjausvinkit etukäteen",
    "opettaja käy työpaikalla vähintään kerran jaksossa",
    "palautekeskustelu pidetään jakson viimeisellä viikolla",
    "työturvallisuusperehdytys tehdään ensimmäisenä päivänä",
    "näytön ajankohta sovitaan *kolme viikkoa* etukäteen",
    "opiskelija pitää oppimispäiväkirjaa",
    "työvaatteet ja suojaimet tulevat työpaikalta",
    "ohjaaja arvioi osaamisen yhdessä opettajan kanssa",
    "seuraavan vuoden tarpeet kartoitetaan keväällä",
    "uusille ohjaajille järjestetään lyhyt koulutus",
    "yhteystiedot päivitetään toolboxiin jokaisen jakson jälkeen",
)
_CLOSERS = (
    "Lisätietoja saa tiimin yhteyshenkilöltä.",
    "Yhteistyötä arvioidaan kerran vuodessa.",
    "Kumppani toivoo lisää opiskelijoita kevätkaudelle.",
    "Seuraava tapaaminen sovitaan {month} {year}.",
    "Käytännöt kirjattiin yhteiseen muistioon {month} {year}.",
    "Kumppanin kanssa on sovittu {n} yhteistä tavoitetta.",
)
_PEOPLE = ("Aino", "Eero", "Helmi", "Ilkka", "Jaana", "Kalle", "Leena", "Matti", "Noora", "Olli", "Pirjo",
           "Risto", "Sanna", "Teemu", "Ulla", "Ville")


class Prose:
    """Make texts that are unique across one generated project (deterministic for a given random source)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def _fill(self, template: str) -> str:
        rng = self.rng
        year = rng.choice(_YEARS)
        month = rng.choice(_MONTHS)
        return template.format(
            year=year, next=year + 1, month=month, month_cap=month.capitalize(), n=rng.randrange(2, 31),
            person=f"{rng.choice(_PEOPLE)} {rng.choice('ABDEHKLMNPRSTV')}.", unit=rng.choice(_UNITS),
            group=rng.choice(_GROUPS),
        )

    def sentence(self) -> str:
        """Return one sentence: who did what, when, and why."""
        rng = self.rng
        opener = self._fill(rng.choice(_OPENERS))
        actor = self._fill(rng.choice(_ACTORS))
        action = self._fill(rng.choice(_ACTIONS))
        text = f"{opener} {actor} {action}"
        if rng.random() < 0.6:
            text += f", {rng.choice(_PURPOSES)}"
        return text + "."

    def _paragraph(self, sentences: int) -> str:
        # One sentence per line, as people write in an editor: the paragraph spans several lines.
        lines = [self.sentence() for _ in range(sentences)]
        if self.rng.random() < 0.3:
            lines.append(self._fill(self.rng.choice(_CLOSERS)))
        return "\n".join(lines)

    def _list(self, numbered: bool) -> str:
        items = self.rng.sample(_ITEMS, self.rng.randrange(3, 6))
        return "\n".join(f"{number}. {item}" if numbered else f"- {item}" for number, item in enumerate(items, 1))

    def text(self, subject: str = "") -> str:
        """Return a new multi-line Markdown text never returned before; subject (a name) may open it."""
        rng = self.rng
        while True:
            shape = rng.random()
            first = self._paragraph(rng.randrange(2, 4))
            if subject and rng.random() < 0.1:
                first = f"**{subject}**: " + first[0].lower() + first[1:]
            if shape < 0.5:
                text = first
            elif shape < 0.7:
                text = first + "\n\n" + self._paragraph(rng.randrange(1, 3))
            elif shape < 0.88:
                text = first + "\n\nKäytännöt:\n\n" + self._list(numbered=False)
            elif shape < 0.94:
                text = first + "\n\nEtene näin:\n\n" + self._list(numbered=True)
            else:
                text = (first + f"\nTaustaa: [kumppanin esittely](https://www.example.fi/{rng.randrange(10**6)}),"
                        + " *päivitetty* " + self._fill("{month} {year}."))
            if text not in self.seen:
                self.seen.add(text)
                return text

    def line(self) -> str:
        """Return a new one-sentence text (a summary) never returned before."""
        while True:
            text = self.sentence()
            if text not in self.seen:
                self.seen.add(text)
                return text
