"""One test per validation rule: the exact message a team lead sees, with file, line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from partnerkit.validate import business_id_check_digit
from tests.conftest import MINIMAL, problems_of


def fixture(relative: str) -> str:
    """Return the text of a file of the minimal fixture's content."""
    return (MINIMAL / "content" / relative).read_text(encoding="utf-8")


def link_to(target: str) -> str:
    """Return the fixture's method with its link pointing at target (e.g. 'file: x.pdf')."""
    return fixture("methods/tyopaikkakaynti.yaml").replace("url: https://intra.example/lomake", target)


def partner_with(extra: str) -> str:
    """Return the fixture's partner Alfa with extra lines after its publishable line (line 8 on)."""
    return fixture("partners/alfa-oy.yaml").replace("publishable: true\n", "publishable: true\n" + extra)


def toolbox_with(extra: str) -> str:
    """Return the fixture's toolbox.yaml with extra lines at its end (line 30 on)."""
    return fixture("toolbox.yaml") + extra


CASES = [
    pytest.param(
        {"teams/ravintola.yaml": b"\xef\xbb\xbfid: ravintola\nname: R\n"},
        ['content/teams/ravintola.yaml:1:1: tiedoston alussa on BOM-merkki. Tallenna tiedosto muodossa UTF-8 ilman BOM-merkkiä.'],
        id='bom',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\n".encode("utf-16")},
        ['content/teams/ravintola.yaml:1:1: tiedosto on UTF-16-muodossa. Tallenna tiedosto muodossa UTF-8.'],
        id='utf16',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: Ravintola-ala ja k\xe4si\n".encode("latin-1")},
        ['content/teams/ravintola.yaml:2:25: tiedosto ei ole UTF-8-muodossa (virheellinen tavu 0xe4). Tallenna tiedosto muodossa UTF-8.'],
        id='encoding',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\x07\n"},
        ['content/teams/ravintola.yaml:2:8: tiedostossa on näkymätön ohjausmerkki U+0007. Poista se tai kirjoita teksti uudelleen.'],
        id='control_char',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\nlead:\n\t- x\n"},
        ['content/teams/ravintola.yaml:4:1: rivillä on sarkainmerkki (Tab). Sisennä välilyönneillä.'],
        id='tab',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: " + "["*50 + "]"*50 + "\n"},
        ['content/teams/ravintola.yaml:2:46: rakenne on liian syvä (yli 40 tasoa). Tarkista sisennykset.'],
        id='too_deep',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\ndescription:\n" + "- " * 100000 + "x\n"},
        ['content/teams/ravintola.yaml:4:79: rakenne on liian syvä (yli 40 tasoa). Tarkista sisennykset.'],
        id='too_deep-block',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R: x: y\n"},
        ['content/teams/ravintola.yaml:2:8: YAML-virhe: kaksoispiste väärässä kohdassa. Tarkista rivin sisennys tai kirjoita arvo lainausmerkkeihin.'],
        id='yaml_syntax-colon',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\n  name: R\nemail: x\n"},
        ['content/teams/ravintola.yaml:2:7: YAML-virhe: kaksoispiste väärässä kohdassa. Tarkista rivin sisennys tai kirjoita arvo lainausmerkkeihin.'],
        id='yaml_syntax-indent',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: \"R\n"},
        ['content/teams/ravintola.yaml:3:1: YAML-virhe: lainausmerkki tai sulje jäi sulkematta. Tarkista, että jokaisella " ja \' merkillä on pari.'],
        id='yaml_syntax-quote',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\ntea"},
        ['content/teams/ravintola.yaml:3:4: YAML-virhe: kaksoispiste puuttuu. Kirjoita kenttä muodossa avain: arvo.'],
        id='yaml_syntax-end-of-file-without-line-break',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\n---\nid: x\n"},
        ['content/teams/ravintola.yaml:3:1: tiedostossa on useampi YAML-dokumentti (---). Kirjoita yksi tietue tiedostoa kohden.'],
        id='multiple_documents',
    ),
    pytest.param(
        {"teams/ravintola.yaml": ""},
        ['content/teams/ravintola.yaml:1:1: tiedosto on tyhjä. Kirjoita siihen team tai poista tiedosto.'],
        id='empty_file',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "- id: ravintola\n"},
        ["content/contacts/maija-malli.yaml:6:7: team: tuntematon tiimi 'ravintola'. Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/teams/.", "content/contacts/pekka-pilotti.yaml:5:7: team: tuntematon tiimi 'ravintola'. Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/teams/.", 'content/teams/ravintola.yaml:1:1: tiedoston pitää olla joukko kenttiä (avain: arvo), mutta se on luettelo. Katso mallia toisesta tiedostosta.'],
        id='not_mapping',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: &a ravintola\nname: *a\n"},
        ['content/teams/ravintola.yaml:1:5: ankkurit ja viittaukset (&nimi, *nimi) eivät ole sallittuja. Kirjoita arvo auki.'],
        id='alias',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: !!python/object:os.system R\n"},
        ['content/teams/ravintola.yaml:2:7: YAML-tunniste !!python/object:os.system ei ole sallittu. Poista tunniste.'],
        id='custom_tag',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\n<<: {email: r@x.example}\n"},
        ['content/teams/ravintola.yaml:3:1: yhdistämisavain << ei ole sallittu. Kirjoita kentät auki tähän tietueeseen.'],
        id='merge_key',
    ),
    pytest.param(
        {"teams/ravintola.yaml": 'id: ravintola\nname: "R\\e[31m"\n'},
        ['content/teams/ravintola.yaml:2:7: name: arvossa on näkymätön ohjausmerkki U+001B (lainausmerkeissä esimerkiksi \\e tai \\0). Poista se.'],
        id='control_in_value',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\u2028S\n"},
        ['content/teams/ravintola.yaml:2:8: tiedostossa on näkymätön ohjausmerkki U+2028. Poista se tai kirjoita teksti uudelleen.'],
        id='control_char-line-separator',
    ),
    pytest.param(
        {"teams/ravintola.yaml": 'id: ravintola\nname: "C:\\Users"\n'},
        ["content/teams/ravintola.yaml:2:12: YAML-virhe: lainausmerkeissä kenoviiva (\\) aloittaa erikoismerkin. Kirjoita teksti heittomerkkeihin ('...') tai kahdenna kenoviiva (\\\\)."],
        id='yaml_syntax-backslash',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\n? " + "k" * 1000 + "\n: v\n"},
        ['content/teams/ravintola.yaml:3:3: ' + 'k' * 77 + '...: tuntematon kenttä. Sallitut kentät: id, name, description, email, lead.'],
        id='unknown_key-long-key-shortened',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\nname: S\n"},
        ['content/teams/ravintola.yaml:3:1: name: kenttä on annettu kahdesti (ensimmäisen kerran rivillä 2). Poista toinen.'],
        id='duplicate_key',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\n[a]: b\n"},
        ['content/teams/ravintola.yaml:3:1: kentän nimen pitää olla tekstiä. Kirjoita nimi ilman hakasulkeita ja aaltosulkeita.'],
        id='bad_key',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\nemial: r@x.example\n"},
        ["content/teams/ravintola.yaml:3:1: emial: tuntematon kenttä. Tarkoititko 'email'? Sallitut kentät: id, name, description, email, lead."],
        id='unknown_key',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nnimi: R\n"},
        ['content/teams/ravintola.yaml:1:1: name: pakollinen kenttä puuttuu. Lisää kenttä name (Nimi).', "content/teams/ravintola.yaml:2:1: nimi: tuntematon kenttä. Tarkoititko 'name'? Sallitut kentät: id, name, description, email, lead."],
        id='unknown_key-finnish-label',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\n"},
        ['content/teams/ravintola.yaml:1:1: name: pakollinen kenttä puuttuu. Lisää kenttä name (Nimi).'],
        id='missing_field',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname:\n"},
        ['content/teams/ravintola.yaml:2:6: name: arvo puuttuu. Kirjoita kenttään teksti tai poista kenttä, jos se ei ole pakollinen.'],
        id='empty_value',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: [a, b]\n"},
        ['content/teams/ravintola.yaml:2:7: name: arvon pitää olla teksti, mutta se on luettelo.'],
        id='wrong_type',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: Ravintola Ala\nname: R\n"},
        ["content/teams/ravintola.yaml:1:5: id: 'Ravintola Ala' ei kelpaa tunnisteeksi. Käytä pieniä kirjaimia a–z, numeroita ja väliviivoja, esimerkiksi 'ravintola-ala'."],
        id='bad_id',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: " + "a"*301 + "\n"},
        ['content/teams/ravintola.yaml:2:7: name: teksti on liian pitkä (301 merkkiä, enintään 300). Lyhennä tekstiä.'],
        id='too_long',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: |\n  a\n  b\n"},
        ['content/teams/ravintola.yaml:2:7: name: tähän kenttään kuuluu yksi rivi. Poista rivinvaihdot.'],
        id='multiline',
    ),
    pytest.param(
        {"partners/gamma.yaml": None, "partners/alfa-oy.yaml": fixture("partners/alfa-oy.yaml").replace("https://alfa.example", "www.alfa")},
        ["content/partners/alfa-oy.yaml:5:10: website: 'www.alfa' ei ole kelvollinen osoite. Kirjoita osoite kokonaan, esimerkiksi https://www.example.fi/."],
        id='bad_url',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": fixture("partners/alfa-oy.yaml").replace("https://alfa.example", "javascript:alert(1)")},
        ["content/partners/alfa-oy.yaml:5:10: website: osoitteen alku 'javascript:' ei ole sallittu. Sallitut alut: https://, http:// ja mailto:."],
        id='unsafe_url',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\nemail: ravintola(at)x\n"},
        ["content/teams/ravintola.yaml:3:8: email: 'ravintola(at)x' ei ole kelvollinen sähköpostiosoite. Muoto on nimi@organisaatio.fi."],
        id='bad_email',
    ),
    pytest.param(
        {"contacts/pekka-pilotti.yaml": "id: pekka-pilotti\nname: P\ntitle: T\nemail: p@x.example\nphone: soita\nteam: ravintola\n"},
        ["content/contacts/pekka-pilotti.yaml:5:8: phone: 'soita' ei ole kelvollinen puhelinnumero. Käytä numeroita, välilyöntejä ja tarvittaessa +-merkkiä."],
        id='bad_phone',
    ),
    pytest.param(
        {"contacts/pekka-pilotti.yaml": "id: pekka-pilotti\nname: P\ntitle: T\nemail: p@x.example\nphone: 0401234567\nteam: ravintola\n"},
        ['content/contacts/pekka-pilotti.yaml:5:8: phone: puhelinnumero on kirjoitettava lainausmerkkeihin, esimerkiksi "0401234567", muuten YAML voi muuttaa sen luvuksi.'],
        id='number_phone',
    ),
    pytest.param(
        {"guides/ohje.yaml": None, "partners/gamma.yaml": fixture("partners/gamma.yaml").replace("2025-01-31", "31.1.2025")},
        ["content/partners/gamma.yaml:5:14: review_date: '31.1.2025' ei ole päivämäärä. Käytä muotoa VVVV-KK-PP, esimerkiksi 2026-09-15."],
        id='bad_date',
    ),
    pytest.param(
        {"partners/gamma.yaml": fixture("partners/gamma.yaml").replace("2025-01-31", "2025-02-30")},
        ['content/partners/gamma.yaml:5:14: review_date: päivää 2025-02-30 ei ole olemassa. Tarkista kuukausi ja päivä.'],
        id='no_such_date',
    ),
    pytest.param(
        {"partners/gamma.yaml": fixture("partners/gamma.yaml").replace("2025-01-31", "9999-12-31")},
        ['content/partners/gamma.yaml:5:14: review_date: päivämäärä 9999-12-31 ei ole sallitulla välillä (vuodet 1980–2099). Tarkista vuosi.'],
        id='date_out_of_range',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": fixture("partners/alfa-oy.yaml").replace("publishable: true", "publishable: yes")},
        ["content/partners/alfa-oy.yaml:7:14: publishable: 'yes' ei ole totuusarvo. Kirjoita true (kyllä) tai false (ei)."],
        id='bad_bool',
    ),
    pytest.param(
        {"guides/ohje.yaml": "id: ohje\ntitle: T\nsummary: S\nbody: B\norder: eka\n"},
        ["content/guides/ohje.yaml:5:8: order: 'eka' ei ole kokonaisluku. Kirjoita luku ilman lainausmerkkejä, esimerkiksi 10."],
        id='bad_int',
    ),
    pytest.param(
        {"toolbox.yaml": fixture("toolbox.yaml").replace("how_to_use: Käytä tiimeissä.\n",
                                                          "how_to_use: Käytä tiimeissä.\nreview_after_months: 0\n")},
        ["content/toolbox.yaml:5:22: review_after_months: 0 on liian pieni. Pienin sallittu arvo on 1."],
        id='too_small',
    ),
    pytest.param(
        {"toolbox.yaml": fixture("toolbox.yaml").replace("how_to_use: Käytä tiimeissä.\n",
                                                          "how_to_use: Käytä tiimeissä.\nreview_after_months: 23629\n")},
        ["content/toolbox.yaml:5:22: review_after_months: 23629 on liian suuri. Suurin sallittu arvo on 120."],
        id='too_large',
    ),
    pytest.param(
        {"partners/gamma.yaml": fixture("partners/gamma.yaml").replace("type: public", "type: publik")},
        ["content/partners/gamma.yaml:3:7: type: 'publik' ei ole sallittu arvo. Tarkoititko 'public'? Sallitut arvot: company, public, association, education, network, other."],
        id='bad_choice',
    ),
    pytest.param(
        {"partners/gamma.yaml": fixture("partners/gamma.yaml").replace("tier: verkostot", "tier: verkosto")},
        ["content/partners/gamma.yaml:8:11: cooperations[1].tier: 'verkosto' ei ole sallittu arvo. Tarkoititko 'verkostot'? Sallitut arvot: arki, kehittaminen, strateginen, verkostot, muut."],
        id='bad_choice-tier',
    ),
    pytest.param(
        {"partners/gamma.yaml": "id: gamma\nname: G\ntype: public\nfield: F\nreview_date: 2025-01-01\ncooperations: []\n"},
        ['content/partners/gamma.yaml:6:15: cooperations: luettelossa pitää olla vähintään 1 kohta(a), nyt 0.'],
        id='too_few_items',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("synonyms:\n  - words: [harjoittelupaikka]\n")},
        ['content/toolbox.yaml:31:12: synonyms[1].words: luettelossa pitää olla vähintään 2 kohta(a), nyt 1.'],
        id='too_few_items-synonyms',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": fixture("methods/tyopaikkakaynti.yaml").replace("tiers: [arki, kehittaminen]", "tiers: [arki, arki]")},
        ["content/methods/tyopaikkakaynti.yaml:10:15: tiers[2]: 'arki' on luettelossa kahdesti. Poista toinen."],
        id='duplicate_item',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\nlead: maija-mali\n"},
        ["content/teams/ravintola.yaml:3:7: lead: tuntematon yhteyshenkilö 'maija-mali'. Tarkoititko 'maija-malli'? Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/contacts/."],
        id='unknown_ref',
    ),
    pytest.param(
        {"teams/toinen.yaml": "id: ravintola\nname: R2\n"},
        ["content/teams/toinen.yaml:1:5: id: tunniste 'ravintola' on jo käytössä tiedostossa content/teams/ravintola.yaml. Anna tälle tietueelle oma tunniste."],
        id='duplicate_id',
    ),
    pytest.param(
        {"tiers.yaml": fixture("tiers.yaml").replace("id: arki", "id: TMP").replace("id: kehittaminen", "id: arki").replace("id: TMP", "id: kehittaminen")},
        ["content/tiers.yaml:2:9: tiers: kohdassa 1 pitää olla taso 'arki', nyt 'kehittaminen'. Tasojen järjestys on arki, kehittaminen, strateginen, verkostot, muut.", "content/tiers.yaml:8:9: tiers: kohdassa 2 pitää olla taso 'kehittaminen', nyt 'arki'. Tasojen järjestys on arki, kehittaminen, strateginen, verkostot, muut."],
        id='tier_order',
    ),
    pytest.param(
        {"tiers.yaml": "\n".join(fixture("tiers.yaml").split("\n")[:7]) + "\n"},
        ['content/tiers.yaml:2:3: tiers: tasoja pitää olla täsmälleen 5 (arki, kehittaminen, strateginen, verkostot, muut), nyt 1.'],
        id='tier_count',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": fixture("partners/alfa-oy.yaml").replace("tier: kehittaminen", "tier: arki")},
        ["content/partners/alfa-oy.yaml:12:11: cooperations[2].tier: kumppanilla on jo yhteistyö tasolla 'arki' (rivi 9). Yhdistä kuvaukset yhdeksi yhteistyöksi."],
        id='duplicate_tier',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": fixture("methods/tyopaikkakaynti.yaml").replace("    url: https://intra.example/lomake\n", "")},
        ['content/methods/tyopaikkakaynti.yaml:12:5: links[1]: lisää kenttä url (Osoite) tai file (Tiedosto).'],
        id='one_of_missing',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": link_to("url: https://intra.example/lomake\n    file: lomake.pdf"), "files/lomake.pdf": "x"},
        ['content/methods/tyopaikkakaynti.yaml:12:5: links[1]: anna vain yksi kentistä url, file. Poista ylimääräinen.'],
        id='one_of_many',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": link_to("file: /etc/passwd")},
        ["content/methods/tyopaikkakaynti.yaml:13:11: links[1].file: '/etc/passwd' ei ole polku kansiossa content/files/. Kirjoita polku suhteessa siihen, esimerkiksi lomakkeet/palvelulupaus.pdf; verkko-osoite kuuluu kenttään url."],
        id='file_absolute',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": link_to("file: lomakkeet\\lomake.pdf")},
        ["content/methods/tyopaikkakaynti.yaml:13:11: links[1].file: polussa 'lomakkeet\\lomake.pdf' on kenoviiva (\\). Erota kansiot kauttaviivalla (/), esimerkiksi lomakkeet/palvelulupaus.pdf."],
        id='file_backslash',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": link_to("file: ../../etc/passwd")},
        ["content/methods/tyopaikkakaynti.yaml:13:11: links[1].file: polku '../../etc/passwd' vie kansion content/files/ ulkopuolelle. Kopioi tiedosto kansioon content/files/ ja viittaa siihen sieltä."],
        id='file_outside',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": link_to("file: lomakkeet//lomake.pdf")},
        ["content/methods/tyopaikkakaynti.yaml:13:11: links[1].file: polun 'lomakkeet//lomake.pdf' osa '' ei kelpaa: tyhjää osaa tai pisteellä alkavaa nimeä ei julkaista. Nimeä tiedosto tai kansio uudelleen."],
        id='file_bad_name',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": link_to("file: lomake.svg"), "files/lomake.svg": "<svg onload=alert(1)/>"},
        ["content/methods/tyopaikkakaynti.yaml:13:11: links[1].file: tiedostotyyppiä 'svg' ei voi liittää. Sallitut tyypit: pdf, docx, doc, xlsx, xls, pptx, ppt, odt, ods, odp, rtf, txt, csv, png, jpg, jpeg, gif, webp."],
        id='file_type',
    ),
    pytest.param(
        {"methods/tyopaikkakaynti.yaml": link_to("file: lomake.pdf"), "files/lomake.PDF": "x"},
        ["content/methods/tyopaikkakaynti.yaml:13:11: links[1].file: tiedostoa 'lomake.pdf' ei ole kansiossa content/files/. Tarkoititko 'lomake.PDF'? Tarkista nimi tai lisää tiedosto."],
        id='file_missing',
    ),
    pytest.param(
        {"toolbox.yaml": None},
        ['content/toolbox.yaml:1:1: tiedosto puuttuu. Luo se; mallin saat komennolla partnerkit init.'],
        id='missing_file',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\ndescription: " + "a"*600000 + "\n"},
        ['content/teams/ravintola.yaml:1:1: tiedosto on liian suuri (600036 tavua, enintään 524288). Jaa sisältö useampaan tiedostoon.'],
        id='file_too_large',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: R\ndescription: " + "a"*20001 + "\n"},
        ['content/teams/ravintola.yaml:3:14: description: teksti on liian pitkä (20001 merkkiä, enintään 20000). Lyhennä tekstiä.'],
        id='too_long-text',
    ),
    pytest.param(
        {"teams/ravintola.yaml": "id: ravintola\nname: &nimi R\n"},
        ['content/teams/ravintola.yaml:2:7: ankkurit ja viittaukset (&nimi, *nimi) eivät ole sallittuja. Kirjoita arvo auki.'],
        id='alias-anchor-without-alias',
    ),
    pytest.param(
        {"teams/index.yaml": fixture("teams/ravintola.yaml").replace("id: ravintola", "id: index")},
        ["content/teams/index.yaml:1:5: id: tunniste 'index' on varattu sivuston omalle sivulle tässä kansiossa. Valitse toinen tunniste, esimerkiksi 'index-team', ja nimeä tiedosto sen mukaan."],
        id='reserved_id',
    ),
    pytest.param(
        {"toolbox.yaml": fixture("toolbox.yaml").replace("    aliases: [kumppani]\n", "    aliases: [kumppani]\n  - id: kumppanuus\n    term: Toinen\n    definition: Sama.\n", 1)},
        ["content/toolbox.yaml:10:5: concepts[2]: 'kumppanuus' on luettelossa kahdesti. Poista toinen."],
        id='duplicate_item-record-id',
    ),
    pytest.param(
        {"teams/Ravintola.YAML": "id: x\n"},
        ['content/teams/Ravintola.YAML:1:1: tiedostoa ei lueta, koska sen pääte ei ole pienillä kirjaimilla. Nimeä tiedosto uudelleen päätteellä .yaml.'],
        id='yaml_suffix_case',
    ),
    pytest.param(
        {"teams/tiimi \"a\".yaml": "id: x\n"},
        ['content/teams/tiimi "a".yaml:1:1: tiedoston nimessä on merkkejä, joita ei voi käyttää sivujen osoitteissa (sallitut: kirjaimet, numerot, väliviiva, alaviiva ja piste). Tiedostoa ei lueta. Nimeä se uudelleen, esimerkiksi tiimi-a.yaml.'],
        id='bad_file_name',
    ),
    pytest.param(
        {"teams/ravintola.yaml": 'id: ravintola\nname: "Ravintola\\r# Otsikko"\n'},
        ['content/teams/ravintola.yaml:2:7: name: tähän kenttään kuuluu yksi rivi. Poista rivinvaihdot.'],
        id='multiline-carriage-return',
    ),
    pytest.param(
        {"teams/ravintola.yaml": 'id: ravintola\nname: R\ndescription: "a\\ufdd0PARTNERKITRAWHTML0\\ufdd1"\n'},
        ['content/teams/ravintola.yaml:3:14: description: arvossa on näkymätön ohjausmerkki U+FDD0 (lainausmerkeissä esimerkiksi \\e tai \\0). Poista se.'],
        id='control_in_value-build-marker',
    ),
    pytest.param(
        {"teams/ravintola.yaml": 'id: ravintola\nname: R\ndescription: "Katso @@PLUGINFILE@@/x.png"\n'},
        ['content/teams/ravintola.yaml:3:14: description: tekstissä on merkkijono @@PLUGINFILE@@, jolla Moodle merkitsee omia tietojaan, joten teksti ei näkyisi kurssilla kirjoitetun kaltaisena. Muotoile teksti toisin.'],
        id='moodle_reserved',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": fixture("partners/alfa-oy.yaml").replace('name: Alfa & Beta "Testi" Oy', "name: " + "Ö" * 201)},
        ['content/partners/alfa-oy.yaml:2:7: name: teksti on liian pitkä (201 merkkiä, enintään 200). Lyhennä tekstiä.'],
        id='too_long-moodle-name',
    ),
    pytest.param(
        {"toolbox.yaml": fixture("toolbox.yaml").replace("aliases: [kumppani]", "aliases: [kumppani, " + "Ö" * 201 + "]")},
        ['content/toolbox.yaml:9:25: concepts[1].aliases[2]: teksti on liian pitkä (201 merkkiä, enintään 200). Lyhennä tekstiä.'],
        id='too_long-glossary-alias',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("business_id: 1234567\n")},
        ["content/partners/alfa-oy.yaml:8:14: business_id: '1234567' ei ole Y-tunnus. Kirjoita se muodossa 1234567-8 (seitsemän numeroa, väliviiva ja tarkistusmerkki); vanhaan kuusinumeroiseen tunnukseen lisätään etunolla."],
        id='bad_business_id',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("business_id: 1234567-2\n")},
        ['content/partners/alfa-oy.yaml:8:14: business_id: Y-tunnuksen 1234567-2 tarkistusmerkki ei täsmää, joten tunnuksessa on kirjoitusvirhe. Tarkista tunnus esimerkiksi yritys- ja yhteisötietojärjestelmästä (ytj.fi).'],
        id='business_id_check_digit',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("business_id: 1234567-1\n"),
         "partners/gamma.yaml": fixture("partners/gamma.yaml").replace("review_date", "business_id: '1234567-1'\nreview_date")},
        ['content/partners/gamma.yaml:5:14: business_id: Y-tunnus 1234567-1 on jo kumppanilla kohdassa content/partners/alfa-oy.yaml:8:14. Sama organisaatio kirjataan yhteen tiedostoon: yhdistä tiedot toiseen ja poista toinen tiedosto.'],
        id='duplicate_business_id',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("agreement:\n  kind: partnership\n  signed: 2026-05-01\n  valid_until: 2026-04-30\n")},
        ['content/partners/alfa-oy.yaml:11:16: agreement.valid_until: sopimus päättyy (2026-04-30) ennen kuin se on allekirjoitettu (2026-05-01). Korjaa jompikumpi päivämäärä.'],
        id='agreement_dates',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("owner_email: tyokalupakki(at)oppilaitos.example\n")},
        ["content/toolbox.yaml:30:14: owner_email: 'tyokalupakki(at)oppilaitos.example' ei ole kelvollinen sähköpostiosoite. Muoto on nimi@organisaatio.fi."],
        id='owner_email_bad',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("crm_url: http://crm.example.fi/{business_id}\n")},
        ["content/toolbox.yaml:30:10: crm_url: 'http://crm.example.fi/{business_id}' ei ole https-osoite. Kirjoita osoitemalli kokonaan, esimerkiksi https://crm.example.fi/yritykset/{business_id}."],
        id='crm_url_not_https',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("crm_url: https://crm.example.fi/{ytunnus}\n")},
        ["content/toolbox.yaml:30:10: crm_url: osoitemallissa on tuntematon paikka '{ytunnus}'. Sallitut paikat ovat {business_id}, {id}; muita aaltosulkeita osoitteessa ei voi olla."],
        id='crm_url_placeholder',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("crm_url: 'https://crm.example.fi/{id}}'\n")},
        ["content/toolbox.yaml:30:10: crm_url: osoitemallissa on tuntematon paikka '}'. Sallitut paikat ovat {business_id}, {id}; muita aaltosulkeita osoitteessa ei voi olla."],
        id='crm_url_placeholder-stray-brace',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("crm_url: https://crm.example.fi/yritykset\n")},
        ['content/toolbox.yaml:30:10: crm_url: osoitemallissa ei ole paikkaa kumppanin tunnisteelle. Lisää osoitteeseen {business_id}, {id}, esimerkiksi https://crm.example.fi/yritykset/{business_id}.'],
        id='crm_url_no_placeholder',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("contact_rhythm_months: 61\n")},
        ['content/partners/alfa-oy.yaml:8:24: contact_rhythm_months: 61 on liian suuri. Suurin sallittu arvo on 60.'],
        id='too_large-contact-rhythm',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": fixture("partners/alfa-oy.yaml").replace(
            "    contacts: [maija-malli]\n", "    contacts: [maija-malli]\n    deputy: pekka-pilot\n    team: keittio\n")},
        ["content/partners/alfa-oy.yaml:12:13: cooperations[1].deputy: tuntematon yhteyshenkilö 'pekka-pilot'. Tarkoititko 'pekka-pilotti'? Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/contacts/.",
         "content/partners/alfa-oy.yaml:13:11: cooperations[1].team: tuntematon tiimi 'keittio'. Tarkista tunniste tai lisää puuttuva tiedosto kansioon content/teams/."],
        id='unknown_ref-deputy-and-team',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("partner_contacts:\n  - role: Johtaja\n    email: aino@alfa.example\n")},
        ['content/partners/alfa-oy.yaml:9:5: partner_contacts[1].name: pakollinen kenttä puuttuu. Lisää kenttä name (Nimi).'],
        id='missing_field-partner-contact-name',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("status: potential\n")},
        ["content/partners/alfa-oy.yaml:8:9: status: 'potential' ei ole sallittu arvo. Sallitut arvot: prospect, active, ended."],
        id='bad_choice-status',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("agreement:\n  kind: partnership\n  attachment: sopimukset/alfa.pdf\n")},
        ["content/partners/alfa-oy.yaml:10:15: agreement.attachment: tiedostoa 'sopimukset/alfa.pdf' ei ole kansiossa content/files/. Tarkista nimi tai lisää tiedosto."],
        id='file_missing-agreement-attachment',
    ),
]


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_rule_reports_exact_message(project: Callable[..., Path], changes: dict, expected: list[str]) -> None:
    assert problems_of(project(changes)) == expected


