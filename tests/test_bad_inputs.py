"""Bad and hostile content: caught with located messages, nothing written, nothing executed, markup made inert.

The corpus (tests/bad_inputs/cases.py) runs in-process through the loader, the validator and the CLI for both
`check` and a full build; a sample of it also runs as `python build.py` subprocesses, as an editor would. Hostile
markup is built once with the real MkDocs and Moodle renderers and the output is scanned, then opened in Chromium.
"""

from __future__ import annotations

import functools
import hashlib
import html.parser
import http.server
import io
import re
import subprocess
import sys
import tarfile
import threading
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from partnerkit.builders import quiet
from partnerkit import cli
from partnerkit.load import load_content
from partnerkit.messages import ContentError
from partnerkit.pipeline import Project, build_outputs, read_toolbox
from partnerkit.validate import build_toolbox
from tests.bad_inputs.cases import CASES, BadInput, materialise

ROOT = Path(__file__).resolve().parents[1]
LOCATED = re.compile(r"^content/[^:\n]+:\d+:\d+: \S[^\n]*$")
BY_ID = {case.id: case for case in CASES}
# Run as real subprocesses too: one or two of each kind, and every case that once crashed the process.
SUBPROCESS_SAMPLE = (
    "bom", "utf16-le", "latin1", "nul-byte", "empty-file", "list-instead-of-mapping", "tab-indentation",
    "wrong-indentation", "two-documents", "duplicate-key", "unknown-key", "very-long-key", "missing-required-field",
    "dangling-contact", "duplicate-id-across-files", "partner-without-cooperation", "february-30", "year-9999",
    "javascript-url-with-tab", "very-long-line", "huge-file", "deep-flow-nesting", "deep-block-sequences",
    "deep-complex-keys", "billion-laughs", "python-object-apply", "file-parent-path", "file-symlink-outside",
    "content-file-symlink-outside", "named-pipe-as-toolbox",
)


