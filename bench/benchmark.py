"""Benchmark the toolbox build at several sizes and print a table. A script that prints figures, not a test.

    python bench/benchmark.py 2000 20000 [--repeat 3] [--build-repeat 1] [--browser]

For each N it generates the synthetic project (bench/generate.py, reused when already there), then runs the
real command line in fresh processes: `check` --repeat times and `build` (validation, strict site, Moodle
packages) --build-repeat times; medians are printed. Peak memory is the largest summed proportional set size
(PSS) of the build's whole process tree (sampled every 0.5 s), so forked renderers, parallel MkDocs workers and
Pagefind count too, and memory a forked process shares with the build counts once; the summed resident sizes
(which count it again in every process, sampled every 50 ms) are printed beside it. The
time split (own work vs MkDocs) comes from one more in-process build that wraps the pipeline's steps in timers.
With --browser, Debian's Chromium measures the arki tier page and the search page at each N. With --serve, the
preview's rebuild after an edit is timed in-process, and with --browser also end to end: `serve` runs as its own
process, Chromium has the partner's page open, and the time runs from saving the YAML file until the page shows
the edit (file watching, rebuild, live reload).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import ACTIONS, MARKER, generate, project_label, write_project  # noqa: E402

COLUMNS = ("N", "cold build s", "cold peak MB", "cold RSS sum MB", "warm build s", "warm peak MB", "pages", "largest KB", "search KB",
           "cold ratio", "check cold s", "check warm s", "own %")


# What the figures include, printed under the table.
INCLUDES = (
    "cold: an empty check cache and no earlier site or packages (a CI runner); the operating system's file cache "
    "and Python's bytecode are warm",
    "warm: the check cache filled and the previous output in place; it is swapped out atomically and, above 5,000 "
    "files, removed by a background process after the build returns (not in the time)",
    "build: validation, strict MkDocs site, Pagefind index, Moodle packages, atomic swap; peak = largest summed "
    "proportional memory (PSS) of the build's process tree, sampled every 0.5 s (forked renderers, MkDocs workers "
    "and Pagefind included; a page a forked process shares with the build counts once); RSS sum = the same with "
    "resident sizes, sampled every 50 ms, which count every shared page once per process",
    "own %: share of a warm build spent outside MkDocs' run (one extra in-process build with timers)",
    "units: MB = 2^20 bytes and KB = 2^10 bytes (1,500 MB here is 1.57 GB of 10^9 bytes)",
)


def ensure_project(partners: int, seed: int, out_root: Path, sizes: dict[str, int]) -> Path:
    """Return the generated project for N partners, generating it unless the same one is already there."""
    out = out_root / f"n{partners}"
    marker = out / MARKER
    label = project_label(partners, seed) + "".join(f" {k}={v}" for k, v in sorted(sizes.items()))
    if not (marker.exists() and marker.read_text(encoding="utf-8").strip().endswith(label)):
        write_project(generate(partners, seed, **sizes), out, label)
    return out


def _tree_pids(root_pid: int) -> list[int]:
    """Return root_pid and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _tree_resident(pids: list[int]) -> int:
    """Return the summed resident memory in bytes of pids (cheap: the kernel's counters, no page walk)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as stream:
                total += int(stream.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            continue  # the process ended in between
    return total


def _tree_proportional(pids: list[int]) -> int:
    """Return the summed proportional memory (PSS) in bytes of pids.

    The proportional set size counts a page shared by several processes once, split between them: what the tree
    takes from the machine. The summed resident sizes count it in every process that maps it, so a forked copy of
    the build counts the parent's memory a second time although it shares it. Reading it walks each process's
    page tables under its memory lock, so it is sampled less often than the resident size.
    """
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
                for line in stream:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue  # the process ended in between
    return total


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# How often the memory is sampled: the resident size every 50 ms, the proportional size every 0.5 s. Sampling PSS
# every 50 ms cost the 20,000-partner build about 10 s of its 80 (page walks of gigabyte processes on two cores);
# every 0.5 s it costs under 1 %, and the build's memory rises and falls over seconds, not milliseconds.
RESIDENT_INTERVAL = 0.05
PROPORTIONAL_EVERY = 10


class Measured(NamedTuple):
    """One measured run: wall seconds, peak summed PSS and peak summed RSS (bytes), its kept output, exit code."""

    seconds: float
    peak: int
    peak_rss: int
    text: str
    code: int


def measure_process(command: list[str], cwd: Path, env: dict[str, str] | None = None,
                    output: str = "stderr") -> Measured:
    """Run command and measure it: wall time, peak memory of its process tree (PSS and RSS), output, exit code.

    output names the stream kept ("stdout" or "stderr"); the other is discarded.
    """
    started = time.perf_counter()
    keep = {"stdout": subprocess.PIPE if output == "stdout" else subprocess.DEVNULL,
            "stderr": subprocess.PIPE if output == "stderr" else subprocess.DEVNULL}
    process = subprocess.Popen(command, cwd=cwd, env=env, **keep)
    peak = peak_rss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_rss
        tick = 0
        while not done.is_set():
            pids = _tree_pids(process.pid)
            peak_rss = max(peak_rss, _tree_resident(pids))
            if tick % PROPORTIONAL_EVERY == 0:
                peak = max(peak, _tree_proportional(pids))
            tick += 1
            done.wait(RESIDENT_INTERVAL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    text = (stdout if output == "stdout" else stderr) or b""
    return Measured(seconds, peak, peak_rss, text.decode(errors="replace"), process.returncode)


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run command and measure it (see measure_process); stop the benchmark if it fails."""
    measured = measure_process(command, cwd, env)
    if measured.code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({measured.code}):\n{measured.text}")
    return measured