def test_symbolic_links_out_of_content_are_refused(project: Callable[..., Path], tmp_path: Path) -> None:
    root = project({"methods/tyopaikkakaynti.yaml": link_to("file: salasanat.txt")})
    secret = tmp_path / "salaisuus.txt"
    secret.write_text("id: hunter2\n", encoding="utf-8")
    (root / "content" / "files").mkdir()
    (root / "content" / "files" / "salasanat.txt").symlink_to(secret)
    (root / "content" / "teams" / "vieras.yaml").symlink_to(secret)
    assert problems_of(root) == [
        "content/methods/tyopaikkakaynti.yaml:13:11: links[1].file: polku 'salasanat.txt' vie kansion content/files/ "
        "ulkopuolelle. Kopioi tiedosto kansioon content/files/ ja viittaa siihen sieltä.",
        "content/teams/vieras.yaml:1:1: tiedosto on symbolinen linkki kansion content/ ulkopuolelle. Korvaa linkki itse "
        "tiedostolla.",
    ]


def test_a_loop_of_symbolic_links_is_located(project: Callable[..., Path]) -> None:
    root = project()
    teams = root / "content" / "teams"
    (teams / "kehä.yaml").symlink_to("kehä.yaml")
    (teams / "a.yaml").symlink_to("b.yaml")
    (teams / "b.yaml").symlink_to("a.yaml")
    message = ("tiedosto on symbolinen linkki, joka ei johda tiedostoon (linkki on rikki tai linkit kiertävät kehää). "
               "Korvaa linkki itse tiedostolla.")
    assert problems_of(root) == [f"content/teams/{name}:1:1: {message}" for name in ("a.yaml", "b.yaml", "kehä.yaml")]


