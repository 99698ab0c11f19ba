"""The content schema: every record type and field, documented in Finnish.

This module is the single source of truth for what a content file may contain. The validator walks it,
the JSON Schema files shipped for editors are generated from it, and the field reference in the
documentation is rendered from it, so the three can never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# The Parasta model's tiers, in the order every view presents them. Ids are fixed so that content,
# links and Moodle packages stay comparable between institutions; titles and mottos are editable.
TIER_IDS: tuple[str, ...] = ("arki", "kehittaminen", "strateginen", "verkostot", "muut")

PARTNER_TYPES: dict[str, str] = {
    "company": "Yritys",
    "public": "Julkinen toimija",
    "association": "Järjestö tai yhdistys",
    "education": "Oppilaitos",
    "network": "Verkosto",
    "other": "Muu",
}

METHOD_KINDS: dict[str, str] = {
    "method": "Menetelmä",
    "tool": "Työkalu",
    "guide": "Ohje",
    "template": "Pohja",
    "checklist": "Muistilista",
    "event": "Tapahtuma",
    "agreement": "Sopimus",
}

# A partner's status: prospects and ended cooperations are kept, but only active ones appear in the tier tables.
PARTNER_STATUSES: dict[str, str] = {
    "prospect": "potentiaalinen",
    "active": "aktiivinen",
    "ended": "päättynyt",
}

# Size classes by number of employees (the EU's SME definition, as Statistics Finland uses it).
PARTNER_SIZES: dict[str, str] = {
    "mikro": "mikroyritys (alle 10 henkilöä)",
    "pieni": "pieni yritys (10–49 henkilöä)",
    "keskisuuri": "keskisuuri yritys (50–249 henkilöä)",
    "suuri": "suuri yritys (vähintään 250 henkilöä)",
}

AGREEMENT_KINDS: dict[str, str] = {
    "partnership": "Kumppanuussopimus",
    "framework": "Puitesopimus",
    "training": "Koulutusyhteistyösopimus",
    "letter_of_intent": "Aiesopimus",
    "service": "Palvelusopimus",
    "other": "Muu sopimus",
}

# Course completion criteria an institution can choose for its Moodle course (toolbox.yaml moodle_completion).
MOODLE_COMPLETIONS: dict[str, str] = {
    "none": "ei kurssin suoritusehtoa; aktiviteetit merkitään suoritetuiksi yksitellen",
    "tier_introductions": "kurssi on suoritettu, kun jokaisen tason määritelmäsivu on avattu",
    "all_activities": "kurssi on suoritettu, kun jokainen aktiviteetti on merkitty suoritetuksi",
}

# The placeholders a CRM address pattern may hold (toolbox.yaml crm_url): what each partner page fills in.
CRM_PLACEHOLDERS: tuple[str, ...] = ("business_id", "id")

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
BUSINESS_ID_PATTERN = r"^\d{7}-\d$"
# Where attachments live, relative to content/, and the file types that may be attached: documents and
# images a browser does not run (no .html, .svg or .js: they would execute scripts from the site's origin).
FILES_FOLDER = "files"
ATTACHMENT_TYPES: tuple[str, ...] = (
    "pdf", "docx", "doc", "xlsx", "xls", "pptx", "ppt", "odt", "ods", "odp", "rtf", "txt", "csv",
    "png", "jpg", "jpeg", "gif", "webp",
)
MAX_LINE = 300
# Names that become Moodle names (course, section, activity, chapter, glossary concept): Moodle's columns hold 255
# characters, and the longest text the course adds to a name (": määritelmä ja painopisteet") must fit too.
MAX_NAME = 200
MAX_TEXT = 20000


@dataclass(frozen=True)
class Field:
    """One key of a record: its kind, whether it is required, and its Finnish documentation."""

    name: str
    kind: str  # id, str, text, url, url_pattern, file, email, phone, business_id, date, bool, int, enum, ref, list, record
    title: str
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    target: str = ""  # ref: collection name; list/record: item kind or record name
    item_kind: str = ""  # list: kind of items (str, ref, record)
    min_items: int = 0
    example: Any = None
    minimum: int | None = None  # int: the smallest allowed value
    maximum: int | None = None  # int: the largest allowed value
    default: Any = None  # the value of an optional field left out; the model, the checker and new files use it
    max_length: int = MAX_LINE  # str, and each str of a list: the longest allowed text

    # Derived once per field and kept with it (a schema is constant): the checker asks for each key of 20,000 files.
    @cached_property
    def item_field(self) -> Field:
        """Return the field that checks one item of this list field."""
        return Field(self.name, self.item_kind, self.title, self.description, True, target=self.target,
                     max_length=self.max_length, minimum=self.minimum, maximum=self.maximum)


@dataclass(frozen=True)
class Record:
    """A record type: where it lives and which fields it has."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    one_of: tuple[str, ...] = ()  # exactly one of these fields must be given (e.g. a link's url or file)

    def field_named(self, name: str) -> Field | None:
        """Return the field called name, or None."""
        return self.fields_by_name.get(name)

    @cached_property
    def fields_by_name(self) -> dict[str, Field]:
        """Return the record's fields by name (the first of a name)."""
        by_name: dict[str, Field] = {}
        for spec in self.fields:
            by_name.setdefault(spec.name, spec)
        return by_name

    @cached_property
    def required_fields(self) -> tuple[Field, ...]:
        """Return the record's required fields in order."""
        return tuple(spec for spec in self.fields if spec.required)

    def default_of(self, name: str) -> Any:
        """Return the default of the optional field called name (None when it has none)."""
        spec = self.fields_by_name.get(name)
        return None if spec is None else spec.default


def _id(title: str, description: str) -> Field:
    return Field("id", "id", title, description, required=True)


LINK = Record(
    "link",
    "Linkki",
    "Linkki sisäiseen tai ulkoiseen aineistoon, esimerkiksi lomakkeeseen, ohjeeseen tai intranetin sivuun.",
    (
        Field("title", "str", "Linkin teksti", "Teksti, joka näytetään linkkinä. Kerro, mihin linkki vie.", True),
        Field(
            "url",
            "url",
            "Osoite",
            "Linkin osoite. Sallitut alut: https://, http:// ja mailto:. Anna joko url tai file.",
            example="https://intra.example.fi/lomakkeet/palvelulupaus.pdf",
        ),
        Field(
            "file",
            "file",
            "Tiedosto",
            "Liitetiedoston polku suhteessa kansioon content/files/, esimerkiksi lomakkeet/palvelulupaus.pdf. "
            "Erota kansiot kauttaviivalla (/). Sallitut tiedostotyypit: "
            + ", ".join(ATTACHMENT_TYPES)
            + ". Tiedosto kopioidaan sivustolle. Anna joko url tai file.",
            example="lomakkeet/palvelulupaus.pdf",
        ),
    ),
    one_of=("url", "file"),
)

CONCEPT = Record(
    "concept",
    "Käsite",
    "Työkalupakin keskeinen käsite ja sen määritelmä, esimerkiksi asiakas, kumppanuus tai sidosryhmä.",
    (
        _id("Tunniste", "Käsitteen pysyvä tunniste: pienet kirjaimet a–z, numerot ja väliviivat."),
        Field("term", "str", "Käsite", "Käsitteen nimi sellaisena kuin se näytetään.", True, max_length=MAX_NAME),
        Field("definition", "text", "Määritelmä", "Käsitteen määritelmä omin sanoin. Markdown on sallittu.", True),
        Field(
            "aliases",
            "list",
            "Muut nimet",
            "Samaa asiaa tarkoittavat muut sanat, esimerkiksi taivutusmuodot tai synonyymit.",
            item_kind="str",
            max_length=MAX_NAME,  # each one a Moodle glossary alias (255 characters)
        ),
    ),
)