def cli(project: Path, *args: str) -> list[str]:
    """Return the command line of partnerkit on project."""
    return [sys.executable, "-m", "partnerkit", "--root", str(project), *args]


def site_figures(site: Path) -> tuple[int, float, float]:
    """Return the number of HTML pages, the largest page in KB and the search index size in KB."""
    pages, largest, search = 0, 0, 0
    for folder, _, names in os.walk(site):
        top = Path(folder).relative_to(site).parts[:1]
        # The search index: every bundle (pagefind/, pagefind-2/, ... in a large site) and the search folder.
        in_search = bool(top) and (top[0] == "search" or re.fullmatch(r"pagefind(-\d+)?", top[0]) is not None)
        for name in names:
            size = os.path.getsize(os.path.join(folder, name))
            if in_search:
                search += size
            elif name.endswith(".html"):
                pages += 1
                largest = max(largest, size)
    return pages, largest / 1024, search / 1024


def split_times(project: Path) -> dict[str, float]:
    """Build once in a child process with the pipeline's steps timed; return seconds per step."""
    script = r"""
import json, sys, time
from pathlib import Path
import partnerkit.cli as cli
import partnerkit.builders.moodle as moodle_builder
import partnerkit.builders.site as site_builder
import partnerkit.pipeline as pipeline
spent = {}
def timed(module, name, key):
    original = getattr(module, name)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[key] = spent.get(key, 0.0) + time.perf_counter() - started
    setattr(module, name, wrapper)
timed(cli, "read_toolbox_apart", "validate")  # read in a forked process from 1,000 partners
timed(site_builder, "render_site", "render")
timed(moodle_builder, "render_packages", "packages")
timed(site_builder, "write_tree", "write")
timed(moodle_builder, "write_tree", "write")
timed(site_builder, "run_mkdocs", "mkdocs")
timed(site_builder, "search_documents", "search text")
timed(pipeline, "replace_directories", "swap")
started = time.perf_counter()
code = cli.main(["--root", sys.argv[1], "build"])
spent["total"] = time.perf_counter() - started
print(json.dumps(spent))
sys.exit(code)
"""
    result = subprocess.run([sys.executable, "-c", script, str(project)], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"timed build failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def browser_figures(site: Path, query: str) -> dict[str, float]:
    """Measure in Chromium: arki tier page until interactive and first filter result; first search result."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from site_tests.conftest import CHROMIUM, CHROMIUM_ARGS, serving

    figures: dict[str, float] = {}
    with serving(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(base + "/tasot/arki.html", wait_until="commit")
        page.wait_for_selector(".pk-filter[data-ready]", state="attached")
        figures["tier interactive s"] = time.perf_counter() - started
        page.wait_for_load_state("load")
        figures["tier load s"] = time.perf_counter() - started
        started = time.perf_counter()
        page.fill("#pk-filter-text", query)
        page.wait_for_selector(".pk-partner-table tbody tr")
        figures["filter first result s"] = time.perf_counter() - started
        page.goto(base + "/index.html")
        started = time.perf_counter()
        page.fill("#pk-header-search", query)
        page.press("#pk-header-search", "Enter")
        page.wait_for_selector(".pk-search-result", timeout=120_000)
        figures["search first result s"] = time.perf_counter() - started
        figures["tier page KB"] = (site / "tasot" / "arki.html").stat().st_size / 1024
        browser.close()
    return figures


def serve_figures(project: Path) -> dict[str, float]:
    """Time the preview (serve): its first, full build, then rebuilds after one partner's description is edited."""
    import shutil

    from partnerkit.pipeline import Project
    from partnerkit.builders import quiet
    from partnerkit.serve import Preview

    work = Path(tempfile.mkdtemp(prefix="partnerkit-bench-serve-"))
    source = sorted((project / "content" / "partners").iterdir())[len(list((project / "content" / "partners")
                                                                           .iterdir())) // 2]
    original = source.read_text(encoding="utf-8")
    figures: dict[str, float] = {}
    try:
        preview = Preview(Project(project), "internal", "fi", work, quiet)
        started = time.perf_counter()
        preview.rebuild()
        figures["serve full build s"] = time.perf_counter() - started
        for number in (1, 2):
            source.write_text(original.replace("description: |\n", f"description: |\n      Muokattu {number}.\n", 1),
                              encoding="utf-8")
            started = time.perf_counter()
            preview.rebuild()
            figures[f"serve edit {number} s"] = time.perf_counter() - started
            page = work / "site" / "kumppanit" / (source.stem + ".html")
            assert f"Muokattu {number}." in page.read_text(encoding="utf-8"), "the edited page was not rebuilt"
    finally:
        source.write_text(original, encoding="utf-8")
        shutil.rmtree(work, ignore_errors=True)
    return figures


def serve_browser_figures(project: Path) -> dict[str, float]:
    """Time `serve` end to end in Chromium: from saving an edited partner file until the open page shows the edit."""
    import signal
    import socket
    import urllib.request

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from site_tests.conftest import CHROMIUM, CHROMIUM_ARGS

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    partners = sorted((project / "content" / "partners").iterdir())
    source = partners[len(partners) // 3]
    original = source.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/kumppanit/{source.stem}.html"
    figures: dict[str, float] = {}
    log_path = Path(tempfile.gettempdir()) / f"partnerkit-bench-serve-{os.getpid()}.log"
    log = open(log_path, "wb")
    server = subprocess.Popen(cli(project, "serve", "--address", f"127.0.0.1:{port}"), cwd=REPO, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        started = time.perf_counter()
        while True:
            if server.poll() is not None:
                raise SystemExit(f"serve stopped ({server.returncode}); see {log_path}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        figures["serve first build s"] = time.perf_counter() - started
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            for number in (1, 2, 3):
                marker = f"Muokattu selaimessa {number}."
                time.sleep(1.0)  # a quiet moment, as between real edits
                source.write_text(original.replace("description: |\n", f"description: |\n      {marker}\n", 1),
                                  encoding="utf-8")
                started = time.perf_counter()
                while time.perf_counter() - started < 120:
                    try:
                        if marker in page.inner_text("article"):
                            break
                    except PlaywrightError:
                        pass  # the page is being reloaded
                    time.sleep(0.02)
                else:
                    raise SystemExit(f"the edit did not reach the browser; see {log_path}")
                figures[f"edit {number} visible s"] = time.perf_counter() - started
            browser.close()
    finally:
        source.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description="Benchmark partnerkit builds and print a table.")
    parser.add_argument("sizes", type=int, nargs="*", default=[2000, 20000], help="numbers of partners")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--contacts", type=int, default=None, help="contact persons (default 2,000)")
    parser.add_argument("--methods", type=int, default=None, help="methods and tools (default 300)")
    parser.add_argument("--teams", type=int, default=None, help="teams (default 100)")
    parser.add_argument("--actions", type=int, default=ACTIONS,
                        help=f"actions in each team's annual plan (default {ACTIONS}; 0: no plans)")
    parser.add_argument("--repeat", type=int, default=3, help="check runs per N (median)")
    parser.add_argument("--build-repeat", type=int, default=1, help="build runs per N (median)")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="where generated projects are kept")
    parser.add_argument("--no-split", action="store_true", help="skip the extra timed build (own work share)")
    parser.add_argument("--browser", action="store_true", help="also measure in Chromium")
    parser.add_argument("--serve", action="store_true",
                        help="also time the preview's rebuild after an edit (with --browser: end to end in Chromium)")
    args = parser.parse_args(argv)
    rows: list[list[str]] = []
    details: list[str] = []
    first: tuple[int, float] | None = None
    for partners in args.sizes:
        sizes = {k: v for k, v in (("contacts", args.contacts), ("methods", args.methods), ("teams", args.teams),
                                   ("actions", args.actions)) if v is not None}
        project = ensure_project(partners, args.seed, args.out, sizes)
        # Cold, as a CI runner starts: an empty check cache and no earlier output (nothing to remove afterwards).
        # The operating system's file cache and Python's bytecode are warm in both cases.
        with tempfile.TemporaryDirectory(prefix="partnerkit-bench-cache-") as empty_cache:
            cold_env = {**os.environ, "PARTNERKIT_CACHE_DIR": empty_cache}
            check_cold = run_measured(cli(project, "check"), REPO, env=cold_env).seconds
        run_measured(cli(project, "check"), REPO)  # fills the user's check cache: the runs below are warm
        checks = [run_measured(cli(project, "check"), REPO).seconds for _ in range(args.repeat)]
        cold_builds = []
        for _ in range(args.build_repeat):
            for output in ("site", "dist"):
                shutil.rmtree(project / output, ignore_errors=True)
            with tempfile.TemporaryDirectory(prefix="partnerkit-bench-cache-") as empty_cache:
                cold_env = {**os.environ, "PARTNERKIT_CACHE_DIR": empty_cache}
                cold_builds.append(run_measured(cli(project, "build"), REPO, env=cold_env))
        # Warm, as between two builds on one machine: the check cache filled and the previous output in place
        # (the old output is swapped out atomically and, when large, removed by a background process afterwards).
        run_measured(cli(project, "check"), REPO)
        warm_builds = [run_measured(cli(project, "build"), REPO) for _ in range(args.build_repeat)]
        build_seconds = statistics.median(b.seconds for b in cold_builds)
        warm_seconds = statistics.median(b.seconds for b in warm_builds)
        pages, largest, search = site_figures(project / "site")
        if first is None:
            first = (partners, build_seconds)
        ratio = f"{build_seconds / first[1]:.1f} (N×{partners / first[0]:g})"
        own = "-"
        if not args.no_split:
            split = split_times(project)
            own = f"{100 * (split['total'] - split.get('mkdocs', 0.0)) / split['total']:.0f}"
            details.append(f"N={partners}: " + ", ".join(f"{k} {v:.1f} s" for k, v in split.items()))
        rows.append([str(partners), f"{build_seconds:.1f}", f"{max(b.peak for b in cold_builds) / 2**20:.0f}",
                     f"{max(b.peak_rss for b in cold_builds) / 2**20:.0f}",
                     f"{warm_seconds:.1f}", f"{max(b.peak for b in warm_builds) / 2**20:.0f}", str(pages),
                     f"{largest:.0f}", f"{search:.0f}", ratio, f"{check_cold:.2f}", f"{statistics.median(checks):.2f}",
                     own])
        if args.browser:
            figures = browser_figures(project / "site", "kuusi")
            details.append(f"N={partners} Chromium: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()))
        if args.serve:
            figures = serve_figures(project)
            details.append(f"N={partners} preview: " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))
            if args.browser:
                figures = serve_browser_figures(project)
                details.append(f"N={partners} serve in Chromium: "
                               + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))
        print(f"... N={partners} done (cold builds {[round(b.seconds, 1) for b in cold_builds]}, warm builds "
              f"{[round(b.seconds, 1) for b in warm_builds]}, "
              f"check runs {[round(c, 2) for c in checks]}, load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
    print(" | ".join(c.rjust(w) for c, w in zip(COLUMNS, widths)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(v.rjust(w) for v, w in zip(row, widths)))
    for line in details:
        print(line)
    for line in INCLUDES:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