# The relationship fields' own rules in English (--lang en): the same place, the catalogue's English text.
ENGLISH_CASES = [
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("business_id: 1234567\n")},
        ["content/partners/alfa-oy.yaml:8:14: business_id: '1234567' is not a Finnish business ID. Write it as 1234567-8 (seven digits, a hyphen and the check digit); an old six-digit ID gets a leading zero."],
        id='bad_business_id',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("business_id: 1234567-2\n")},
        ['content/partners/alfa-oy.yaml:8:14: business_id: the check digit of business ID 1234567-2 does not match, so the ID has a typing error. Check the ID, for example in the Finnish business information system (ytj.fi).'],
        id='business_id_check_digit',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("business_id: 1234567-1\n"),
         "partners/gamma.yaml": fixture("partners/gamma.yaml").replace("review_date", "business_id: '1234567-1'\nreview_date")},
        ['content/partners/gamma.yaml:5:14: business_id: business ID 1234567-1 is already given to the partner at content/partners/alfa-oy.yaml:8:14. One organisation is recorded in one file: merge the two and delete the other file.'],
        id='duplicate_business_id',
    ),
    pytest.param(
        {"partners/alfa-oy.yaml": partner_with("agreement:\n  kind: partnership\n  signed: 2026-05-01\n  valid_until: 2026-04-30\n")},
        ['content/partners/alfa-oy.yaml:11:16: agreement.valid_until: the agreement ends (2026-04-30) before it was signed (2026-05-01). Correct one of the dates.'],
        id='agreement_dates',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("crm_url: http://crm.example.fi/{business_id}\n")},
        ["content/toolbox.yaml:30:10: crm_url: 'http://crm.example.fi/{business_id}' is not an https address. Write the whole address pattern, for example https://crm.example.com/companies/{business_id}."],
        id='crm_url_not_https',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("crm_url: https://crm.example.fi/{ytunnus}\n")},
        ["content/toolbox.yaml:30:10: crm_url: the address pattern has an unknown placeholder '{ytunnus}'. The allowed placeholders are {business_id}, {id}; the address may hold no other braces."],
        id='crm_url_placeholder',
    ),
    pytest.param(
        {"toolbox.yaml": toolbox_with("crm_url: https://crm.example.fi/yritykset\n")},
        ['content/toolbox.yaml:30:10: crm_url: the address pattern has no placeholder for the partner. Add {business_id}, {id} to the address, for example https://crm.example.com/companies/{business_id}.'],
        id='crm_url_no_placeholder',
    ),
]