SYNONYM = Record(
    "synonym",
    "Haun synonyymit",
    "Sanat, jotka haussa tarkoittavat samaa. Kun sivulla on yksi ryhmän sanoista, haku löytää sivun millä tahansa "
    "ryhmän sanalla: esimerkiksi koulutussopimus, harjoittelupaikka ja työssäoppiminen.",
    (
        Field(
            "words",
            "list",
            "Sanat",
            "Vähintään kaksi samaa tarkoittavaa sanaa, kukin omana rivinään. Kirjoita sanat perusmuodossa: haku "
            "löytää myös niiden taivutetut muodot ja yhdyssanat, joissa ne ovat (kun koneella on Voikko).",
            True,
            item_kind="str",
            min_items=2,
            max_length=MAX_NAME,
        ),
    ),
)

COOPERATION = Record(
    "cooperation",
    "Yhteistyö",
    "Yksi kumppanuus kumppanin kanssa yhdellä kumppanuustasolla.",
    (
        Field(
            "tier",
            "ref",
            "Kumppanuustaso",
            "Taso, jolla tämä yhteistyö tehdään: " + ", ".join(TIER_IDS) + ".",
            True,
            target="tiers",
        ),
        Field(
            "description",
            "text",
            "Yhteistyön kuvaus",
            "Mitä kumppanin kanssa tehdään tällä tasolla ja miksi. Markdown on sallittu.",
            True,
        ),
        Field(
            "contacts",
            "list",
            "Yhteyshenkilöt",
            "Oppilaitoksen yhteyshenkilöiden tunnisteet (contacts-kansion tiedostojen id-kentät).",
            item_kind="ref",
            target="contacts",
        ),
        Field(
            "deputy",
            "ref",
            "Varahenkilö",
            "Oppilaitoksen yhteyshenkilön varahenkilön tunniste (contacts-kansion tiedoston id-kenttä). Varahenkilö "
            "hoitaa yhteistyötä, kun yhteyshenkilö on poissa, ja näkyy henkilöstön versiossa yhteyshenkilön rinnalla.",
            target="contacts",
        ),
        Field(
            "team",
            "ref",
            "Vastuutiimi",
            "Tiimi, joka vastaa yhteistyöstä, kun se on tiimin eikä yksittäisen henkilön vastuulla (teams-kansion "
            "tiedoston id-kenttä). Voi olla yhteyshenkilöiden lisäksi tai niiden sijaan.",
            target="teams",
        ),
    ),
)

PARTNER_CONTACT = Record(
    "partner_contact",
    "Kumppanin yhteyshenkilö",
    "Kumppanin puolen yhteyshenkilö. Oppilaitoksen ulkopuolisen henkilön henkilötietoa: näkyy vain henkilöstön "
    "versiossa, ei koskaan julkisessa versiossa, sen Moodle-paketissa eikä haussa.",
    (
        Field("name", "str", "Nimi", "Henkilön koko nimi.", True),
        Field("role", "str", "Rooli", "Henkilön tehtävä kumppanilla tai rooli yhteistyössä, esimerkiksi "
              "Henkilöstöpäällikkö tai Työpaikkaohjaajien vastuuhenkilö."),
        Field("email", "email", "Sähköposti", "Henkilön työsähköpostiosoite."),
        Field(
            "phone",
            "phone",
            "Puhelin",
            "Henkilön työpuhelin lainausmerkeissä, esimerkiksi \"040 123 4567\", ettei numero muutu luvuksi.",
            example="040 123 4567",
        ),
    ),
)

AGREEMENT = Record(
    "agreement",
    "Sopimus",
    "Kumppanin kanssa tehty kirjallinen sopimus. Näkyy vain henkilöstön versiossa; Tarkistettavat-raportti "
    "nostaa esiin sopimukset, jotka päättyvät 90 päivän kuluessa tai ovat jo päättyneet.",
    (
        Field(
            "kind",
            "enum",
            "Sopimuksen laji",
            "Mikä sopimus on: " + ", ".join(f"{k} ({v})" for k, v in AGREEMENT_KINDS.items()) + ".",
            True,
            choices=tuple(AGREEMENT_KINDS),
        ),
        Field("signed", "date", "Allekirjoitettu", "Päivä, jolloin sopimus allekirjoitettiin, muodossa VVVV-KK-PP.",
              example="2025-08-15"),
        Field(
            "valid_until",
            "date",
            "Voimassa asti",
            "Sopimuksen viimeinen voimassaolopäivä muodossa VVVV-KK-PP; ei voi olla ennen allekirjoituspäivää. "
            "Jätä pois, jos sopimus on voimassa toistaiseksi.",
            example="2027-07-31",
        ),
        Field("owner", "ref", "Sopimuksen vastuuhenkilö",
              "Sopimuksesta ja sen uusimisesta vastaavan yhteyshenkilön tunniste (contacts-kansion id-kenttä).",
              target="contacts"),
        Field(
            "attachment",
            "file",
            "Sopimusasiakirja",
            "Sopimuksen tiedosto kansiossa content/files/, esimerkiksi sopimukset/kumppani-2025.pdf. Näkyy vain "
            "henkilöstön versiossa. Sallitut tiedostotyypit: " + ", ".join(ATTACHMENT_TYPES) + ".",
            example="sopimukset/kumppani-2025.pdf",
        ),
    ),
)

# Conformance with WCAG 2.1 A and AA as the accessibility statement states it (Act 306/2019).
CONFORMANCE: dict[str, str] = {
    "full": "täyttää kaikki",
    "partial": "täyttää osittain",
    "none": "ei täytä",
}

ACCESSIBILITY = Record(
    "accessibility",
    "Saavutettavuusseloste",
    "Saavutettavuusselosteen tiedot (laki digitaalisten palvelujen tarjoamisesta 306/2019). Seloste näkyy "
    "sivustolla omana sivunaan, ja siihen linkitetään jokaisen sivun alalaidasta. Tarkista vähintään kerran vuodessa.",
    (
        Field(
            "status",
            "enum",
            "Vaatimustenmukaisuus",
            "Täyttääkö sivusto WCAG 2.1 -ohjeiston tasojen A ja AA kriteerit: "
            + ", ".join(f"{k} ({v})" for k, v in CONFORMANCE.items())
            + ".",
            True,
            choices=tuple(CONFORMANCE),
        ),
        Field(
            "assessment",
            "text",
            "Arviointitapa",
            "Miten saavutettavuus on arvioitu, esimerkiksi itsearviointi automaattisilla testeillä ja "
            "näppäimistöllä tai ulkopuolisen asiantuntijan arvio. Markdown on sallittu.",
            True,
        ),
        Field(
            "non_conformities",
            "list",
            "Tunnetut puutteet",
            "Sisällöt tai toiminnot, jotka eivät vielä täytä vaatimuksia, kukin omana kohtanaan: mikä puute on "
            "ja mihin kriteeriin se liittyy. Jätä pois, jos puutteita ei tunneta.",
            item_kind="str",
        ),
        Field(
            "published",
            "date",
            "Seloste laadittu",
            "Päivä, jolloin seloste laadittiin ensimmäisen kerran, muodossa VVVV-KK-PP.",
            True,
            example="2026-01-15",
        ),
        Field(
            "reviewed",
            "date",
            "Seloste tarkistettu",
            "Päivä, jolloin sivuston saavutettavuus ja seloste viimeksi tarkistettiin, muodossa VVVV-KK-PP.",
            True,
            example="2026-09-15",
        ),
        Field(
            "feedback_email",
            "email",
            "Palautteen sähköposti",
            "Osoite, johon käyttäjä voi ilmoittaa saavutettavuuspuutteesta tai pyytää sisältöä saavutettavassa "
            "muodossa. Käytä yhteistä osoitetta, älä henkilön omaa.",
            True,
        ),
        Field(
            "feedback_url",
            "url",
            "Palautelomake",
            "Verkkolomake saavutettavuuspalautteelle (https://...), jos sellainen on sähköpostin lisäksi.",
        ),
        Field(
            "authority_name",
            "str",
            "Valvova viranomainen",
            "Saavutettavuutta valvovan viranomaisen nimi. 1.1.2026 alkaen Lupa- ja valvontavirasto.",
            True,
        ),
        Field(
            "authority_url",
            "url",
            "Valvovan viranomaisen verkkosivu",
            "Viranomaisen sivu, jolla kerrotaan, miten saavutettavuudesta tehdään ilmoitus (https://...).",
            True,
        ),
        Field(
            "authority_email",
            "email",
            "Valvovan viranomaisen sähköposti",
            "Viranomaisen saavutettavuusvalvonnan sähköpostiosoite. Tarkista ajantasainen osoite viranomaiselta.",
        ),
        Field(
            "authority_phone",
            "phone",
            "Valvovan viranomaisen puhelin",
            "Viranomaisen puhelinvaihde lainausmerkeissä, esimerkiksi \"0295 000 000\".",
        ),
    ),
)