def snapshot(root: Path) -> dict[str, str]:
    """Return {path: sha256} of every file under root (links by their target, pipes by kind), and every folder."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[relative] = "link:" + str(path.readlink())
        elif path.is_dir():
            found[relative] = "dir"
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[relative] = "special"  # a named pipe of a case: reading it would block
    return found


def add_previous_outputs(root: Path) -> None:
    """Give the project a previous site and package folder, as after an earlier successful build."""
    (root / "site" / "kumppanit").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<p>edellinen sivusto</p>\n", encoding="utf-8")
    (root / "site" / "kumppanit" / "alfa-oy.html").write_text("<p>alfa</p>\n", encoding="utf-8")
    (root / "dist").mkdir()
    (root / "dist" / "edellinen.mbz").write_bytes(b"\x1f\x8b previous package")


def assert_located(lines: list[str]) -> None:
    """Assert there is at least one message and every one is a single 'content/...:line:column: text' line."""
    assert lines, "no messages"
    unlocated = [line for line in lines if not LOCATED.match(line)]
    assert unlocated == []


def test_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len(BY_ID) == len(CASES), "case ids must be unique"


def test_corpus_base_is_valid(tmp_path: Path) -> None:
    root = materialise(None, tmp_path / "base")
    toolbox = build_toolbox(load_content(root / "content", root))
    assert "lomakkeet" in {m.id for m in toolbox.methods}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case_is_caught_with_located_messages(case: BadInput, tmp_path: Path) -> None:
    root = materialise(case, tmp_path / "p")
    with pytest.raises(ContentError) as caught:
        build_toolbox(load_content(root / "content", root))
    problems = caught.value.problems
    assert tuple((p.path, p.line, p.column, p.code) for p in problems) == case.expected
    for lang in ("fi", "en"):
        assert_located([p.render(lang) for p in problems])
    for problem in problems:
        file = root / problem.path
        if file.is_file() and not file.is_symlink():
            lines = re.split(rb"\r\n|\r|\n", file.read_bytes())
            assert 1 <= problem.line <= len(lines), f"{problem.render()} points past the end of the file"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_cli_rejects_case_and_keeps_previous_output(
    case: BadInput, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = materialise(case, tmp_path / "p")
    add_previous_outputs(root)
    before = snapshot(root)
    for command in ("check", "build"):
        assert cli.main([command, "--root", str(root)]) == cli.EXIT_CONTENT
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        assert_located(captured.out.splitlines())
    assert snapshot(root) == before
    assert not (root / "PWNED").exists() and not Path("PWNED").exists()


@dataclass(frozen=True)
class Run:
    """What one `python build.py` subprocess did to a fresh copy of a case."""

    returncode: int
    stdout: str
    stderr: str
    entries_before: list[str]
    entries_after: list[str]


def run_build_py(root: Path, command: str) -> Run:
    """Run build.py on root in its own directory, as an editor would."""
    entries_before = sorted(p.name for p in root.iterdir())
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), command], cwd=root, capture_output=True, text=True, check=False,
        timeout=120,
    )
    return Run(result.returncode, result.stdout, result.stderr, entries_before, sorted(p.name for p in root.iterdir()))


@pytest.fixture(scope="module")
def subprocess_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Run]:
    """Run the sample through `python build.py check` and `python build.py`, a few processes at a time."""
    base = tmp_path_factory.mktemp("bad-subprocess")
    jobs = [(name, command) for name in SUBPROCESS_SAMPLE for command in ("check", "build")]
    roots = {job: materialise(BY_ID[job[0]], base / f"{job[0]}-{job[1]}") for job in jobs}
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = pool.map(lambda job: run_build_py(roots[job], job[1]), jobs)
        return dict(zip(jobs, runs))


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_build_py_subprocess_fails_cleanly(name: str, command: str, subprocess_runs: dict[tuple[str, str], Run]) -> None:
    run = subprocess_runs[(name, command)]
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert_located(run.stdout.splitlines())
    # No site/, dist/ or staging folder appeared; nothing ran (no PWNED file from a YAML tag).
    assert run.entries_after == run.entries_before


# --- hostile markup: inert in the built site and in the Moodle packages ---------------------------------------

CANARY = "Harmiton loppu"
ATTACK_MD = """\
<script>alert("script")</script>
<img src=x onerror="alert('onerror')">
<iframe src="https://evil.example/"></iframe>
[k1](javascript:alert('k1')) [k2]( JaVaScRiPt:alert('k2')) [k3](&#106;avascript:alert('k3'))
[k4](java&#x09;script:alert('k4')) <javascript:alert('k6')> [k7](vbscript:msgbox('k7'))
[k8](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) `[koodi](javascript:alert('koodi'))`
<svg onload="alert('svg')"><circle r="5"/></svg> <math><mi xlink:href="javascript:alert('math')">x</mi></math>
<a href="javascript:alert('raw')">raaka</a> <a href="https://ok.example/" onclick="alert('onclick')">ok</a>
<details open ontoggle="alert('toggle')">x</details> <style>body{display:none}</style>
<form action="https://evil.example/"><input name="x"></form> <object data="x.swf"></object> <embed src="x.swf">
<meta http-equiv="refresh" content="0;url=https://evil.example/"> <base href="https://evil.example/">
{{ 7*7 }} {% raw %} ${7*7} <!-- kommentti --> </div></td></table>

Tavallista tekstiä: *korostus*, **vahva**, [verkkosivu](https://www.example.fi/sivu) ja
[sähköposti](mailto:tiimi@testi.example).

- ensimmäinen kohta
- toinen kohta


""" + CANARY
ATTACK_LINE = "<img src=x onerror=\"alert('line')\"><script>alert('line')</script>"


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "".join(pad + line + "\n" if line else "\n" for line in text.split("\n"))


def hostile_changes() -> dict[str, str | bytes | None]:
    """Return fixture changes that put markup attacks into every kind of text field."""
    line = "'" + ATTACK_LINE.replace("'", "''") + "'"
    tiers = (ROOT / "tests/fixtures/minimal/content/tiers.yaml").read_text(encoding="utf-8")
    assert "title: Arjen kumppanuudet" in tiers and "definition: Arjen määritelmä." in tiers
    tiers = tiers.replace("title: Arjen kumppanuudet", f"title: {line}").replace(
        "definition: Arjen määritelmä.", "definition: " + _block(ATTACK_MD, 6).rstrip("\n"))
    return {
        "tiers.yaml": tiers,
        "teams/ravintola.yaml": f"id: ravintola\nname: {line}\ndescription: {_block(ATTACK_MD, 2)}"
        "email: ravintola@testi.example\nlead: maija-malli\n",
        "partners/vaara.yaml": f"id: vaara\nname: {line}\ntype: company\nfield: {line}\n"
        "website: https://vaara.example/\nreview_date: 2025-06-01\npublishable: true\n"
        f"notes: {_block(ATTACK_MD, 2)}cooperations:\n  - tier: arki\n    description: {_block(ATTACK_MD, 6)}"
        "    contacts: [maija-malli]\n",
        "methods/vaara.yaml": f"id: vaara\ntitle: {line}\nkind: tool\nsummary: {line}\n"
        f"body: {_block(ATTACK_MD, 2)}tiers: [arki]\nlinks:\n  - title: {line}\n    url: https://ok.example/\n"
        f"  - title: {line}\n    file: liite.pdf\n",
        "files/liite.pdf": b"%PDF-1.4\n",
        "guides/vaara.yaml": f"id: vaara\ntitle: {line}\nsummary: {line}\nbody: {_block(ATTACK_MD, 2)}order: 2\n",
    }


class _HtmlScan(html.parser.HTMLParser):
    """Collect what could run in a browser: scripts with content, event handlers, script URLs, embedding tags."""

    # The theme's own search forms stay on the site; a form from content would post elsewhere.
    DANGEROUS_TAGS = frozenset({"iframe", "object", "embed", "math", "style", "base", "details"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.text: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        posts_away = any(name == "action" and (":" in (value or "") or (value or "").startswith("//"))
                         for name, value in attrs)
        # The tier page's own collapsible parts (templates/site/tier.md.j2: the rest of the definition, and the
        # methods, folded on phones) are the <details> a page may have; the sanitiser lets none through from
        # content, and an event handler on them is caught below.
        own = tag == "details" and attrs in ([("class", "pk-more")], [("class", "pk-more pk-method-fold"),
                                                                      ("open", None), ("data-pk-phone-closed", None)])
        if (tag in self.DANGEROUS_TAGS and not own) or (tag == "form" and posts_away):
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}>")
            compact = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and compact.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.findings.append(f"<{tag} {name}={value}>")
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if "alert" in "".join(self._script):
                self.findings.append("<script>alert</script>")
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        else:
            self.text.append(data)


def scan_html(text: str) -> _HtmlScan:
    """Return the findings and visible text of an HTML document or fragment."""
    scan = _HtmlScan()
    scan.feed(text)
    scan.close()
    return scan


@dataclass(frozen=True)
class HostileBuild:
    """The hostile project and its real outputs."""

    root: Path
    site: Path
    dist: Path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    """Build the hostile content with the real MkDocs (strict) and Moodle renderers, as `python build.py` does."""
    root = materialise(None, tmp_path_factory.mktemp("hostile") / "p")
    for relative, value in hostile_changes().items():
        file = root / "content" / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(value) if isinstance(value, bytes) else file.write_text(value, encoding="utf-8")
    project = Project(root)
    toolbox = read_toolbox(project)
    build_outputs(project, toolbox, "internal", root / "site", root / "dist", quiet)
    return HostileBuild(root, root / "site", root / "dist")


def test_hostile_markup_is_inert_in_every_site_page(hostile: HostileBuild) -> None:
    pages = sorted(hostile.site.rglob("*.html"))
    assert len(pages) > 10
    findings = {}
    canaries = 0
    for page in pages:
        scan = scan_html(page.read_text(encoding="utf-8"))
        if scan.findings:
            findings[page.relative_to(hostile.site).as_posix()] = sorted(set(scan.findings))
        canaries += "".join(scan.text).count(CANARY)
    assert findings == {}
    # The attacks did reach the pages (tier, team, partner, method, guide, contact and list pages).
    assert canaries >= 6


def test_ordinary_markdown_still_works_in_the_site(hostile: HostileBuild) -> None:
    page = (hostile.site / "oppaat" / "vaara.html").read_text(encoding="utf-8")
    assert "<em>korostus</em>" in page and "<strong>vahva</strong>" in page
    assert "<li>ensimmäinen kohta</li>" in page
    assert '<a href="https://www.example.fi/sivu" rel="noopener noreferrer">verkkosivu</a>' in page
    assert '<a href="mailto:tiimi@testi.example" rel="noopener noreferrer">sähköposti</a>' in page
    # Attack text stays readable as text, it is neither run nor silently lost.
    assert "&lt;img src=x onerror=" in page


def test_attachment_is_copied_and_linked(hostile: HostileBuild) -> None:
    assert (hostile.site / "liitteet" / "liite.pdf").read_bytes() == b"%PDF-1.4\n"
    assert 'href="../liitteet/liite.pdf"' in (hostile.site / "menetelmat" / "vaara.html").read_text(encoding="utf-8")


def _moodle_html_fields(xml_bytes: bytes) -> Iterator[tuple[str, str]]:
    """Yield (tag, text) of every HTML field in a Moodle XML file: those with a sibling <tag>format / FORMAT."""
    tree = ElementTree.fromstring(xml_bytes)
    for parent in tree.iter():
        names = {child.tag.lower() for child in parent}
        for child in parent:
            tag = child.tag.lower()
            is_html = f"{tag}format" in names or (tag == "definition" and "format" in names)
            if is_html and child.text:
                yield child.tag, child.text
            if tag == "externalurl":
                assert (child.text or "").startswith(("http://", "https://")), child.text


def test_hostile_markup_is_inert_in_moodle_packages(hostile: HostileBuild) -> None:
    documents: dict[str, str] = {}
    for package in sorted(hostile.dist.iterdir()):
        data = package.read_bytes()
        if package.suffix == ".mbz":
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
                for member in archive.getmembers():
                    if member.isfile() and member.name.endswith(".xml"):
                        content = archive.extractfile(member).read()  # type: ignore[union-attr]
                        for tag, text in _moodle_html_fields(content):
                            documents[f"{package.name}:{member.name}:{tag}"] = text
        elif package.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    documents[f"{package.name}:{name}"] = archive.read(name).decode("utf-8")
        elif package.suffix == ".xml":
            for tag, text in _moodle_html_fields(data):
                documents[f"{package.name}:{tag}"] = text
    assert len(documents) > 10
    findings = {name: sorted(set(scan_html(text).findings)) for name, text in documents.items()}
    assert {name: found for name, found in findings.items() if found} == {}
    assert sum("".join(scan_html(text).text).count(CANARY) for text in documents.values()) >= 2
    # Ordinary Markdown still comes through as markup.
    everything = "\n".join(documents.values())
    assert "<em>korostus</em>" in everything and "<li>ensimmäinen kohta</li>" in everything
    assert 'href="https://www.example.fi/sivu"' in everything and 'href="mailto:tiimi@testi.example"' in everything


def search_for(page: Any, base: str, site: Path, query: str) -> tuple[str, int]:
    """Search the built site as a visitor would; return the results' text and how many img/script they hold."""
    if (site / "haku.html").exists():
        # partnerkit's own search page (Pagefind index, results rendered by assets/partnerkit-search.js).
        page.goto(f"{base}/haku.html?q={query}", wait_until="load")
        container = ".pk-search__results"
        page.locator(f"{container} li").first.wait_for(timeout=30_000)
    else:
        # Material's search dialog; a query typed before the worker has its index is dropped, so wait for it.
        page.goto(f"{base}/index.html", wait_until="load")
        page.keyboard.press("/")
        page.wait_for_function("document.querySelector('.md-search-result__meta').textContent.trim() !== "
                               "'Aloitetaan hakua'", timeout=30_000)
        page.keyboard.type(query)
        container = ".md-search-result"
        page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    injected = page.eval_on_selector_all(f"{container} img, {container} script, {container} iframe", "n => n.length")
    return page.locator(container).inner_text(), injected


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_nothing_runs_in_chromium(hostile: HostileBuild) -> None:
    """Open every hostile page and search for the attack titles in Debian's Chromium: no dialog may appear."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail("Chromium is missing: run `make test`, which installs Debian's chromium package")
    handler = functools.partial(_QuietHandler, directory=str(hostile.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    dialogs: list[str] = []
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
            for path in ("index.html", "tasot/arki.html", "kumppanit/vaara.html", "menetelmat/vaara.html",
                         "oppaat/vaara.html", "tiimit/ravintola.html", "henkilot/maija-malli.html"):
                page.goto(f"{base}/{path}", wait_until="load")
                # Links whose script URL survived would run on click; none may have one.
                hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
                assert [h for h in hrefs if h.lower().startswith(("javascript:", "data:", "vbscript:"))] == []
            assert dialogs == []
            results, injected = search_for(page, base, hostile.site, "onerror")
            browser.close()
    finally:
        server.shutdown()
    assert dialogs == []
    assert "<img src=x onerror=" in results and injected == 0
