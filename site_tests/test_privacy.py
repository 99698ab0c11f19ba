"""The public build holds no personal data and no internal information, in any byte of any output file."""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import shutil
import tarfile
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from partnerkit.builders import quiet
from partnerkit.model import Toolbox
from partnerkit.pipeline import Project, build_outputs
from site_tests.conftest import ROOT, BuiltSite

_TAG = re.compile(r"<[^>]+>")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_SPACE = re.compile(r"\s+")
_WORD_BREAK = re.compile(r"<wbr\s*/?>", re.I)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# Pagefind's index files are gzip streams that start with this signature once decompressed.
PAGEFIND_PREFIX = b"pagefind_dcd"


@dataclass(frozen=True, order=True)
class Finding:
    """A forbidden value found in an output file (path!member for files inside archives)."""

    file: str
    value: str
    why: str


def normalise(text: str) -> str:
    """Return text as a reader sees it: <wbr> tags dropped, entities, JSON and URL escapes undone, one space, folded."""
    text = _WORD_BREAK.sub("", text)  # an e-mail address is shown as name@<wbr>domain (render.breakable_email)
    text = html.unescape(text)
    text = _JSON_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    text = unquote(text)
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACE.sub(" ", text).casefold()


def forbidden_values(toolbox: Toolbox) -> dict[str, str]:
    """Return {value: why it is forbidden} for every personal value and internal-only text of the content."""
    values: dict[str, str] = {}
    for contact in toolbox.contacts:
        who = f"yhteyshenkilö {contact.id}"
        values[contact.name] = f"{who}: nimi"
        surname = contact.name.split()[-1]
        if len(surname) >= 4:
            values[surname] = f"{who}: sukunimi"
        values[contact.email] = f"{who}: sähköposti"
        values[contact.email.split("@")[0]] = f"{who}: sähköpostin alku"
        values[contact.id] = f"{who}: tunniste (nimestä)"
        if contact.phone:
            values[contact.phone] = f"{who}: puhelin"
            values[re.sub(r"[^0-9+]", "", contact.phone)] = f"{who}: puhelin ilman välejä"
    for partner in toolbox.partners:
        # Partner-side people are personal data of people outside the institution; agreements are internal.
        for person in partner.partner_contacts:
            who = f"kumppanin {partner.id} yhteyshenkilö"
            values[person.name] = f"{who}: nimi"
            if person.email:
                values[person.email] = f"{who}: sähköposti"
            if person.phone:
                values[person.phone] = f"{who}: puhelin"
                values[re.sub(r"[^0-9+]", "", person.phone)] = f"{who}: puhelin ilman välejä"
        if partner.agreement is not None and partner.agreement.attachment:
            values[partner.agreement.attachment] = f"kumppanin {partner.id} sopimusasiakirja"
        # Prospects and ended cooperations are no current partnership: the public view leaves them out.
        if not partner.publishable or partner.status != "active":
            values[partner.name] = f"julkaisematon kumppani {partner.id}: nimi"
            values[f"{partner.id}.html"] = f"julkaisematon kumppani {partner.id}: sivu"
            values[partner.source] = f"julkaisematon kumppani {partner.id}: lähdetiedosto"
            if partner.website:
                values[partner.website.rstrip("/")] = f"julkaisematon kumppani {partner.id}: verkkosivu"
            for coop in partner.cooperations:
                for sentence in re.split(r"(?<=[.!?])\s+", coop.description.strip()):
                    if len(sentence.split()) >= 4:
                        values[" ".join(sentence.split())] = f"julkaisematon kumppani {partner.id}: kuvaus"
        for sentence in re.split(r"(?<=[.!?])\s+", partner.notes):
            if len(sentence.split()) >= 4:
                values[sentence.strip()] = f"kumppanin {partner.id} sisäinen muistiinpano"
    # Captions and links that only the internal templates write around a tier's partners (site and Moodle).
    for tier in toolbox.tiers:
        # Ended cooperations are left out of the tier tables (and their counts).
        count = sum(1 for p in toolbox.partners if p.status != "ended" for coop in p.cooperations if coop.tier == tier.id)
        values[f"{tier.title}: {count} kumppania"] = f"tason {tier.id} kumppanitaulukko"
        values[f"{tier.title}: kumppanit"] = f"tason {tier.id} kumppanitaulukko (Moodle)"
    # The web editor and suggestions are for staff: the public site links to neither (issue 16).
    values["Ehdota muutosta"] = "muutosehdotuksen linkki (vain henkilöstölle)"
    values["Muokkaa lomakkeella"] = "verkkomuokkaimen linkki (vain henkilöstölle)"
    values["muokkaa/index.html"] = "verkkomuokkaimen osoite (vain henkilöstölle)"
    values["issues/new"] = "muutosehdotus arkiston ilmoituksena (vain henkilöstölle)"
    for phrase in ("Kaikki tason kumppanit", "Sisäiset muistiinpanot", "Kaikki tämän kumppanin kanssa työskentelevät",
                   "Kumppanin yhteyshenkilöt", "Sopimusasiakirja", "Päättyneet kumppanuudet"):
        values[phrase] = "vain henkilöstön versiossa oleva otsikko"
    return values