PRIVACY = Record(
    "privacy",
    "Tietosuojaseloste",
    "Tietosuojaselosteen tiedot: kuka käsittelee yhteyshenkilöiden henkilötietoja, miksi, millä perusteella "
    "ja kuinka kauan. Seloste näkyy sivustolla omana sivunaan, ja siihen linkitetään jokaisen sivun alalaidasta.",
    (
        Field(
            "controller",
            "str",
            "Rekisterinpitäjä",
            "Organisaatio, joka vastaa henkilötietojen käsittelystä, yleensä koulutuksen järjestäjä.",
            True,
        ),
        Field(
            "controller_address",
            "str",
            "Rekisterinpitäjän osoite",
            "Rekisterinpitäjän postiosoite yhdellä rivillä.",
        ),
        Field(
            "contact_email",
            "email",
            "Yhteydenotot tietosuoja-asioissa",
            "Yhteinen osoite, johon rekisteröity voi lähettää tietosuojaa koskevat pyynnöt. Älä käytä henkilön "
            "omaa osoitetta.",
            True,
        ),
        Field(
            "dpo_email",
            "email",
            "Tietosuojavastaavan sähköposti",
            "Tietosuojavastaavan yhteinen osoite, jos se on eri kuin edellinen.",
        ),
        Field(
            "purpose",
            "text",
            "Käsittelyn tarkoitus",
            "Miksi yhteyshenkilöiden tietoja käsitellään, esimerkiksi jotta henkilöstö ja kumppanit löytävät "
            "oikean yhteyshenkilön. Markdown on sallittu.",
            True,
        ),
        Field(
            "legal_basis",
            "text",
            "Käsittelyn oikeusperuste",
            "Tietosuoja-asetuksen 6 artiklan peruste, esimerkiksi yleisen edun mukaisen tehtävän hoitaminen. "
            "Markdown on sallittu.",
            True,
        ),
        Field(
            "retention",
            "text",
            "Säilytysaika",
            "Kuinka kauan tiedot säilytetään ja milloin ne poistetaan, esimerkiksi kun henkilön tehtävä "
            "päättyy. Markdown on sallittu.",
            True,
        ),
        Field(
            "sources",
            "text",
            "Tietolähteet",
            "Mistä tiedot saadaan, esimerkiksi henkilöltä itseltään tai esihenkilöltä. Markdown on sallittu.",
        ),
        Field(
            "reviewed",
            "date",
            "Seloste tarkistettu",
            "Päivä, jolloin tietosuojaseloste viimeksi tarkistettiin, muodossa VVVV-KK-PP.",
            True,
            example="2026-09-15",
        ),
    ),
)

FIELD_CONTACT = Record(
    "field_contact",
    "Alan yhteyskanava",
    "Yksi ala ja sen yhteinen yhteyskanava julkisella etusivulla: yritys näkee oman alansa kohdalta, mihin "
    "osoitteeseen kirjoittaa.",
    (
        Field("field", "str", "Ala", "Ala niin kuin yritys sen tuntee, esimerkiksi Ravintola- ja matkailuala.", True),
        Field("team", "ref", "Tiimi",
              "Tiimi, jonka yhteinen sähköpostiosoite on alan yhteyskanava (teams-kansion tiedoston id-kenttä). "
              "Anna joko team tai email.", target="teams"),
        Field("email", "email", "Yhteinen sähköposti",
              "Alan yhteinen osoite, jos sitä ei ole tiimillä. Henkilön omaa osoitetta ei hyväksytä. Anna joko team "
              "tai email."),
    ),
    one_of=("team", "email"),
)

PUBLIC_HOME = Record(
    "public_home",
    "Julkinen etusivu",
    "Julkisen version etusivu yrityksille: mitä tarjoamme, miksi tehdä yhteistyötä, miten aloittaa ja mihin ottaa "
    "yhteyttä. Henkilöstön johdanto ei näy julkisessa versiossa; nämä tekstit näkyvät sen sijaan.",
    (
        Field("title", "str", "Otsikko", "Etusivun pääotsikko yritykselle, esimerkiksi Yhteistyötä yrityksille.",
              True, max_length=MAX_NAME),
        Field("introduction", "text", "Mitä tarjoamme",
              "Lyhyt johdanto: mitä oppilaitos tarjoaa yrityksille ja muille työpaikoille. Markdown on sallittu.",
              True),
        Field("benefits", "list", "Miksi tehdä yhteistyötä",
              "Yhteistyön hyödyt yritykselle, kukin omana lyhyenä kohtanaan.", True, item_kind="str", min_items=1),
        Field("how_to_start", "text", "Näin pääsette alkuun",
              "Ensimmäiset askeleet yritykselle, joka haluaa aloittaa yhteistyön. Markdown on sallittu.", True),
        Field("contact_team", "ref", "Yhteystiimi",
              "Tiimi, jonka yhteinen osoite on etusivun yleinen yhteyskanava (teams-kansion id-kenttä). Anna joko "
              "contact_team tai contact_email.", target="teams"),
        Field("contact_email", "email", "Yhteinen sähköposti",
              "Etusivun yleinen yhteyskanava, esimerkiksi palvelupisteen osoite. Henkilön omaa osoitetta ei "
              "hyväksytä. Anna joko contact_team tai contact_email."),
        Field("field_contacts", "list", "Yhteys aloittain",
              "Yksi yhteyskanava kutakin alaa kohden: ala ja tiimi tai yhteinen osoite.", item_kind="record",
              target="field_contact"),
        Field("references_intro", "text", "Kumppanit-osion johdanto",
              "Lyhyt johdanto julkaistaviksi merkittyjen kumppanien luetteloon. Markdown on sallittu."),
    ),
    one_of=("contact_team", "contact_email"),
)

