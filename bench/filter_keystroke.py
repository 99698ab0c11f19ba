"""Measure the partner table filter in Chromium at N partners and print figures. A script, not a test.

    python bench/filter_keystroke.py 20000 [2000 ...]

For each N it generates the synthetic project (bench/generate.py, reused when already there), renders the site in
memory as a build does but keeps only the pages measured (the largest tier's page and the partner list, with their
filter data files), builds just those with the real MkDocs, theme and scripts, and opens them in Debian's
Chromium. The filter's code path is the one of a full build: the same page, data file and partnerkit-filter.js;
the pages left out (partner pages, search index) are never read by the filter.

Figures per page:
- data KB: the filter's data file; load ms: from focusing the text field until the rows are loaded and prepared
  (script download from localhost, parse, folding every row once);
- keystroke ms: one character added to the text field, from the input event until the next frame has been
  painted (filtering every row, drawing at most 100 matching rows into the table, status line, address):
  median and worst over the characters of the typed words;
- choice ms: the same for picking a field from the drop-down.
The issue's limit is 200 ms per keystroke at N = 20,000.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

from benchmark import ensure_project  # noqa: E402

from partnerkit.audience import INTERNAL  # noqa: E402
from partnerkit.builders.mkdocs_runner import run_mkdocs  # noqa: E402
from partnerkit.builders.site import site_settings  # noqa: E402
from partnerkit.pipeline import Project, make_view, read_toolbox  # noqa: E402
from partnerkit.render import make_environment  # noqa: E402
from partnerkit.render.site import render_site, tier_path  # noqa: E402
from partnerkit.write import write_tree  # noqa: E402

COLUMNS = ("N", "page", "rows", "data KB", "load ms", "typed", "matches after", "keystroke median ms",
           "keystroke worst ms", "choice ms")
PARTNERS_PAGE = "kumppanit/index.md"

# One character into the text field, timed in the page until the frame after the update has been painted.
_KEYSTROKE_JS = """async ch => {
  const field = document.getElementById("pk-filter-text");
  const started = performance.now();
  field.value += ch;
  field.dispatchEvent(new Event("input", {bubbles: true}));
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return [performance.now() - started, document.querySelector(".pk-filter__status").textContent];
}"""
_CHOICE_JS = """async value => {
  const field = document.getElementById("pk-filter-group");
  const started = performance.now();
  field.value = value;
  field.dispatchEvent(new Event("change", {bubbles: true}));
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return [performance.now() - started, document.querySelector(".pk-filter__status").textContent];
}"""
_LOAD_JS = """async key => {
  const started = performance.now();
  document.getElementById("pk-filter-text").focus();
  while (!(window.partnerkitFilterData && window.partnerkitFilterData[key] &&
           window.partnerkitFilterData[key].folded)) {
    await new Promise(done => setTimeout(done, 5));
  }
  return performance.now() - started;
}"""


def build_pages(n: int, out: Path) -> tuple[Path, list[tuple[str, str, int, int]], list[str], str]:
    """Build the measured pages of the N-partner project into out; return the site folder, (page, key, rows, data
    bytes) per page, typed words and a field to choose."""
    root = ensure_project(n, 1, BENCH / "out", {})
    project = Project(root)
    view, profile = make_view(read_toolbox(project), INTERNAL.name)
    tiers = Counter(coop.tier for p in view.partners if p.status != "ended" for coop in p.cooperations)
    tier = tiers.most_common(1)[0][0]
    wanted = {"index.md", tier_path(tier), PARTNERS_PAGE}
    files = render_site(view, site_settings(project, profile), make_environment(project.templates_dir),
                        only=lambda path, extra: path in wanted)
    keys = {tier_path(tier): f"tasot/{tier}", PARTNERS_PAGE: "kumppanit/aakkosittain"}
    static = {path: text for path, text in files.static.items()
              if path in {f"{key}/kumppanit.js" for key in keys.values()}}
    write_tree(out / "docs", static)
    nav = [{"Etusivu": "index.md"}, {"Taso": tier_path(tier)}, {"Kumppanit": PARTNERS_PAGE}]
    run_mkdocs(project.mkdocs_file, out / "docs", out / "site", nav, project.templates_dir / "theme",
               {path: text for path, text in files.pages.items() if path in wanted}, files.extra)
    measured = [(path[:-3] + ".html", key, tiers[tier] if path != PARTNERS_PAGE else len(view.partners),
                 len(static[f"{key}/kumppanit.js"].encode("utf-8"))) for path, key in keys.items()]
    # Typed words: the most common word of the partners' names (many matches), and a rare one (few).
    words = Counter(w.lower() for p in view.partners for w in p.name.split() if len(w) >= 5 and w.isalpha())
    common = words.most_common(1)[0][0]
    rare = min(words, key=lambda w: (words[w], w))
    field = Counter(p.field for p in view.partners).most_common(1)[0][0]
    return out / "site", measured, [common, rare], field


def measure(n: int) -> list[tuple[object, ...]]:
    """Return the figures of each measured page at N partners."""
    from playwright.sync_api import sync_playwright

    from site_tests.conftest import CHROMIUM, CHROMIUM_ARGS, serving

    rows = []
    with tempfile.TemporaryDirectory(prefix="partnerkit-filter-bench-") as temporary:
        site, pages, words, field = build_pages(n, Path(temporary))
        with serving(site) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for html, key, count, data_bytes in pages:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                for word in words:
                    page.goto(f"{base}/{html}")
                    page.wait_for_selector(".pk-filter[data-ready]")
                    load_ms = page.evaluate(_LOAD_JS, key)
                    times, status = [], ""
                    for ch in word:
                        spent, status = page.evaluate(_KEYSTROKE_JS, ch)
                        times.append(spent)
                    page.evaluate("() => { const f = document.getElementById('pk-filter-text'); f.value = '';"
                                  " f.dispatchEvent(new Event('input', {bubbles: true})); }")
                    choice_ms, _ = page.evaluate(_CHOICE_JS, field)
                    rows.append((n, html, count, f"{data_bytes / 1024:.0f}", f"{load_ms:.0f}", word,
                                 status.strip(), f"{statistics.median(times):.1f}", f"{max(times):.1f}",
                                 f"{choice_ms:.1f}"))
                page.close()
            browser.close()
    return rows


def main() -> None:
    """Print the table for the sizes asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    args = parser.parse_args()
    print(" | ".join(COLUMNS))
    for n in args.sizes:
        for row in measure(n):
            print(" | ".join(str(value) for value in row), flush=True)


if __name__ == "__main__":
    main()