def staff_only_values(toolbox: Toolbox, repository: str) -> dict[str, str]:
    """Return {value: why} of the staff's links and words that no public page or package may hold."""
    values = {address.rstrip("/"): "sisäinen osoite (toolbox.yaml internal_addresses)"
              for address in toolbox.internal_addresses}
    values[repository] = "oppilaitoksen arkisto (mkdocs.yml repo_url)"
    for phrase in ("Julkaisu Moodleen", "Muokkaa lähdetiedostoa", "Tarkistettavat", "Muutokset ja tarkistukset",
                   "Näin käytät työkalupakkia"):
        values[phrase] = "vain henkilöstön sivu tai otsikko"
    for text in (toolbox.introduction, toolbox.how_to_use):
        values[" ".join(text.split(".")[0].split())] = "henkilöstön johdanto"
    for guide in toolbox.guides:
        if guide.staff_only:
            values[guide.title] = f"henkilöstön ohje {guide.id}"
    return values


def tier_names(toolbox: Toolbox) -> dict[str, str]:
    """Return {tier title: why}: the tiers are the staff's working tool, named nowhere on the public site."""
    return {tier.title: f"tason {tier.id} nimi" for tier in toolbox.tiers}


def expand(name: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """Yield the file itself and, recursively, every member of gzip, tar and zip containers inside it."""
    yield name, data
    if depth > 4:
        return
    if data[:2] == b"\x1f\x8b":
        yield from expand(f"{name}!gunzip", gzip.decompress(data), depth + 1)
        return
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in sorted(archive.namelist()):
                yield from expand(f"{name}!{member}", archive.read(member), depth + 1)
        return
    if len(data) > 262 and data[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member in sorted(archive.getmembers(), key=lambda m: m.name):
                extracted = archive.extractfile(member) if member.isfile() else None
                if extracted is not None:
                    yield from expand(f"{name}!{member.name}", extracted.read(), depth + 1)


@dataclass(frozen=True)
class Scan:
    """What a scan looked at and what it found."""

    files: int
    blobs: int
    findings: list[Finding]


def scan_tree(root: Path, values: Mapping[str, str]) -> Scan:
    """Look for every value in every file under root (and inside its archives), as bytes and as read text."""
    needles = {normalise(value): (value, why) for value, why in values.items()}
    raw = {value.encode("utf-8"): (value, why) for value, why in values.items()}
    findings: set[Finding] = set()
    files = blobs = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        files += 1
        for name, blob in expand(path.relative_to(root).as_posix(), path.read_bytes()):
            blobs += 1
            for needle, (value, why) in raw.items():
                if needle in blob:
                    findings.add(Finding(name, value, why))
            text = normalise(blob.decode("utf-8", errors="replace"))
            for readable in (text, _SPACE.sub(" ", _TAG.sub(" ", text))):
                for needle, (value, why) in needles.items():
                    if needle in readable:
                        findings.add(Finding(name, value, why))
    return Scan(files, blobs, sorted(findings))


@pytest.fixture(scope="module")
def public_output(built_public: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everything the public profile writes: the site and the Moodle packages, side by side."""
    output = tmp_path_factory.mktemp("public-output")
    shutil.copytree(built_public.root, output / "site")
    build_outputs(Project(ROOT), built_public.toolbox, "public", None, output / "dist", quiet)
    return output


def test_public_output_holds_no_personal_or_internal_value(built_public: BuiltSite, public_output: Path) -> None:
    values = forbidden_values(built_public.toolbox)
    assert len(values) > 150
    scan = scan_tree(public_output, values)
    assert [f"{f.file}: {f.value!r} ({f.why})" for f in scan.findings] == []
    assert len(search_entries(public_output / "site")) > 20
    assert (public_output / "site" / "sitemap.xml.gz").is_file() and (public_output / "site" / "404.html").is_file()
    packages = sorted(p.name for p in (public_output / "dist").iterdir())
    assert any(name.endswith(".mbz") for name in packages), packages
    # The archives were opened: far more blobs than files (every .mbz member, the gzipped sitemap).
    assert scan.blobs > scan.files + 20
    # The downloadable partner list was scanned too (the .xlsx opened as the zip it is): only the whole list,
    # since the public has no tier or team lists.
    downloads = public_output / "site" / "lataukset"
    assert sorted(p.relative_to(downloads).as_posix() for p in downloads.rglob("*") if p.is_file()) == [
        "kumppanit.csv", "kumppanit.xlsx"]
    assert (downloads / "kumppanit.xlsx").read_bytes()[:4] == b"PK\x03\x04"


REPOSITORY = "git.jarvilaakso.example/tyoelama/kumppanuudet"


def test_no_internal_link_or_staff_word_in_any_public_file(built_public: BuiltSite, public_output: Path) -> None:
    # Every page and package file: no intranet link, repository address, staff page, staff introduction or guide.
    values = staff_only_values(built_public.toolbox, REPOSITORY)
    assert len(values) >= 10
    scan = scan_tree(public_output, values)
    assert [f"{f.file}: {f.value!r} ({f.why})" for f in scan.findings] == []
    # No tier name anywhere in the public site or its Moodle packages (the public course has no tier sections).
    site = scan_tree(public_output, tier_names(built_public.toolbox))
    assert [f"{f.file}: {f.value!r} ({f.why})" for f in site.findings] == []
    assert site.blobs > site.files


def test_every_staff_value_appears_in_the_internal_build(built: BuiltSite, tmp_path: Path) -> None:
    # The words the public scan looks for are really there in the staff build (site and packages).
    shutil.copytree(built.root, tmp_path / "site")
    build_outputs(Project(ROOT), built.toolbox, "internal", None, tmp_path / "dist", quiet)
    values = {**staff_only_values(built.toolbox, REPOSITORY), **tier_names(built.toolbox)}
    found = {finding.value for finding in scan_tree(tmp_path, values).findings}
    assert sorted(set(values) - found) == []


def test_the_scan_finds_planted_internal_links_and_staff_words(built: BuiltSite, public_output: Path,
                                                                tmp_path: Path) -> None:
    toolbox = built.toolbox
    copy = tmp_path / "output"
    shutil.copytree(public_output, copy)
    intranet = toolbox.internal_addresses[0] + "lomakkeet/salainen.docx"
    page = copy / "site" / "palvelut" / "oppisopimus.html"
    page.write_text(page.read_text(encoding="utf-8") + f'<a href="{html.escape(intranet)}">lomake</a>',
                    encoding="utf-8")
    sitemap = copy / "site" / "sitemap.xml.gz"
    tier = toolbox.tiers[1].title
    sitemap.write_bytes(gzip.compress(gzip.decompress(sitemap.read_bytes()) + tier.encode("utf-8")))
    package = next((copy / "dist").glob("*.mbz"))
    guide = next(g for g in toolbox.guides if g.staff_only)
    package.write_bytes(_with_tar_member(package.read_bytes(), "activities/planted.xml",
                                         html.escape(guide.title).encode("ascii", "xmlcharrefreplace")))
    values = {**staff_only_values(toolbox, REPOSITORY), **tier_names(toolbox)}
    found = {(f.file, f.value) for f in scan_tree(copy, values).findings}
    assert ("site/palvelut/oppisopimus.html", toolbox.internal_addresses[0].rstrip("/")) in found
    assert ("site/sitemap.xml.gz!gunzip", tier) in found
    assert (f"dist/{package.name}!gunzip!activities/planted.xml", guide.title) in found


def test_every_forbidden_value_appears_in_the_internal_build(built: BuiltSite, tmp_path: Path) -> None:
    # A value the scan cannot find where it certainly is would make the public scan pass for the wrong reason.
    shutil.copytree(built.root, tmp_path / "site")
    build_outputs(Project(ROOT), built.toolbox, "internal", None, tmp_path / "dist", quiet)
    values = forbidden_values(built.toolbox)
    found = {finding.value for finding in scan_tree(tmp_path, values).findings}
    missing = sorted(set(values) - found)
    assert missing == []


def test_the_scan_finds_planted_values(built: BuiltSite, public_output: Path, tmp_path: Path) -> None:
    # Names with letters beyond ASCII, so that only a scan that undoes escapes can find the escaped plants.
    accented = [c for c in built.toolbox.contacts if not c.name.isascii()]
    plain, gzipped, packed = [c for c in built.toolbox.contacts if c.phone][:3]
    escaped, json_escaped = accented[0], accented[1]
    copy = tmp_path / "output"
    shutil.copytree(public_output, copy)
    with (copy / "site" / "assets" / "partnerkit.css").open("a", encoding="utf-8") as stream:
        stream.write(f"/* {plain.email} */\n")
    page = copy / "site" / "index.html"
    first, last = escaped.name.split(maxsplit=1)
    planted = f"<p>{first}\n    {html.escape(last).replace('ä', '&auml;').replace('ö', '&#246;')}</p>"
    page.write_text(page.read_text(encoding="utf-8") + planted, encoding="utf-8")
    fragment = sorted((copy / "site" / "pagefind" / "fragment").iterdir())[0]
    record = json.loads(gzip.decompress(fragment.read_bytes())[len(PAGEFIND_PREFIX):])
    record["content"] += " " + json_escaped.name
    fragment.write_bytes(gzip.compress(PAGEFIND_PREFIX + json.dumps(record, ensure_ascii=True).encode("ascii")))
    sitemap = copy / "site" / "sitemap.xml.gz"
    sitemap.write_bytes(gzip.compress(gzip.decompress(sitemap.read_bytes()) + gzipped.phone.encode("utf-8")))
    hidden = next(p for p in built.toolbox.partners if not p.publishable and p.website)
    (copy / "site" / "robots.txt").write_text(f"# {hidden.website}\n", encoding="utf-8")
    package = next((copy / "dist").glob("*.mbz"))
    package.write_bytes(_with_tar_member(package.read_bytes(), "activities/planted.xml", packed.id.encode("utf-8")))

    found = {(f.file, f.value) for f in scan_tree(copy, forbidden_values(built.toolbox)).findings}

    assert ("site/assets/partnerkit.css", plain.email) in found
    assert ("site/index.html", escaped.name) in found
    assert (f"site/pagefind/fragment/{fragment.name}!gunzip", json_escaped.name) in found
    assert ("site/sitemap.xml.gz!gunzip", gzipped.phone) in found
    assert (f"dist/{package.name}!gunzip!activities/planted.xml", packed.id) in found
    assert ("site/robots.txt", hidden.website.rstrip("/")) in found


def _with_tar_member(mbz: bytes, name: str, content: bytes) -> bytes:
    """Return the gzipped tar mbz with one more member."""
    source = tarfile.open(fileobj=io.BytesIO(gzip.decompress(mbz)))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
        info = tarfile.TarInfo(name)
        info.size = len(content)
        target.addfile(info, io.BytesIO(content))
    return gzip.compress(buffer.getvalue())


def search_entries(site: Path) -> list[tuple[str, str]]:
    """Return (page path, indexed text) of every entry of the site's search index (every bundle's fragments)."""
    entries = []
    for fragment in sorted(site.glob("pagefind*/fragment/*.pf_fragment")):
        record = json.loads(gzip.decompress(fragment.read_bytes())[len(PAGEFIND_PREFIX):])
        entries.append((record["url"].lstrip("/"), json.dumps(record, ensure_ascii=False)))
    return entries


def _article(html_text: str) -> str:
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html_text, re.S)
    assert match, "page has no article"
    return match.group(1)


def test_public_pages_assign_no_partner_to_a_tier(built_public: BuiltSite) -> None:
    toolbox = built_public.toolbox
    titles = [tier.title for tier in toolbox.tiers]
    publishable = [p for p in toolbox.partners if p.publishable]
    assert 5 <= len(publishable) < len(toolbox.partners)
    on_site = sorted(p.stem for p in (built_public.root / "kumppanit").glob("*.html") if p.stem != "index")
    assert on_site == sorted(p.id for p in publishable)
    # No tier pages at all (the tiers are the staff's working tool), no people and no methods.
    for folder in ("henkilot", "tasot", "menetelmat"):
        assert not (built_public.root / folder).exists(), folder
    pages = sorted(built_public.root.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not any(title in text for title in titles), page.relative_to(built_public.root)
    entries = search_entries(built_public.root)
    assert len(entries) > 20
    for url, text in entries:
        assert not any(title in text for title in titles), url


def test_internal_build_asks_search_engines_not_to_index_it(built: BuiltSite, built_public: BuiltSite) -> None:
    pages = sorted(built.root.rglob("*.html"))
    assert len(pages) > 100
    unmarked = [p.name for p in pages if '<meta name="robots" content="noindex, nofollow">' not in p.read_text("utf-8")]
    assert unmarked == []
    assert (built.root / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    public_pages = sorted(built_public.root.rglob("*.html"))
    assert not any('name="robots"' in p.read_text("utf-8") for p in public_pages)
    assert not (built_public.root / "robots.txt").exists()


def test_privacy_notice_of_each_build(built: BuiltSite, built_public: BuiltSite) -> None:
    notice = built.toolbox.privacy
    internal = _article(built.html("tietosuojaseloste.html"))
    public = _article(built_public.html("tietosuojaseloste.html"))
    for page in (internal, public):
        assert html.escape(notice.controller) in page and f"mailto:{notice.contact_email}" in page
    for category in ("<li>nimi ja tehtävänimike</li>", "työsähköpostiosoite ja työpuhelinnumero", "<li>tiimi</li>"):
        assert category in internal and category not in public
    assert "Käsittelyn oikeusperuste" in internal and "Säilytysaika" in internal
    assert "julkinen versio, eikä se sisällä yhteyshenkilöiden henkilötietoja" in public
    assert "eikä se sisällä yhteyshenkilöiden henkilötietoja" not in internal


def test_partner_side_contacts_and_agreements_stay_with_staff(built: BuiltSite, built_public: BuiltSite) -> None:
    partners = [p for p in built.toolbox.partners if p.partner_contacts]
    documents = sorted({p.agreement.attachment for p in built.toolbox.partners if p.agreement and p.agreement.attachment})
    assert len(partners) >= 5 and documents
    # The staff site shows them on the partner pages and carries the agreement documents ...
    for partner in partners:
        page = _article(built.html(f"kumppanit/{partner.id}.html"))
        assert all(html.escape(person.name) in page for person in partner.partner_contacts), partner.id
    assert all((built.root / "liitteet" / document).is_file() for document in documents)
    # ... but its search index holds no partner-side person, and the public site has neither.
    names = [person.name for partner in partners for person in partner.partner_contacts]
    found = [(url, name) for url, text in search_entries(built.root) for name in names if name in text]
    assert found == []
    assert not any((built_public.root / "liitteet" / document).exists() for document in documents)
