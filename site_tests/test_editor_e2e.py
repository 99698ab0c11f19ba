"""The web editor end to end: Chromium fills Decap CMS's forms against its local backend and a real Git repository.

decap-server (Decap's local backend, from npm) runs in Git mode on a temporary copy of the sample repository, so
the editorial workflow makes a branch for every saved change and merges it when the change is accepted, as a pull
request would be. The editor is the staff build's own (served from the built site); only its local backend's
port is pointed at this test's decap-server. Few and targeted: one session fills every form.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from partnerkit.builders import quiet
from partnerkit.messages import ContentError
from partnerkit.pipeline import Project, build_outputs, read_toolbox

from .conftest import ARTIFACTS, ROOT, BuiltSite, serving

GIT = ["git", "-c", "user.name=Testi", "-c", "user.email=testi@oppilaitos.example"]
SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"


def free_port() -> int:
    """Return a free localhost port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    """A Git repository holding a copy of the sample toolbox, on branch main."""
    repo = tmp_path / "repo"
    for name in ("content", "schema"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qm", "Esimerkkisisältö"], check=True)
    return repo


@pytest.fixture()
def decap_server(repository: Path) -> Iterator[str]:
    """Run decap-server in Git mode on the repository; yield its API address."""
    if not SERVER.is_file():
        pytest.fail("decap-server is not installed: run `make browser` (npm ci)")
    port = free_port()
    env = {**os.environ, "PORT": str(port), "MODE": "git", "GIT_REPO_DIRECTORY": str(repository),
           "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "warn"}
    # The server commits as the repository's user: give this repository one.
    subprocess.run(["git", "-C", str(repository), "config", "user.name", "Testi"], check=True)
    subprocess.run(["git", "-C", str(repository), "config", "user.email", "testi@oppilaitos.example"], check=True)
    process = subprocess.Popen(["node", str(SERVER)], env=env, cwd=repository, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"decap-server stopped: {process.stdout.read().decode() if process.stdout else ''}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def choose(page: object, field: object, option: str) -> None:
    """Pick option in a select or relation widget (react-select: type the start, then choose the option)."""
    field.click()  # type: ignore[attr-defined]
    field.press_sequentially(option[:12])  # type: ignore[attr-defined]
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()  # type: ignore[attr-defined]


def labelled(page: object, label: str, number: int = 0) -> object:
    """Return the form field with the label (the number-th of them, in a list of items)."""
    return page.get_by_label(label, exact=True).nth(number)  # type: ignore[attr-defined]


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TYPING = 40  # milliseconds between keys, as a quick typist: the CMS's fields re-render on every key
AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
  return result.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
}"""
# Violations axe finds in Decap CMS's own interface (not in anything the generated config or our Finnish texts
# make): icon buttons of its top bar without a name, its sortable list items' drag handle, and the contrast of its
# "unsaved changes" badge. Reported upstream-style in the README; anything else fails the test.
DECAP_OWN = ("button-name", "aria-command-name", "color-contrast")


def axe_violations(page: object) -> list[str]:
    """Return axe's WCAG A/AA violations on the page as "rule: targets"."""
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    return list(page.evaluate(AXE_RUN))  # type: ignore[attr-defined]


def focused_id(page: object) -> str:
    """Return the id of the element that has the keyboard focus."""
    return str(page.evaluate("() => document.activeElement.id"))  # type: ignore[attr-defined]


def tab_to(page: object, label: str, back: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the field labelled label has the focus; fail if it is never reached."""
    target = page.get_by_label(label, exact=True).last.get_attribute("id")  # type: ignore[attr-defined]
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")  # type: ignore[attr-defined]
        if focused_id(page) == target:
            return
    raise AssertionError(f"the keyboard never reached {label!r}")


def tab_to_button(page: object, name: str, back: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the button whose text is name has the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")  # type: ignore[attr-defined]
        if page.evaluate("() => (document.activeElement.textContent || '').trim()") == name:  # type: ignore[attr-defined]
            return
    raise AssertionError(f"the keyboard never reached the button {name!r}")


def open_form(page: object, site: str, route: str, number: int) -> None:
    """Load the editor afresh at route (no draft left from an earlier form), signing in when it asks."""
    page.goto(f"{site}/muokkaa/index.html?sivu={number}#/{route}")  # type: ignore[attr-defined]
    sign_in = page.get_by_role("button", name="Kirjaudu sisään")  # type: ignore[attr-defined]
    form = page.get_by_label("Tunniste", exact=True)  # type: ignore[attr-defined]
    sign_in.or_(form).first.wait_for()
    if sign_in.is_visible():
        sign_in.click()
    form.wait_for()


def save_and_accept(page: object, branch_name: str, repository: Path, saved: bool = False) -> None:
    """Save the open entry (a branch, as a pull request), then mark it ready and accept it (merged to main)."""
    if not saved:
        page.get_by_role("button", name="Tallenna", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Tallennettu. Muutos odottaa tarkistusta.").wait_for()  # type: ignore[attr-defined]
    branches = subprocess.run(["git", "-C", str(repository), "branch", "--list", "cms/*"], capture_output=True,
                              text=True, check=True).stdout
    assert branch_name in branches, branches
    page.get_by_role("button", name=re.compile("^Tila: ")).click()  # type: ignore[attr-defined]
    page.get_by_role("menuitem", name="Valmis").click()  # type: ignore[attr-defined]
    page.get_by_text("Tila vaihdettu").wait_for()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Hyväksy", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_role("menuitem", name="Hyväksy nyt").click()  # type: ignore[attr-defined]
    page.get_by_text("Hyväksytty työkalupakkiin").wait_for()  # type: ignore[attr-defined]


def test_editor_end_to_end(built: BuiltSite, browser: object, repository: Path, decap_server: str,
                           tmp_path: Path) -> None:
    """New partner at two tiers, an edited cooperation, a new method; bad input refused in Finnish; 0 outside."""
    config = (built.root / "muokkaa" / "config.yml").read_text(encoding="utf-8")
    assert "\nlocal_backend: true\n" in config
    with serving(built.root) as site:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        # The staff build's config, with its local backend at this test's decap-server instead of port 8081.
        page.route("**/muokkaa/config.yml", lambda route: route.fulfill(
            body=config.replace("\nlocal_backend: true\n", f"\nlocal_backend:\n  url: {decap_server}\n"),
            content_type="text/yaml"))
        page.goto(f"{site}/muokkaa/index.html")
        page.get_by_role("button", name="Kirjaudu sisään").wait_for()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Kirjaudu sisään").focus()
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Kumppanit").first.wait_for()

        # Bad input: a contact without a name and with an e-mail address without @.
        open_form(page, site, "collections/contacts/new", 1)
        page.get_by_label("Tunniste", exact=True).fill("uusi-henkilo")
        page.get_by_label("Tehtävänimike", exact=True).fill("Lehtori")
        page.get_by_label("Sähköposti", exact=True).fill("uusi.henkilo.oppilaitos.example")
        choose(page, labelled(page, "Tiimi"), "Työelämäpalvelut")
        page.get_by_role("button", name="Tallenna", exact=True).click()
        page.get_by_text("Nimi: tämä tieto on pakollinen.").wait_for()
        page.get_by_text("siinä on oltava @-merkki").wait_for()
        page.get_by_text("Jokin pakollinen tieto puuttuu").wait_for()
        assert not (repository / "content" / "contacts" / "uusi-henkilo.yaml").exists()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "editor-refused.png"))
        page.on("dialog", lambda dialog: dialog.accept())  # leaving the refused form, accepting a change

        # A new partner at two tiers with existing contacts, with the keyboard only (Tab, typing, Enter).
        open_form(page, site, "collections/partners/new", 2)
        tab_to(page, "Tunniste")
        page.keyboard.type("kahvila-kuppila", delay=TYPING)
        tab_to(page, "Nimi")
        page.keyboard.type("Kahvila Kuppila Oy", delay=TYPING)
        tab_to(page, "Tyyppi")
        page.keyboard.type("Yrit", delay=TYPING)
        page.keyboard.press("Enter")
        tab_to(page, "Toimiala")  # a select from the sample's field vocabulary
        page.keyboard.type("Ravintola-ala", delay=TYPING)
        page.keyboard.press("Enter")
        tab_to(page, "Tarkistettu")
        page.keyboard.type("2026-10-01", delay=TYPING)
        for number, (tier, text, contact) in enumerate([
            ("Arjen", "Kahvilassa on kaksi opiskelijaa työpaikalla järjestettävässä koulutuksessa.", "Tuomas"),
            ("Kehittämis", "Kahvila kehittää opiskelijoiden kanssa kasvisleivonnaisia.", "Helmi"),
        ]):
            tab_to_button(page, "Lisää: yhteistyö")
            page.keyboard.press("Enter")
            tab_to(page, "Kumppanuustaso", back=True)
            page.keyboard.type(tier, delay=TYPING)
            page.keyboard.press("Enter")
            tab_to(page, "Yhteistyön kuvaus")
            page.keyboard.type(text, delay=TYPING)
            tab_to(page, "Yhteyshenkilöt (vapaaehtoinen)")
            page.keyboard.type(contact, delay=TYPING)
            page.get_by_role("option", name=re.compile(contact)).first.wait_for()
            page.keyboard.press("Enter")
        # What the form shows is ours as far as the config and the Finnish texts make it: labels, hints, choices.
        found = axe_violations(page)
        assert [v for v in found if not v.startswith(DECAP_OWN)] == [], found
        (ARTIFACTS / "editor-axe.txt").write_text("\n".join(found) + "\n", encoding="utf-8")
        tab_to_button(page, "Tallenna", back=True)
        page.keyboard.press("Enter")
        save_and_accept(page, "cms/partners/kahvila-kuppila", repository, saved=True)

        # An edited cooperation of an existing partner.
        open_form(page, site, "collections/partners/entries/ravintola-kuusiranta", 3)
        description = page.get_by_label("Yhteistyön kuvaus", exact=True).first
        description.fill("Kuusirannassa on vuosittain kahdeksan kokki- ja tarjoilijaopiskelijaa.")
        save_and_accept(page, "cms/partners/ravintola-kuusiranta", repository)

        # A new method.
        open_form(page, site, "collections/methods/new", 4)
        page.get_by_label("Tunniste", exact=True).fill("kahvilakeskustelu")
        page.get_by_label("Otsikko", exact=True).fill("Kahvilakeskustelu")
        choose(page, labelled(page, "Laji"), "Tapahtuma")
        page.get_by_label("Tiivistelmä", exact=True).fill("Lyhyt tapaaminen kumppanin kanssa kahvin äärellä.")
        choose(page, labelled(page, "Kumppanuustasot"), "Arjen kumppanuudet")
        save_and_accept(page, "cms/methods/kahvilakeskustelu", repository)
        context.close()

    own = {urlsplit(site).netloc, urlsplit(decap_server).netloc}
    outside = sorted({url for url in requests if urlsplit(url).netloc not in own and not url.startswith("data:")})
    assert outside == []
    assert len(requests) > 10

    # The accepted changes are on main; the files pass the check, keep the modeline, and a build shows them.
    status = subprocess.run(["git", "-C", str(repository), "status", "--porcelain"], capture_output=True, text=True,
                            check=True).stdout
    assert status == ""
    project = Project(repository)
    try:
        toolbox = read_toolbox(project)
    except ContentError as error:
        pytest.fail("\n".join(str(p) for p in error.problems))
    for path in ("content/partners/kahvila-kuppila.yaml", "content/partners/ravintola-kuusiranta.yaml",
                 "content/methods/kahvilakeskustelu.yaml"):
        first = (repository / path).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../../schema/"), path
    partner = next(p for p in toolbox.partners if p.id == "kahvila-kuppila")
    assert [(c.tier, c.contacts) for c in partner.cooperations] == [("arki", ("tuomas-kivilahti",)),
                                                                   ("kehittaminen", ("helmi-rantakari",))]
    assert (partner.name, partner.type, partner.field, partner.review_date) == (
        "Kahvila Kuppila Oy", "company", "Ravintola-ala", date(2026, 10, 1))
    # The sample has a field vocabulary: the file refers to the field by its id.
    assert "\nfield: ravintola-ala\n" in (repository / "content/partners/kahvila-kuppila.yaml").read_text(
        encoding="utf-8")
    site_dir = tmp_path / "site"
    build_outputs(project, toolbox, "internal", site_dir, None, quiet)
    page_text = (site_dir / "kumppanit" / "kahvila-kuppila.html").read_text(encoding="utf-8")
    assert "Kahvila Kuppila Oy" in page_text and "kasvisleivonnaisia" in page_text
    for tier in ("arki", "kehittaminen"):
        assert "kahvila-kuppila.html" in (site_dir / "tasot" / f"{tier}.html").read_text(encoding="utf-8"), tier
    assert "kahdeksan kokki- ja tarjoilijaopiskelijaa" in (
        site_dir / "kumppanit" / "ravintola-kuusiranta.html").read_text(encoding="utf-8")
    method = (site_dir / "menetelmat" / "kahvilakeskustelu.html").read_text(encoding="utf-8")
    assert "Lyhyt tapaaminen kumppanin kanssa kahvin äärellä." in method
    assert "kahvilakeskustelu.html" in (site_dir / "tasot" / "arki.html").read_text(encoding="utf-8")