TOOLBOX = Record(
    "toolbox",
    "Työkalupakki",
    "Työkalupakin yleiset tiedot: oppilaitos, johdanto, käyttöohje ja käsitteet (content/toolbox.yaml).",
    (
        Field("institution", "str", "Oppilaitos", "Oppilaitoksen tai koulutuksen järjestäjän nimi.", True),
        Field("title", "str", "Työkalupakin nimi", "Nimi, joka näkyy etusivulla ja Moodle-kurssin nimenä.", True,
              max_length=MAX_NAME),
        Field(
            "introduction",
            "text",
            "Johdanto",
            "Miksi työkalupakki on olemassa ja mitä siitä löytyy. Markdown on sallittu.",
            True,
        ),
        Field(
            "how_to_use",
            "text",
            "Näin käytät työkalupakkia",
            "Miten tiimit käyttävät työkalupakkia, esimerkiksi vuosisuunnittelussa. Markdown on sallittu.",
            True,
        ),
        Field(
            "concepts",
            "list",
            "Käsitteet",
            "Keskeiset käsitteet määritelmineen (asiakas, kumppanuus, sidosryhmä, palveluverkosto...).",
            True,
            item_kind="record",
            target="concept",
            min_items=1,
        ),
        Field(
            "synonyms",
            "list",
            "Haun synonyymit",
            "Ryhmiä sanoja, jotka haussa tarkoittavat samaa (henkilöstön omat sanat ja viralliset termit). Jokaisen "
            "käsitteen muut nimet (aliases) toimivat haussa samoin ilman erillistä ryhmää.",
            item_kind="record",
            target="synonym",
        ),
        Field(
            "guides_intro",
            "text",
            "Ohjeet-osion johdanto",
            "Lyhyt johdanto ohjeiden ja oppaiden osioon. Markdown on sallittu.",
        ),
        Field(
            "review_after_months",
            "int",
            "Tarkistusväli kuukausina",
            "Kuinka monen kuukauden välein kumppanin tiedot tarkistetaan (vähintään 1, oletus 12). Kumppanit, "
            "joiden tarkistuspäivä (review_date) on tätä vanhempi, näkyvät henkilöstön Tarkistettavat-raportissa. "
            "Vertailupäivä on viimeisimmän Git-commitin päivä (ilman Gitiä sisällön uusin tarkistuspäivä), ei "
            "koontihetken kellonaika, joten sama sisältö tuottaa aina saman raportin.",
            example=12,
            default=12,
            minimum=1,
            # Reports go back this many months from a date between 1980 and 2099; far more would leave the calendar.
            maximum=120,
        ),
        Field(
            "crm_url",
            "url_pattern",
            "Asiakkuudenhallinnan osoitemalli",
            "Osoite, josta kumppanin tiedot löytyvät oppilaitoksen asiakkuudenhallintajärjestelmästä (CRM). Kirjoita "
            "https-osoite, jossa on paikka kumppanin tunnisteelle: {business_id} (Y-tunnus) tai {id} (kumppanin "
            "tunniste). Henkilöstön versiossa jokaisella kumppanin sivulla on linkki kumppanin tietoihin; "
            "{business_id}-mallilla vain kumppaneilla, joilla on Y-tunnus.",
            example="https://crm.example.fi/yritykset?ytunnus={business_id}",
        ),
        Field(
            "owner_email",
            "email",
            "Ylläpitäjän sähköposti",
            "Työkalupakin ylläpitäjän yhteinen sähköpostiosoite. Henkilöstön version Ehdota muutosta -linkki avaa "
            "viestin tähän osoitteeseen, kun mkdocs.yml:n repo_url ei ole GitHub- tai GitLab-arkisto. Käytä "
            "yhteistä osoitetta, älä henkilön omaa.",
            example="tyokalupakki@oppilaitos.fi",
        ),
        Field(
            "moodle_course_language",
            "bool",
            "Moodle-kurssin kieli suomeksi",
            "true asettaa Moodle-kurssin kieleksi suomen (työkalupakin kielen), jolloin kurssin sivut näkyvät "
            "suomeksi ja merkitään suomenkielisiksi silloinkin, kun Moodlen oletuskieli on toinen. Oletus false: "
            "kurssi noudattaa käyttäjän ja sivuston kieltä. Suomen kielipaketin pitää olla asennettuna Moodleen.",
            default=False,
        ),
        Field(
            "moodle_completion",
            "enum",
            "Moodle-kurssin suoritusehto",
            "Milloin Moodle merkitsee kurssin suoritetuksi: "
            + ", ".join(f"{k} ({v})" for k, v in MOODLE_COMPLETIONS.items()) + ". Oletus none.",
            choices=tuple(MOODLE_COMPLETIONS),
            default="none",
        ),
        Field(
            "public",
            "record",
            "Julkinen etusivu",
            "Julkisen version etusivun tekstit yrityksille: otsikko, mitä tarjoamme, hyödyt, miten aloittaa, "
            "yleinen yhteyskanava ja yhteys aloittain. Ilman tätä julkinen etusivu näyttää palvelut ja kumppanit.",
            target="public_home",
        ),
        Field(
            "internal_addresses",
            "list",
            "Sisäiset osoitteet",
            "Osoitteiden alut, jotka vievät vain henkilöstön järjestelmiin, esimerkiksi "
            "https://intra.oppilaitos.fi/. Julkisesta versiosta ja sen Moodle-paketista jätetään pois linkit, jotka "
            "alkavat näin, ja tarkistus kertoo, mikä julkinen teksti viittaa niihin.",
            item_kind="url",
        ),
        Field(
            "accessibility",
            "record",
            "Saavutettavuusseloste",
            "Saavutettavuusselosteen tiedot: vaatimustenmukaisuus, tunnetut puutteet, palautekanava, valvova "
            "viranomainen ja tarkistuspäivä.",
            True,
            target="accessibility",
        ),
        Field(
            "privacy",
            "record",
            "Tietosuojaseloste",
            "Tietosuojaselosteen tiedot: rekisterinpitäjä, yhteystiedot, käsittelyn tarkoitus ja peruste, "
            "säilytysaika ja tarkistuspäivä.",
            True,
            target="privacy",
        ),
    ),
)

TIER = Record(
    "tier",
    "Kumppanuustaso",
    "Parasta-mallin kumppanuustaso tai muiden verkostojen ryhmä.",
    (
        Field(
            "id",
            "enum",
            "Tunniste",
            "Tason kiinteä tunniste. Tasot ovat aina tässä järjestyksessä: " + ", ".join(TIER_IDS) + ".",
            True,
            choices=TIER_IDS,
        ),
        Field("title", "str", "Otsikko", "Tason nimi, esimerkiksi Arjen kumppanuudet.", True, max_length=MAX_NAME),
        Field(
            "value_title",
            "str",
            "Arvo-otsikko",
            "Tason arvo-otsikko, esimerkiksi Palveleva arjen kumppani. Kun se on annettu, se on tason otsikko "
            "sivustolla ja Moodle-kurssin osion nimi, ja tason nimi (title) näkyy sen rinnalla.",
            max_length=MAX_NAME,
        ),
        Field(
            "motto",
            "str",
            "Tunnuslause",
            "Lyhyt tunnuslause, usein oppilaitoksen arvo, esimerkiksi Palveleva arjen kumppani.",
            True,
        ),
        Field("definition", "text", "Määritelmä", "Mitä tämän tason kumppanuus tarkoittaa. Markdown on sallittu.", True),
        Field(
            "focus_points",
            "list",
            "Painopisteet",
            "Tason yhteistyön painopisteet lyhyinä luettelokohtina.",
            True,
            item_kind="str",
            min_items=1,
        ),
        Field(
            "transitions",
            "text",
            "Siirtyminen tasolta toiselle",
            "Miten kumppanuus voi kasvaa tältä tasolta seuraavalle tai palata edelliselle. Markdown on sallittu.",
        ),
    ),
)

