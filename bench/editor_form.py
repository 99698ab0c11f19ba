"""Measure the web editor with many records to pick from. A script that prints figures, not a test.

    python bench/editor_form.py [PARTNERS] [--repeat 3]

It generates the synthetic project (bench/generate.py: PARTNERS partners, default 2,000, and always 2,000
contact persons and 100 teams), renders the staff site's editor for it (the generated config.yml and the CMS
copied from node_modules), runs Decap's local backend (decap-server from npm) on a Git copy of it and opens the
editor in Debian's Chromium, cold each time (a new browser context): the time until a new partner's form is
ready, until the contacts picker of a cooperation lists its first options (all 2,000 contacts are fetched then),
and until typing a surname narrows the list. Existing partner's form: until it shows its cooperations.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "site_tests"))
sys.path.insert(0, str(REPO / "src"))

from partnerkit.builders.site import read_cms_files, read_editor_settings  # noqa: E402
from partnerkit.pipeline import Project, read_toolbox  # noqa: E402
from partnerkit.render import make_environment  # noqa: E402
from partnerkit.render.editor import EDITOR_FOLDER, render_editor_files  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def free_port() -> int:
    """Return a free localhost port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(partners: int, work: Path) -> tuple[Path, Path, int, str, str]:
    """Return (repository, web root, contacts, a partner id, a contact surname) of a generated project."""
    project_dir = work / "repo"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), str(partners), "--out", str(project_dir)],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["git", "init", "-q", "-b", "main", str(project_dir)], check=True)
    git = ["git", "-C", str(project_dir), "-c", "user.name=Mittaus", "-c", "user.email=mittaus@oppilaitos.example"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "Mittausaineisto"], check=True)
    project = Project(project_dir)
    toolbox = read_toolbox(project)
    files = render_editor_files(toolbox, read_editor_settings(project), make_environment(REPO / "templates"),
                                read_cms_files(Project(REPO)))
    web = work / "web"
    for path, data in files.items():
        target = web / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    partner = next(p for p in toolbox.partners if len(p.cooperations) >= 2)
    surname = toolbox.contacts[len(toolbox.contacts) // 2].name.split()[-1]
    return project_dir, web, len(toolbox.contacts), partner.id, surname


def measure(site: str, api: str, partner_id: str, surname: str) -> dict[str, float]:
    """Open the editor cold and return the seconds each step took."""
    from playwright.sync_api import sync_playwright

    figures: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        config = page.context.request.get(f"{site}/{EDITOR_FOLDER}/config.yml").text()
        page.route(f"**/{EDITOR_FOLDER}/config.yml", lambda route: route.fulfill(
            body=config.replace("\nlocal_backend: true\n", f"\nlocal_backend:\n  url: {api}\n"),
            content_type="text/yaml"))
        page.goto(f"{site}/{EDITOR_FOLDER}/index.html")
        page.get_by_role("button", name="Kirjaudu sisään").click()
        page.get_by_role("link", name="Kumppanit").first.wait_for(timeout=120_000)
        started = time.perf_counter()
        page.goto(f"{site}/{EDITOR_FOLDER}/index.html?uusi#/collections/partners/new")
        page.get_by_role("button", name="Lisää: yhteistyö").wait_for(timeout=120_000)
        figures["new partner form ready"] = time.perf_counter() - started
        page.get_by_role("button", name="Lisää: yhteistyö").click()
        started = time.perf_counter()
        picker = page.get_by_label("Yhteyshenkilöt (vapaaehtoinen)", exact=True)
        picker.click()
        page.get_by_role("option").first.wait_for(timeout=120_000)
        figures["contacts picker: first options"] = time.perf_counter() - started
        started = time.perf_counter()
        picker.press_sequentially(surname)
        page.get_by_role("option", name=surname).first.wait_for(timeout=120_000)
        figures[f"contacts picker: typed '{surname}'"] = time.perf_counter() - started
        started = time.perf_counter()
        page.goto(f"{site}/{EDITOR_FOLDER}/index.html?vanha#/collections/partners/entries/{partner_id}")
        page.get_by_label("Yhteistyön kuvaus", exact=True).nth(1).wait_for(timeout=120_000)
        figures["existing partner form with two cooperations"] = time.perf_counter() - started
        context.close()
        browser.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Print the editor's timings for a generated project."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partners", type=int, nargs="?", default=2000, help="partners to generate (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs; medians are printed (default 3)")
    args = parser.parse_args(argv)
    server_script = REPO / "node_modules" / "decap-server" / "dist" / "index.js"
    if not server_script.is_file():
        print("decap-server puuttuu: aja ensin npm ci (tai make browser).", file=sys.stderr)
        return 2
    from conftest import serving

    with tempfile.TemporaryDirectory(prefix="partnerkit-editor-bench-") as folder:
        work = Path(folder)
        started = time.perf_counter()
        repo, web, contacts, partner_id, surname = prepare(args.partners, work)
        print(f"project: {args.partners} partners, {contacts} contacts ({time.perf_counter() - started:.1f} s to "
              f"generate); config.yml {len((web / EDITOR_FOLDER / 'config.yml').read_bytes()) // 1024} KiB")
        port = free_port()
        env = {**os.environ, "PORT": str(port), "MODE": "git", "GIT_REPO_DIRECTORY": str(repo),
               "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "warn"}
        server = subprocess.Popen(["node", str(server_script)], env=env, cwd=repo, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            time.sleep(2)
            runs: list[dict[str, float]] = []
            with serving(web) as site:
                for _ in range(args.repeat):
                    runs.append(measure(site, f"http://127.0.0.1:{port}/api/v1", partner_id, surname))
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(f"{'step (cold browser, median of ' + str(len(runs)) + ')':<52} {'seconds':>8}   all runs")
        for step in runs[0]:
            values = [run[step] for run in runs]
            print(f"{step:<52} {statistics.median(values):8.2f}   " + ", ".join(f"{v:.2f}" for v in values))
    shutil.rmtree(BENCH / "__pycache__", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
