"""Problems found in content, and the Finnish and English texts that explain them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("fi", "en")

# Every message says what is wrong and what to do. Keys are stable: tests assert on the rendered text.
CATALOGUE: dict[str, dict[str, str]] = {
    "missing_file": {
        "fi": "tiedosto puuttuu. Luo se; mallin saat komennolla partnerkit init.",
        "en": "file is missing. Create it; partnerkit init gives a template.",
    },
    "missing_folder": {
        "fi": "kansio puuttuu. Luo kansio ja lisää siihen vähintään yksi {record}-tiedosto.",
        "en": "folder is missing. Create it and add at least one {record} file.",
    },
    "symlink_outside": {
        "fi": "tiedosto on symbolinen linkki kansion content/ ulkopuolelle. Korvaa linkki itse tiedostolla.",
        "en": "the file is a symbolic link to outside content/. Replace the link with the file itself.",
    },
    "read_error": {
        "fi": "tiedostoa ei voi lukea ({detail}). Tarkista tiedoston oikeudet.",
        "en": "cannot read the file ({detail}). Check the file's permissions.",
    },
    "file_too_large": {
        "fi": "tiedosto on liian suuri ({size} tavua, enintään {limit}). Jaa sisältö useampaan tiedostoon.",
        "en": "file is too large ({size} bytes, at most {limit}). Split the content into several files.",
    },
    "bom": {
        "fi": "tiedoston alussa on BOM-merkki. Tallenna tiedosto muodossa UTF-8 ilman BOM-merkkiä.",
        "en": "the file starts with a byte-order mark. Save it as UTF-8 without BOM.",
    },
    "utf16": {
        "fi": "tiedosto on UTF-16-muodossa. Tallenna tiedosto muodossa UTF-8.",
        "en": "the file is UTF-16 encoded. Save it as UTF-8.",
    },
    "encoding": {
        "fi": "tiedosto ei ole UTF-8-muodossa (virheellinen tavu {byte}). Tallenna tiedosto muodossa UTF-8.",
        "en": "the file is not UTF-8 (invalid byte {byte}). Save it as UTF-8.",
    },
    "control_char": {
        "fi": "tiedostossa on näkymätön ohjausmerkki {char}. Poista se tai kirjoita teksti uudelleen.",
        "en": "the file contains an invisible control character {char}. Remove it or retype the text.",
    },
    "tab": {
        "fi": "rivillä on sarkainmerkki (Tab). Sisennä välilyönneillä.",
        "en": "the line contains a tab character. Indent with spaces.",
    },
    "too_deep": {
        "fi": "rakenne on liian syvä (yli {limit} tasoa). Tarkista sisennykset.",
        "en": "the structure is nested too deeply (more than {limit} levels). Check the indentation.",
    },
    "yaml_syntax": {
        "fi": "YAML-virhe: {detail}",
        "en": "YAML error: {detail}",
    },
    "multiple_documents": {
        "fi": "tiedostossa on useampi YAML-dokumentti (---). Kirjoita yksi tietue tiedostoa kohden.",
        "en": "the file holds several YAML documents (---). Write one record per file.",
    },
    "empty_file": {
        "fi": "tiedosto on tyhjä. Kirjoita siihen {record} tai poista tiedosto.",
        "en": "the file is empty. Write a {record} in it or delete the file.",
    },
    "not_mapping": {
        "fi": "tiedoston pitää olla joukko kenttiä (avain: arvo), mutta se on {actual}. Katso mallia toisesta tiedostosta.",
        "en": "the file must be a set of fields (key: value), but it is {actual}. Use another file as a model.",
    },
    "alias": {
        "fi": "ankkurit ja viittaukset (&nimi, *nimi) eivät ole sallittuja. Kirjoita arvo auki.",
        "en": "anchors and aliases (&name, *name) are not allowed. Write the value out.",
    },
    "custom_tag": {
        "fi": "YAML-tunniste {tag} ei ole sallittu. Poista tunniste.",
        "en": "the YAML tag {tag} is not allowed. Remove the tag.",
    },
    "merge_key": {
        "fi": "yhdistämisavain << ei ole sallittu. Kirjoita kentät auki tähän tietueeseen.",
        "en": "the merge key << is not allowed. Write the fields out in this record.",
    },
    "control_in_value": {
        "fi": "{key}: arvossa on näkymätön ohjausmerkki {char} (lainausmerkeissä esimerkiksi \\e tai \\0). Poista se.",
        "en": "{key}: the value contains an invisible control character {char} (such as \\e or \\0 in quotes). "
        "Remove it.",
    },
    "duplicate_key": {
        "fi": "{key}: kenttä on annettu kahdesti (ensimmäisen kerran rivillä {first_line}). Poista toinen.",
        "en": "{key}: the field is given twice (first on line {first_line}). Remove one.",
    },
    "bad_key": {
        "fi": "kentän nimen pitää olla tekstiä. Kirjoita nimi ilman hakasulkeita ja aaltosulkeita.",
        "en": "a field name must be text. Write the name without brackets or braces.",
    },
    "unknown_key": {
        "fi": "{key}: tuntematon kenttä.{hint} Sallitut kentät: {allowed}.",
        "en": "{key}: unknown field.{hint} Allowed fields: {allowed}.",
    },
    "did_you_mean": {
        "fi": " Tarkoititko {suggestion}?",
        "en": " Did you mean {suggestion}?",
    },
    "missing_field": {
        "fi": "{key}: pakollinen kenttä puuttuu. Lisää kenttä {name} ({title}).",
        "en": "{key}: required field is missing. Add the field {name} ({title}).",
    },
    "empty_value": {
        "fi": "{key}: arvo puuttuu. Kirjoita kenttään {expected} tai poista kenttä, jos se ei ole pakollinen.",
        "en": "{key}: the value is missing. Write {expected} or remove the field if it is optional.",
    },
    "wrong_type": {
        "fi": "{key}: arvon pitää olla {expected}, mutta se on {actual}.",
        "en": "{key}: expected {expected}, but the value is {actual}.",
    },
    "bad_id": {
        "fi": "{key}: '{value}' ei kelpaa tunnisteeksi. Käytä pieniä kirjaimia a–z, numeroita ja väliviivoja, esimerkiksi '{suggestion}'.",
        "en": "{key}: '{value}' is not a valid id. Use lowercase a–z, digits and hyphens, for example '{suggestion}'.",
    },
    "too_long": {
        "fi": "{key}: teksti on liian pitkä ({length} merkkiä, enintään {limit}). Lyhennä tekstiä.",
        "en": "{key}: the text is too long ({length} characters, at most {limit}). Shorten it.",
    },
    "multiline": {
        "fi": "{key}: tähän kenttään kuuluu yksi rivi. Poista rivinvaihdot.",
        "en": "{key}: this field takes a single line. Remove the line breaks.",
    },
    "bad_url": {
        "fi": "{key}: '{value}' ei ole kelvollinen osoite. Kirjoita osoite kokonaan, esimerkiksi https://www.example.fi/.",
        "en": "{key}: '{value}' is not a valid address. Write the full address, for example https://www.example.com/.",
    },
    "unsafe_url": {
        "fi": "{key}: osoitteen alku '{scheme}:' ei ole sallittu. Sallitut alut: https://, http:// ja mailto:.",
        "en": "{key}: the address scheme '{scheme}:' is not allowed. Allowed: https://, http:// and mailto:.",
    },
    "one_of_missing": {
        "fi": "{key}: lisää kenttä {names}.",
        "en": "{key}: add the field {names}.",
    },
    "one_of_many": {
        "fi": "{key}: anna vain yksi kentistä {names}. Poista ylimääräinen.",
        "en": "{key}: give only one of the fields {names}. Remove the other.",
    },
    "file_absolute": {
        "fi": "{key}: '{value}' ei ole polku kansiossa content/files/. Kirjoita polku suhteessa siihen, esimerkiksi "
        "lomakkeet/palvelulupaus.pdf; verkko-osoite kuuluu kenttään url.",
        "en": "{key}: '{value}' is not a path inside content/files/. Write the path relative to it, for example "
        "forms/service-promise.pdf; a web address belongs in the field url.",
    },
    "file_backslash": {
        "fi": "{key}: polussa '{value}' on kenoviiva (\\). Erota kansiot kauttaviivalla (/), esimerkiksi "
        "lomakkeet/palvelulupaus.pdf.",
        "en": "{key}: the path '{value}' contains a backslash (\\). Separate folders with a slash (/), for example "
        "forms/service-promise.pdf.",
    },
    "file_outside": {
        "fi": "{key}: polku '{value}' vie kansion content/files/ ulkopuolelle. Kopioi tiedosto kansioon content/files/ "
        "ja viittaa siihen sieltä.",
        "en": "{key}: the path '{value}' leads outside content/files/. Copy the file into content/files/ and refer to "
        "it there.",
    },
    "file_bad_name": {
        "fi": "{key}: polun '{value}' osa '{part}' ei kelpaa: tyhjää osaa tai pisteellä alkavaa nimeä ei julkaista. "
        "Nimeä tiedosto tai kansio uudelleen.",
        "en": "{key}: the part '{part}' of the path '{value}' is not allowed: empty parts and names starting with a "
        "dot are not published. Rename the file or folder.",
    },
    "file_type": {
        "fi": "{key}: tiedostotyyppiä '{suffix}' ei voi liittää. Sallitut tyypit: {allowed}.",
        "en": "{key}: files of type '{suffix}' cannot be attached. Allowed types: {allowed}.",
    },
    "file_missing": {
        "fi": "{key}: tiedostoa '{value}' ei ole kansiossa content/files/.{hint} Tarkista nimi tai lisää tiedosto.",
        "en": "{key}: there is no file '{value}' in content/files/.{hint} Check the name or add the file.",
    },
    "bad_email": {
        "fi": "{key}: '{value}' ei ole kelvollinen sähköpostiosoite. Muoto on nimi@organisaatio.fi.",
        "en": "{key}: '{value}' is not a valid e-mail address. The form is name@organisation.com.",
    },
    "bad_phone": {
        "fi": "{key}: '{value}' ei ole kelvollinen puhelinnumero. Käytä numeroita, välilyöntejä ja tarvittaessa +-merkkiä.",
        "en": "{key}: '{value}' is not a valid phone number. Use digits, spaces and an optional + sign.",
    },
    "number_phone": {
        "fi": "{key}: puhelinnumero on kirjoitettava lainausmerkkeihin, esimerkiksi \"{value}\", muuten YAML voi muuttaa sen luvuksi.",
        "en": "{key}: write the phone number in quotes, for example \"{value}\", or YAML may turn it into a number.",
    },
    "bad_date": {
        "fi": "{key}: '{value}' ei ole päivämäärä. Käytä muotoa VVVV-KK-PP, esimerkiksi 2026-09-15.",
        "en": "{key}: '{value}' is not a date. Use the form YYYY-MM-DD, for example 2026-09-15.",
    },
    "no_such_date": {
        "fi": "{key}: päivää {value} ei ole olemassa. Tarkista kuukausi ja päivä.",
        "en": "{key}: the date {value} does not exist. Check the month and the day.",
    },
    "date_out_of_range": {
        "fi": "{key}: päivämäärä {value} ei ole sallitulla välillä (vuodet {first}–{last}). Tarkista vuosi.",
        "en": "{key}: the date {value} is outside the allowed range (years {first}–{last}). Check the year.",
    },
    "bad_bool": {
        "fi": "{key}: '{value}' ei ole totuusarvo. Kirjoita true (kyllä) tai false (ei).",
        "en": "{key}: '{value}' is not a boolean. Write true or false.",
    },
    "bad_int": {
        "fi": "{key}: '{value}' ei ole kokonaisluku. Kirjoita luku ilman lainausmerkkejä, esimerkiksi 10.",
        "en": "{key}: '{value}' is not a whole number. Write a number without quotes, for example 10.",
    },
    "too_large": {
        "fi": "{key}: {value} on liian suuri. Suurin sallittu arvo on {maximum}.",
        "en": "{key}: {value} is too large. The largest allowed value is {maximum}.",
    },
    "too_small": {
        "fi": "{key}: {value} on liian pieni. Pienin sallittu arvo on {minimum}.",
        "en": "{key}: {value} is too small. The smallest allowed value is {minimum}.",
    },
    "bad_choice": {
        "fi": "{key}: '{value}' ei ole sallittu arvo.{hint} Sallitut arvot: {allowed}.",
        "en": "{key}: '{value}' is not an allowed value.{hint} Allowed values: {allowed}.",
    },
    "too_few_items": {
        "fi": "{key}: luettelossa pitää olla vähintään {minimum} kohta(a), nyt {count}.",
        "en": "{key}: the list needs at least {minimum} item(s), now {count}.",
    },
    "duplicate_item": {
        "fi": "{key}: '{value}' on luettelossa kahdesti. Poista toinen.",
        "en": "{key}: '{value}' is listed twice. Remove one.",
    },
    "unknown_ref": {
        "fi": "{key}: tuntematon {target} '{value}'.{hint} Tarkista tunniste tai lisää puuttuva tiedosto kansioon {folder}.",
        "en": "{key}: unknown {target} '{value}'.{hint} Check the id or add the missing file to {folder}.",
    },
    "duplicate_id": {
        "fi": "id: tunniste '{value}' on jo käytössä tiedostossa {other}. Anna tälle tietueelle oma tunniste.",
        "en": "id: the id '{value}' is already used in {other}. Give this record an id of its own.",
    },
    "tier_order": {
        "fi": "tiers: kohdassa {position} pitää olla taso '{expected}', nyt '{value}'. Tasojen järjestys on {order}.",
        "en": "tiers: position {position} must hold the tier '{expected}', not '{value}'. The order is {order}.",
    },
    "tier_count": {
        "fi": "tiers: tasoja pitää olla täsmälleen {expected} ({order}), nyt {count}.",
        "en": "tiers: there must be exactly {expected} tiers ({order}), now {count}.",
    },
    "duplicate_tier": {
        "fi": "{key}: kumppanilla on jo yhteistyö tasolla '{value}' (rivi {first_line}). Yhdistä kuvaukset yhdeksi yhteistyöksi.",
        "en": "{key}: the partner already has a cooperation at tier '{value}' (line {first_line}). Merge the descriptions.",
    },
    "summary": {
        "fi": "{count} virhettä {files} tiedostossa. Korjaa virheet ja aja tarkistus uudelleen.",
        "en": "{count} error(s) in {files} file(s). Fix them and run the check again.",
    },
    "summary_one": {
        "fi": "1 virhe. Korjaa virhe ja aja tarkistus uudelleen.",
        "en": "1 error. Fix it and run the check again.",
    },
}

KIND_WORDS: dict[str, dict[str, str]] = {
    "mapping": {"fi": "joukko kenttiä", "en": "a set of fields"},
    "list": {"fi": "luettelo", "en": "a list"},
    "text": {"fi": "teksti", "en": "text"},
    "empty": {"fi": "tyhjä", "en": "empty"},
}

TARGET_WORDS: dict[str, dict[str, str]] = {
    "tiers": {"fi": "kumppanuustaso", "en": "tier"},
    "contacts": {"fi": "yhteyshenkilö", "en": "contact person"},
    "teams": {"fi": "tiimi", "en": "team"},
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the content, located to file, line and column (1-based)."""

    path: str
    line: int
    column: int
    code: str
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def render(self, lang: str = "fi") -> str:
        """Return the problem as 'path:line:column: message' in the given language."""
        return f"{self.path}:{self.line}:{self.column}: {format_message(self.code, lang, **dict(self.params))}"


def make_problem(path: str, line: int, column: int, code: str, **params: Any) -> Problem:
    """Return a Problem; params fill the message's placeholders."""
    if code not in CATALOGUE:
        raise KeyError(f"no message for {code!r}")
    return Problem(path, line, column, code, tuple(sorted(params.items())))


def format_message(code: str, lang: str, **params: Any) -> str:
    """Return the catalogue text for code in lang with its placeholders filled."""
    template = CATALOGUE[code].get(lang) or CATALOGUE[code]["fi"]
    return template.format(**params)


def format_summary(problems: list[Problem], lang: str) -> str:
    """Return the closing line of a failed check."""
    if len(problems) == 1:
        return format_message("summary_one", lang)
    files = len({p.path for p in problems})
    return format_message("summary", lang, count=len(problems), files=files)


class ContentError(Exception):
    """Raised when content has problems; carries all of them, sorted by location."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in content")
        self.problems = sorted(problems)