TIERS_FILE = Record(
    "tiers",
    "Kumppanuustasot",
    "Kaikki kumppanuustasot järjestyksessä (content/tiers.yaml).",
    (
        Field(
            "tiers",
            "list",
            "Tasot",
            "Tasot järjestyksessä: " + ", ".join(TIER_IDS) + ".",
            True,
            item_kind="record",
            target="tier",
        ),
    ),
)

FIELD_ENTRY = Record(
    "field_entry",
    "Toimiala",
    "Yksi toimiala tai koulutusala, johon kumppanit viittaavat tunnisteella.",
    (
        _id("Tunniste", "Toimialan pysyvä tunniste, jolla kumppani viittaa siihen kentässä field: pienet kirjaimet "
            "a–z, numerot ja väliviivat, esimerkiksi ravintola-ala."),
        Field("name", "str", "Nimi", "Toimialan nimi sellaisena kuin se näytetään, esimerkiksi Ravintola-ala.", True,
              max_length=MAX_NAME),
        Field(
            "synonyms",
            "list",
            "Muut nimet",
            "Sanat, joilla henkilöstö etsii tätä toimialaa, esimerkiksi ravitsemisala. Haku käyttää niitä.",
            item_kind="str",
            max_length=MAX_NAME,
        ),
    ),
)

FIELD_GROUP = Record(
    "field_group",
    "Toimialaryhmä",
    "Joukko toisiaan lähellä olevia toimialoja, joiden mukaan kumppaniluetteloita suodatetaan, esimerkiksi "
    "ravintola- ja ruokapalvelut.",
    (
        _id("Tunniste", "Ryhmän pysyvä tunniste: pienet kirjaimet a–z, numerot ja väliviivat."),
        Field("name", "str", "Nimi", "Ryhmän nimi sellaisena kuin se näytetään suodattimessa.", True,
              max_length=MAX_NAME),
        Field(
            "synonyms",
            "list",
            "Muut nimet",
            "Sanat, joilla henkilöstö etsii ryhmän kumppaneita, esimerkiksi ravintola, ravitsemis, kahvila ja "
            "ruokapalvelut. Haku käyttää niitä.",
            item_kind="str",
            max_length=MAX_NAME,
        ),
        Field(
            "fields",
            "list",
            "Toimialat",
            "Ryhmään kuuluvat toimialat. Jokainen toimiala kuuluu yhteen ryhmään.",
            True,
            item_kind="record",
            target="field_entry",
            min_items=1,
        ),
    ),
)

FIELDS_FILE = Record(
    "fields",
    "Toimialat",
    "Oppilaitoksen toimialasanasto (content/fields.yaml): toimialaryhmät, niiden toimialat ja muut nimet. Kun "
    "tiedosto on olemassa, jokaisen kumppanin field-kentän on oltava jonkin tässä luetellun toimialan tunniste; "
    "ilman tiedostoa toimiala on vapaata tekstiä. Komento partnerkit migrate fields ehdottaa sanaston käytössä "
    "olevista toimialoista.",
    (
        Field(
            "groups",
            "list",
            "Toimialaryhmät",
            "Toimialaryhmät siinä järjestyksessä, jossa ne näytetään suodattimessa.",
            True,
            item_kind="record",
            target="field_group",
            min_items=1,
        ),
    ),
)

PARTNER = Record(
    "partner",
    "Kumppani",
    "Työelämäkumppani tai muu yhteistyötaho. Sama kumppani voi tehdä yhteistyötä usealla tasolla.",
    (
        _id("Tunniste", "Kumppanin pysyvä tunniste: pienet kirjaimet a–z, numerot ja väliviivat."),
        Field("name", "str", "Nimi", "Kumppanin virallinen tai vakiintunut nimi.", True, max_length=MAX_NAME),
        Field(
            "type",
            "enum",
            "Tyyppi",
            "Kumppanin tyyppi: " + ", ".join(f"{k} ({v})" for k, v in PARTNER_TYPES.items()) + ".",
            True,
            choices=tuple(PARTNER_TYPES),
        ),
        Field(
            "field",
            "str",
            "Toimiala",
            "Kumppanin toimiala tai koulutusala. Kun toimialasanasto content/fields.yaml on olemassa, kirjoita "
            "sanaston toimialan tunniste, esimerkiksi ravintola-ala; ilman sanastoa vapaa teksti, esimerkiksi "
            "Ravintola-ala.",
            True,
        ),
        Field("website", "url", "Verkkosivu", "Kumppanin verkkosivun osoite (https://...)."),
        Field(
            "business_id",
            "business_id",
            "Y-tunnus",
            "Kumppanin Y-tunnus muodossa 1234567-8. Tarkistusmerkki tarkistetaan, ja sama Y-tunnus voi olla vain "
            "yhdellä kumppanilla. Vanha kuusinumeroinen tunnus kirjoitetaan etunollalla (0123456-7).",
            example="1234567-1",
        ),
        Field(
            "status",
            "enum",
            "Tila",
            "Kumppanuuden tila: " + ", ".join(f"{k} ({v})" for k, v in PARTNER_STATUSES.items())
            + ". Oletus active. Potentiaaliset ja päättyneet kumppanit näkyvät vain henkilöstön versiossa, eivätkä "
            "päättyneet näy tasojen kumppaniluetteloissa.",
            choices=tuple(PARTNER_STATUSES),
            default="active",
        ),
        Field(
            "size",
            "enum",
            "Kokoluokka",
            "Kumppanin henkilöstömäärän mukainen kokoluokka: "
            + ", ".join(f"{k} ({v})" for k, v in PARTNER_SIZES.items()) + ".",
            choices=tuple(PARTNER_SIZES),
        ),
        Field(
            "review_date",
            "date",
            "Tarkistettu",
            "Päivä, jolloin tiedot on viimeksi tarkistettu, muodossa VVVV-KK-PP.",
            True,
            example="2026-09-15",
        ),
        Field(
            "publishable",
            "bool",
            "Julkaistavissa",
            "true, jos kumppanin nimen ja yhteistyön saa näyttää julkisessa versiossa. Oletus false.",
            default=False,
        ),
        Field(
            "notes",
            "text",
            "Sisäiset muistiinpanot",
            "Vain henkilöstölle tarkoitetut huomiot. Eivät koskaan näy julkisessa versiossa.",
        ),
        Field(
            "partner_contacts",
            "list",
            "Kumppanin yhteyshenkilöt",
            "Kumppanin puolen yhteyshenkilöt: nimi sekä halutessa rooli, sähköposti ja puhelin. Henkilötietoa: "
            "näkyy vain henkilöstön versiossa.",
            item_kind="record",
            target="partner_contact",
        ),
        Field(
            "agreement",
            "record",
            "Sopimus",
            "Kumppanin kanssa tehty sopimus: laji, allekirjoituspäivä, voimassaolo, vastuuhenkilö ja halutessa "
            "sopimusasiakirja. Näkyy vain henkilöstön versiossa.",
            target="agreement",
        ),
        Field(
            "last_contact",
            "date",
            "Edellinen yhteydenpito",
            "Päivä, jolloin kumppaniin oltiin viimeksi yhteydessä (tapaaminen tai kumppanuuskeskustelu), muodossa "
            "VVVV-KK-PP.",
            example="2026-05-20",
        ),
        Field(
            "next_contact",
            "date",
            "Seuraava yhteydenpito",
            "Seuraavan suunnitellun yhteydenpidon päivä muodossa VVVV-KK-PP. Kun päivä on ohitettu, kumppani näkyy "
            "Tarkistettavat-raportissa.",
            example="2026-11-15",
        ),
        Field(
            "contact_rhythm_months",
            "int",
            "Yhteydenpidon väli kuukausina",
            "Kuinka monen kuukauden välein kumppaniin pidetään yhteyttä (1–60). Kun edellisestä yhteydenpidosta "
            "(last_contact) on kulunut tätä kauemmin, kumppani näkyy Tarkistettavat-raportissa.",
            example=6,
            minimum=1,
            maximum=60,
        ),
        Field(
            "cooperations",
            "list",
            "Yhteistyöt",
            "Yhteistyö kullakin tasolla: taso, kuvaus ja yhteyshenkilöt. Vähintään yksi.",
            True,
            item_kind="record",
            target="cooperation",
            min_items=1,
        ),
    ),
)