@pytest.mark.parametrize(("changes", "expected"), ENGLISH_CASES)
def test_relationship_rule_reports_exact_message_in_english(project: Callable[..., Path], changes: dict,
                                                            expected: list[str]) -> None:
    assert problems_of(project(changes), "en") == expected


@pytest.mark.parametrize(("digits", "expected"), [("1234567", 1), ("0737546", 2), ("1572860", 0), ("0000001", 9),
                                                  ("1000000", 4), ("0000030", None)])
def test_business_id_check_digit_follows_the_modulo_11_rule(digits: str, expected: int | None) -> None:
    assert business_id_check_digit(digits) == expected


def test_every_relationship_field_filled_in_is_valid(project: Callable[..., Path]) -> None:
    alfa = partner_with(
        "business_id: 1234567-1\nstatus: prospect\nsize: pieni\nagreement:\n  kind: partnership\n"
        "  signed: 2026-05-01\n  valid_until: 2026-05-01\n  owner: maija-malli\n  attachment: sopimukset/alfa.pdf\n"
        "partner_contacts:\n  - name: Aino Alfa\n    role: Johtaja\n    email: aino@alfa.example\n"
        "    phone: \"040 000 0000\"\nlast_contact: 2026-01-01\nnext_contact: 2026-06-01\ncontact_rhythm_months: 6\n"
    ).replace("    contacts: [maija-malli]\n", "    contacts: [maija-malli]\n    deputy: pekka-pilotti\n    team: ravintola\n")
    root = project({"partners/alfa-oy.yaml": alfa, "files/sopimukset/alfa.pdf": "x",
                    "toolbox.yaml": toolbox_with("crm_url: https://crm.example.fi/yritykset/{business_id}?id={id}\n")})
    assert problems_of(root) == []
