"""Hostile settings and texts in a real build, opened in Chromium: no injected script runs, text shows as written."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from partnerkit.cli import main
from partnerkit.mbzcheck import check_mbz
from site_tests.conftest import serving
from tests.conftest import MINIMAL

PAYLOAD = '"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
SITE_NAME = f'Opisto "Testi" & Ö {PAYLOAD}'
PARTNER_NAME = f"Kahvila {PAYLOAD}"


@pytest.fixture(scope="module")
def hostile_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The minimal toolbox with script payloads in its site name, edit address and a partner name, both profiles."""
    root = tmp_path_factory.mktemp("hostile") / "p"
    shutil.copytree(MINIMAL, root, ignore=shutil.ignore_patterns("site", "dist"))
    settings = (root / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    replaced = {"site_name": SITE_NAME}
    lines = [f"{line.split(':')[0]}: {yaml_quoted(replaced[line.split(':')[0]])}"
             if line.split(":")[0] in replaced else line for line in settings]
    (root / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    partner = root / "content" / "partners" / "alfa-oy.yaml"
    text = partner.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name: "))
    partner.write_text(text.replace(name_line, f"name: {yaml_quoted(PARTNER_NAME)}"), encoding="utf-8")
    sites = {}
    for audience in ("internal", "public"):
        sites[audience] = root / f"site-{audience}"
        assert main(["--root", str(root), "--audience", audience, "--site-dir", str(sites[audience]),
                     "--dist-dir", str(root / f"dist-{audience}")]) == 0
    return sites


def test_an_address_material_would_print_raw_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    shutil.copytree(MINIMAL, root, ignore=shutil.ignore_patterns("site", "dist"))
    settings = (root / "mkdocs.yml").read_text(encoding="utf-8")
    repo_line = next(line for line in settings.splitlines() if line.startswith("repo_url:"))
    (root / "mkdocs.yml").write_text(settings.replace(repo_line, f"repo_url: {yaml_quoted('https://x' + PAYLOAD)}"),
                                     encoding="utf-8")
    for audience in ("internal", "public"):
        assert main(["--root", str(root), "--audience", audience]) == 2
        assert ("mkdocs.yml: asetuksen repo_url arvo ei ole pelkkä verkko-osoite" in capsys.readouterr().err)
    assert not (root / "site").exists()


def yaml_quoted(text: str) -> str:
    """Return text as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_no_injected_script_runs_and_text_shows_as_written(hostile_sites: dict[str, Path], audience: str,
                                                           browser: Any) -> None:
    pages = ["index.html", "kumppanit/index.html"] + (["kumppanit/alfa-oy.html"] if audience == "internal" else [])
    with serving(hostile_sites[audience]) as url:
        page = browser.new_page()
        try:
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in pages:
                page.goto(f"{url}/{path}")
                page.wait_for_load_state("load")
                assert page.evaluate("window.__pwned") is None, path
                assert page.locator("img[src='x']").count() == 0, path
                assert page.title().endswith(SITE_NAME), path
                assert page.get_attribute(".md-header__button.md-logo", "aria-label") == SITE_NAME
                if path == "kumppanit/alfa-oy.html":
                    assert page.locator("h1").first.inner_text() == PARTNER_NAME
            assert dialogs == []
        finally:
            page.close()


# Reserved text written as character references, which the check cannot see and the sanitiser decodes: the MkDocs
# plugin's placeholder (its shortcuts run: no plugins in mkdocs.yml, as `partnerkit init` writes it) and Moodle's
# markers. Each must be shown as written, move nothing on the page, and leave the course backup valid.
# One paragraph each: the plugin's placeholder stands for a whole paragraph.
FORGED = ("&#xfdd0;PARTNERKITRAWHTML1&#xfdd1;", "&#xfdd0;PARTNERKITRAWHTML2&#xfdd1;",
          "&#64;&#64;PLUGINFILE&#64;&#64;/x.png &#36;&#64;NULL&#64;&#36;")
FORGED_SHOWN = ["\ufdd0PARTNERKITRAWHTML1\ufdd1", "\ufdd0PARTNERKITRAWHTML2\ufdd1", "@@PLUGINFILE@@/x.png $@NULL@$"]


@pytest.fixture(scope="module")
def forged_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The minimal toolbox with reference-written placeholders and Moodle markers, built in both profiles."""
    root = tmp_path_factory.mktemp("forged") / "p"
    shutil.copytree(MINIMAL, root, ignore=shutil.ignore_patterns("site", "dist"))
    settings = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "plugins:\n  - search:\n      lang: fi\n" in settings
    (root / "mkdocs.yml").write_text(settings.replace("plugins:\n  - search:\n      lang: fi\n", "plugins: []\n")
                                     .replace("    - search.suggest\n", ""), encoding="utf-8")
    team = root / "content" / "teams" / "ravintola.yaml"
    block = "".join(f"  {paragraph}\n\n" for paragraph in FORGED)
    team.write_text(team.read_text(encoding="utf-8") + f"description: |\n{block}", encoding="utf-8")
    toolbox = root / "content" / "toolbox.yaml"
    text = toolbox.read_text(encoding="utf-8")
    intro = next(line for line in text.splitlines() if line.startswith("introduction: "))
    toolbox.write_text(text.replace(intro, f"introduction: {yaml_quoted(' '.join(FORGED))}"), encoding="utf-8")
    built = {}
    for audience in ("internal", "public"):
        built[audience] = root / f"out-{audience}"
        assert main(["--root", str(root), "--audience", audience, "--site-dir", str(built[audience] / "site"),
                     "--dist-dir", str(built[audience] / "dist")]) == 0
    return built


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_reserved_text_written_as_references_is_shown_as_written(forged_sites: dict[str, Path], audience: str,
                                                                  browser: Any) -> None:
    with serving(forged_sites[audience] / "site") as url:
        page = browser.new_page()
        try:
            page.goto(f"{url}/tiimit/ravintola.html")
            page.wait_for_load_state("load")
            assert page.locator(".pk-text p").all_inner_texts() == FORGED_SHOWN
            # Nothing of the page moved into the text's place: the facts list stays after it, outside it.
            assert page.locator(".pk-text .pk-facts, .pk-text .pk-people").count() == 0
            assert page.locator(".pk-text ~ .pk-facts").count() == 1
            assert page.locator("article").inner_text().count("PARTNERKITRAWHTML") == 2
        finally:
            page.close()
    packages = sorted((forged_sites[audience] / "dist").glob("*.mbz"))
    assert packages and {package.name: check_mbz(package.read_bytes()) for package in packages} == {
        package.name: [] for package in packages}