METHOD = Record(
    "method",
    "Menetelmä tai työkalu",
    "Yhteistyön menetelmä, työkalu, pohja, muistilista tai tapahtuma.",
    (
        _id("Tunniste", "Menetelmän pysyvä tunniste: pienet kirjaimet a–z, numerot ja väliviivat."),
        Field("title", "str", "Otsikko", "Menetelmän tai työkalun nimi.", True, max_length=MAX_NAME),
        Field(
            "kind",
            "enum",
            "Laji",
            "Mikä tämä on: " + ", ".join(f"{k} ({v})" for k, v in METHOD_KINDS.items()) + ".",
            True,
            choices=tuple(METHOD_KINDS),
        ),
        Field("summary", "str", "Tiivistelmä", "Yhden tai kahden virkkeen kuvaus siitä, mihin tätä käytetään.", True),
        Field("body", "text", "Kuvaus", "Pidempi kuvaus ja käyttöohje. Markdown on sallittu."),
        Field(
            "tiers",
            "list",
            "Kumppanuustasot",
            "Tasot, joilla tätä käytetään (yksi tai useampi): " + ", ".join(TIER_IDS) + ".",
            True,
            item_kind="ref",
            target="tiers",
            min_items=1,
        ),
        Field("links", "list", "Linkit", "Linkit lomakkeisiin, pohjiin tai ohjeisiin.", item_kind="record", target="link"),
        Field("owner", "ref", "Vastuuhenkilö", "Menetelmästä vastaavan yhteyshenkilön tunniste.", target="contacts"),
    ),
)

GUIDE = Record(
    "guide",
    "Ohje tai opas",
    "Ohje, joka ei kuulu yhdelle kumppanuustasolle. Näkyy Ohjeita ja oppaita -osiossa.",
    (
        _id("Tunniste", "Ohjeen pysyvä tunniste: pienet kirjaimet a–z, numerot ja väliviivat."),
        Field("title", "str", "Otsikko", "Ohjeen otsikko.", True, max_length=MAX_NAME),
        Field("summary", "str", "Tiivistelmä", "Yhden virkkeen kuvaus ohjeen sisällöstä.", True),
        Field("body", "text", "Sisältö", "Ohjeen varsinainen sisältö. Markdown on sallittu.", True),
        Field(
            "order",
            "int",
            "Järjestys",
            "Ohjeen paikka osiossa: pienempi luku tulee ensin, oletus 100. Samat luvut järjestetään otsikon mukaan.",
            default=100,
        ),
        Field("links", "list", "Linkit", "Linkit lisäaineistoon.", item_kind="record", target="link"),
        Field("owner", "ref", "Vastuuhenkilö", "Ohjeesta vastaavan yhteyshenkilön tunniste.", target="contacts"),
        Field(
            "staff_only",
            "bool",
            "Vain henkilöstölle",
            "true, jos ohje kuuluu vain henkilöstön versioon (esimerkiksi sisällön muokkaamisen ohje); julkisesta "
            "versiosta ja sen Moodle-paketista se jätetään pois. Oletus false.",
            default=False,
        ),
    ),
)

SERVICE = Record(
    "service",
    "Palvelu työelämälle",
    "Mitä oppilaitos tarjoaa yrityksille ja muille työelämän organisaatioille, esimerkiksi koulutussopimus, "
    "oppisopimus tai henkilöstökoulutus. Palvelut ovat julkisen version pääsisältö: yritys näkee, kenelle palvelu "
    "sopii, mitä se antaa ja miten pääsee alkuun. Yhteyskanavana on aina tiimin tai palvelupisteen yhteinen osoite, "
    "ei henkilön oma.",
    (
        _id("Tunniste", "Palvelun pysyvä tunniste: pienet kirjaimet a–z, numerot ja väliviivat."),
        Field("title", "str", "Otsikko", "Palvelun nimi yrityksen näkökulmasta, esimerkiksi Oppisopimuskoulutus.",
              True, max_length=MAX_NAME),
        Field("summary", "str", "Tiivistelmä",
              "Yksi virke siitä, mitä palvelu on. Näkyy palveluluettelossa ja hakukoneiden tuloksissa.", True),
        Field("for_whom", "text", "Kenelle",
              "Millaiselle yritykselle tai organisaatiolle palvelu sopii ja missä tilanteessa. Markdown on sallittu.",
              True),
        Field("benefits", "text", "Mitä yritys hyötyy",
              "Mitä palvelu antaa yritykselle: osaavaa työvoimaa, kehitysapua, uusia näkökulmia... Kirjoita "
              "yrityksen näkökulmasta. Markdown on sallittu.", True),
        Field("how_to_start", "text", "Näin pääset alkuun",
              "Ensimmäiset askeleet: kenelle ilmoittaa, mitä tietoja tarvitaan ja mitä sen jälkeen tapahtuu. "
              "Markdown on sallittu.", True),
        Field("fields", "list", "Alat",
              "Toimialat, joille palvelu on tarkoitettu, esimerkiksi ravintola-ala. Kun toimialasanasto "
              "(content/fields.yaml) on olemassa, kirjoita sen toimialan tai toimialaryhmän tunniste tai nimi. Jätä "
              "pois, jos palvelu sopii kaikille aloille.", item_kind="str"),
        Field("contact_team", "ref", "Yhteystiimi",
              "Tiimi, jonka yhteinen sähköpostiosoite on palvelun yhteyskanava (teams-kansion tiedoston id-kenttä; "
              "tiimillä on oltava email). Anna joko contact_team tai contact_email.", target="teams"),
        Field("contact_email", "email", "Yhteinen sähköposti",
              "Palvelupisteen tai tiimin yhteinen osoite, esimerkiksi oppisopimus@oppilaitos.fi. Henkilön omaa "
              "osoitetta ei hyväksytä, koska palvelu näkyy julkisesti. Anna joko contact_team tai contact_email.",
              example="oppisopimus@oppilaitos.example"),
        Field("tiers", "list", "Kumppanuustasot",
              "Tasot, joiden kumppaneille palvelua tarjotaan: " + ", ".join(TIER_IDS) + ". Näkyy vain henkilöstön "
              "versiossa (mitä voimme tarjota tälle kumppanille).", item_kind="ref", target="tiers"),
        Field("methods", "list", "Menetelmät",
              "Menetelmät ja työkalut, joilla palvelu toteutetaan (methods-kansion tiedostojen id-kentät). Näkyy "
              "vain henkilöstön versiossa.", item_kind="ref", target="methods"),
        Field("order", "int", "Järjestys",
              "Palvelun paikka luettelossa: pienempi luku tulee ensin, oletus 100. Samat luvut järjestetään "
              "otsikon mukaan.", default=100),
    ),
    one_of=("contact_team", "contact_email"),
)

CONTACT = Record(
    "contact",
    "Yhteyshenkilö",
    "Oppilaitoksen työntekijä, joka hoitaa kumppanuuksia. Henkilötietoa: näkyy vain henkilöstön versiossa.",
    (
        _id("Tunniste", "Henkilön pysyvä tunniste, esimerkiksi etunimi-sukunimi."),
        Field("name", "str", "Nimi", "Henkilön koko nimi.", True),
        Field("title", "str", "Tehtävänimike", "Henkilön tehtävä tai rooli, esimerkiksi Lehtori, ravintola-ala.", True),
        Field("email", "email", "Sähköposti", "Työsähköpostiosoite.", True),
        Field(
            "phone",
            "phone",
            "Puhelin",
            "Työpuhelin. Kirjoita lainausmerkkeihin, esimerkiksi \"040 123 4567\", ettei numero muutu luvuksi.",
            example="040 123 4567",
        ),
        Field("team", "ref", "Tiimi", "Tiimin tunniste (teams-kansion tiedostojen id-kentät).", True, target="teams"),
    ),
)

TEAM = Record(
    "team",
    "Tiimi",
    "Oppilaitoksen tiimi tai työryhmä.",
    (
        _id("Tunniste", "Tiimin pysyvä tunniste: pienet kirjaimet a–z, numerot ja väliviivat."),
        Field("name", "str", "Nimi", "Tiimin nimi.", True),
        Field("description", "text", "Kuvaus", "Mitä tiimi tekee. Markdown on sallittu."),
        Field(
            "email",
            "email",
            "Yhteinen sähköposti",
            "Tiimin yhteinen osoite. Julkisessa versiossa se näytetään henkilöiden sijaan.",
        ),
        Field("lead", "ref", "Tiimin vetäjä", "Tiimin vetäjän yhteyshenkilötunniste.", target="contacts"),
    ),
)

# An annual plan's actions: what state each is in, and what the spring evaluation decided about it.
ACTION_STATUSES: dict[str, str] = {
    "planned": "suunniteltu",
    "under_way": "käynnissä",
    "done": "tehty",
    "cancelled": "peruttu",
}
EVALUATION_DECISIONS: dict[str, str] = {
    "continue": "jatketaan",
    "change": "muutetaan",
    "stop": "lopetetaan",
}
# Without a spring_review date of its own, a plan's done actions are due for evaluation after 31 May of its year.
SPRING_REVIEW_DAY = (5, 31)

GOAL = Record(
    "goal",
    "Tavoite",
    "Tiimin vuoden tavoite yhdellä kumppanuustasolla.",
    (
        Field("tier", "ref", "Kumppanuustaso", "Taso, jota tavoite koskee: " + ", ".join(TIER_IDS) + ".", True,
              target="tiers"),
        Field("text", "text", "Tavoite", "Mitä tiimi haluaa vuoden aikana saavuttaa tällä tasolla. Markdown on "
              "sallittu.", True),
    ),
)

EVALUATION = Record(
    "evaluation",
    "Arviointi",
    "Toiminnon arviointi (tarkista ja toimi): milloin arvioitiin, mitä opittiin ja mitä seuraavaksi tehdään.",
    (
        Field("date", "date", "Arvioitu", "Päivä, jolloin toiminto arvioitiin, muodossa VVVV-KK-PP.", True,
              example="2026-05-20"),
        Field("learned", "text", "Mitä opimme", "Mitä toiminnosta opittiin: mikä onnistui, mikä ei ja miksi. "
              "Markdown on sallittu.", True),
        Field(
            "decision",
            "enum",
            "Jatko",
            "Mitä toiminnolle tehdään seuraavana vuonna: "
            + ", ".join(f"{k} ({v})" for k, v in EVALUATION_DECISIONS.items()) + ".",
            True,
            choices=tuple(EVALUATION_DECISIONS),
        ),
    ),
)

ACTION = Record(
    "action",
    "Toiminto",
    "Yksi vuosisuunnitelman toiminto: mitä tehdään, milloin, millä tasolla, kenen kanssa ja kuka vastaa. Ajankohta "
    "on joko kuukaudet (months) tai päivämäärät (start ja halutessa end).",
    (
        _id("Tunniste", "Toiminnon pysyvä tunniste suunnitelman sisällä: pienet kirjaimet a–z, numerot ja "
            "väliviivat. Kalenterimerkintä tunnistetaan tästä, joten älä vaihda sitä."),
        Field("title", "str", "Otsikko", "Toiminnon lyhyt nimi, esimerkiksi Työpaikkaohjaajien syystapaaminen.", True,
              max_length=MAX_NAME),
        Field("description", "text", "Kuvaus", "Mitä tehdään ja miksi. Markdown on sallittu."),
        Field("tier", "ref", "Kumppanuustaso", "Taso, jolla toiminto tehdään: " + ", ".join(TIER_IDS) + ".", True,
              target="tiers"),
        Field(
            "months",
            "list",
            "Kuukaudet",
            "Kuukaudet (1–12), joina toiminto tehdään, kun tarkkaa päivää ei ole, esimerkiksi [9, 10]. Anna joko "
            "months tai start.",
            item_kind="int",
            minimum=1,
            maximum=12,
            example=[9, 10],
        ),
        Field("start", "date", "Alkaa", "Toiminnon päivä tai ensimmäinen päivä muodossa VVVV-KK-PP; suunnitelman "
              "vuonna. Anna joko months tai start.", example="2026-10-08"),
        Field("end", "date", "Päättyy", "Usean päivän toiminnon viimeinen päivä muodossa VVVV-KK-PP; vain start-"
              "kentän kanssa, suunnitelman vuonna eikä ennen alkamispäivää.", example="2026-10-09"),
        Field("methods", "list", "Menetelmät", "Käytettävien menetelmien ja työkalujen tunnisteet (methods-kansion "
              "id-kentät).", item_kind="ref", target="methods"),
        Field("partners", "list", "Kumppanit", "Mukana olevien kumppanien tunnisteet (partners-kansion id-kentät).",
              item_kind="ref", target="partners"),
        Field("people", "list", "Vastuuhenkilöt", "Toiminnosta vastaavien yhteyshenkilöiden tunnisteet "
              "(contacts-kansion id-kentät). Henkilötietoa: näkyy vain henkilöstön versiossa.", item_kind="ref",
              target="contacts"),
        Field(
            "status",
            "enum",
            "Tila",
            "Toiminnon tila: " + ", ".join(f"{k} ({v})" for k, v in ACTION_STATUSES.items()) + ". Oletus planned.",
            choices=tuple(ACTION_STATUSES),
            default="planned",
        ),
        Field("evaluation", "record", "Arviointi", "Toiminnon arviointi: päivä, mitä opittiin ja jatketaanko, "
              "muutetaanko vai lopetetaanko. Tehty toiminto ilman arviointia näkyy kevään arviointipäivän jälkeen "
              "Tarkistettavat-raportissa.", target="evaluation"),
        Field(
            "public",
            "bool",
            "Julkinen",
            "true, jos toiminto on avoin tilaisuus (esimerkiksi kumppaneille avoin tapahtuma), jonka otsikon, kuvauksen "
            "ja ajankohdan saa näyttää julkisessa versiossa ilman henkilöitä. Oletus false.",
            default=False,
        ),
    ),
    one_of=("months", "start"),
)

PLAN = Record(
    "plan",
    "Vuosisuunnitelma",
    "Tiimin kumppanuusyhteistyön suunnitelma yhdelle kalenterivuodelle (content/plans/<tiimi>-<vuosi>.yaml): "
    "tavoitteet tasoittain ja toiminnot. Suunnitelmat ovat sisäisiä; julkisessa versiossa näkyvät vain julkisiksi "
    "merkityt toiminnot ilman henkilöitä.",
    (
        Field("team", "ref", "Tiimi", "Tiimin tunniste (teams-kansion id-kenttä). Kullakin tiimillä on yksi "
              "suunnitelma vuotta kohden.", True, target="teams"),
        Field("year", "int", "Vuosi", "Kalenterivuosi, jota suunnitelma koskee, esimerkiksi 2026.", True,
              example=2026, minimum=2000, maximum=2099),
        Field("spring_review", "date", "Kevään arviointipäivä", "Päivä, johon mennessä tehdyt toiminnot arvioidaan, "
              "muodossa VVVV-KK-PP; suunnitelman vuonna. Oletus 31.5.", example="2026-05-31"),
        Field("goals", "list", "Tavoitteet", "Vuoden tavoitteet tasoittain: taso ja tavoite.", item_kind="record",
              target="goal"),
        Field("actions", "list", "Toiminnot", "Vuoden toiminnot: otsikko, ajankohta, taso, menetelmät, kumppanit, "
              "vastuuhenkilöt, tila ja arviointi.", item_kind="record", target="action"),
    ),
)

RECORDS: dict[str, Record] = {
    r.name: r
    for r in (LINK, CONCEPT, SYNONYM, COOPERATION, PARTNER_CONTACT, AGREEMENT, ACCESSIBILITY, PRIVACY, FIELD_CONTACT, PUBLIC_HOME,
              TOOLBOX, TIER, TIERS_FILE, PARTNER, METHOD, GUIDE, CONTACT, TEAM, FIELD_ENTRY, FIELD_GROUP, FIELDS_FILE,
              SERVICE, GOAL, EVALUATION, ACTION, PLAN)
}

# Where each kind of content file lives, relative to content/. Folders hold one record per file.
SINGLE_FILES: dict[str, str] = {"toolbox.yaml": "toolbox", "tiers.yaml": "tiers"}
# Single files a toolbox may leave out: without fields.yaml a partner's field is free text (as before the
# vocabulary existed), so older toolboxes keep building until they migrate.
OPTIONAL_FILES: dict[str, str] = {"fields.yaml": "fields"}
# Names the site gives its own pages in a record type's folder (the listing page, the alphabetical listings):
# a record with such an id would replace one of them.
RESERVED_IDS: dict[str, tuple[str, ...]] = {"partner": ("aakkosittain", "index", "paattyneet")}
RESERVED_IN_EVERY_FOLDER = ("index",)
COLLECTIONS: dict[str, str] = {
    "partners": "partner",
    "methods": "method",
    "guides": "guide",
    "contacts": "contact",
    "teams": "team",
    "services": "service",
    "plans": "plan",
}
# Folders a toolbox may leave out: an older toolbox may not have services yet, and one without annual plans is
# complete. A missing folder means no records of that type, not a problem.
OPTIONAL_FOLDERS: tuple[str, ...] = ("services", "plans")


def describe_kind(item: Field) -> str:
    """Return the Finnish name of a field's value kind, as shown in error messages and docs."""
    names = {
        "id": "tunniste",
        "str": "teksti",
        "text": "teksti (Markdown)",
        "url": "osoite",
        "email": "sähköpostiosoite",
        "phone": "puhelinnumero",
        "business_id": "Y-tunnus 1234567-8",
        "url_pattern": "https-osoitemalli",
        "date": "päivämäärä VVVV-KK-PP",
        "bool": "true tai false",
        "int": "kokonaisluku",
        "enum": "yksi vaihtoehdoista",
        "ref": "tunniste",
        "list": "luettelo",
        "record": "joukko kenttiä",
        "file": "tiedoston polku",
    }
    return names[item.kind]


def _json_type(item: Field) -> dict[str, Any]:
    base: dict[str, Any] = {"title": item.title, "description": item.description}
    kind = item.kind
    if kind == "id":
        base.update(type="string", pattern=ID_PATTERN, maxLength=80)
    elif kind in ("str", "phone"):
        base.update(type="string", maxLength=item.max_length)
    elif kind == "text":
        base.update(type="string", maxLength=MAX_TEXT)
    elif kind == "url":
        base.update(type="string", pattern=r"^(https?://[^\s]+|mailto:[^\s]+)$")
    elif kind == "url_pattern":
        placeholders = "|".join(CRM_PLACEHOLDERS)
        base.update(type="string", maxLength=MAX_LINE,
                    pattern=r"^https://[^\s{}]+(\{(" + placeholders + r")\}[^\s{}]*)+$")
    elif kind == "business_id":
        base.update(type="string", pattern=BUSINESS_ID_PATTERN)
    elif kind == "email":
        base.update(type="string", format="email")
    elif kind == "file":
        # Relative, forward slashes, no hidden or parent (..) parts; the validator also checks the type and existence.
        base.update(type="string", maxLength=MAX_LINE, pattern=r"^(?![/~])(?!(.*/)?\.)[^\\:]*[^\\:/]$")
    elif kind == "date":
        base.update(type="string", pattern=r"^\d{4}-\d{2}-\d{2}$")
    elif kind == "bool":
        base.update(type="boolean")
    elif kind == "int":
        base.update(type="integer")
        if item.minimum is not None:
            base["minimum"] = item.minimum
        if item.maximum is not None:
            base["maximum"] = item.maximum
    elif kind == "enum":
        base.update(type="string", enum=list(item.choices))
    elif kind == "ref":
        base.update(_ref_schema(item.target))
    elif kind == "record":
        base["$ref"] = f"#/definitions/{item.target}"
    elif kind == "list":
        if item.item_kind == "record":
            items: dict[str, Any] = {"$ref": f"#/definitions/{item.target}"}
        elif item.item_kind == "ref":
            items = _ref_schema(item.target)
        elif item.item_kind == "int":
            items = {"type": "integer"}
            if item.minimum is not None:
                items["minimum"] = item.minimum
            if item.maximum is not None:
                items["maximum"] = item.maximum
        elif item.item_kind == "url":
            items = {"type": "string", "pattern": r"^(https?://[^\s]+|mailto:[^\s]+)$"}
        else:
            items = {"type": "string", "maxLength": item.max_length}
        base.update(type="array", items=items)
        if item.min_items:
            base["minItems"] = item.min_items
    if item.example is not None:
        base["examples"] = [item.example]
    if item.default is not None:
        base["default"] = item.default
    return base


def _ref_schema(target: str) -> dict[str, Any]:
    if target == "tiers":
        return {"type": "string", "enum": list(TIER_IDS)}
    return {"type": "string", "pattern": ID_PATTERN}


def _record_schema(record: Record) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": "object",
        "title": record.title,
        "description": record.description,
        "additionalProperties": False,
        "required": [f.name for f in record.fields if f.required],
        "properties": {f.name: _json_type(f) for f in record.fields},
    }
    if record.one_of:
        document["oneOf"] = [{"required": [name]} for name in record.one_of]
    return document


def _nested_records(record: Record) -> list[str]:
    found: list[str] = []
    for item in record.fields:
        if item.kind == "record" or (item.kind == "list" and item.item_kind == "record"):
            found.append(item.target)
            found.extend(_nested_records(RECORDS[item.target]))
    return sorted(set(found))


def render_json_schema(record_name: str) -> str:
    """Return the JSON Schema (draft-07, what editors support best) of one top-level record type as text."""
    record = RECORDS[record_name]
    document: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"https://partnerkit.invalid/schema/{record_name}.schema.json",
        **_record_schema(record),
    }
    nested = _nested_records(record)
    if nested:
        document["definitions"] = {name: _record_schema(RECORDS[name]) for name in nested}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def schema_files() -> dict[str, str]:
    """Return every shipped JSON Schema file as {file name: text}."""
    names = sorted(set(SINGLE_FILES.values()) | set(OPTIONAL_FILES.values()) | set(COLLECTIONS.values()))
    return {f"{name}.schema.json": render_json_schema(name) for name in names}
