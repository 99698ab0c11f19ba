"""Benchmark `partnerkit import`: N rows into an N-partner toolbox, from a cold start. A script that prints figures.

    python bench/import_benchmark.py [N] [--all-changed]

It generates the synthetic N-partner project (bench/generate.py, the same content the build benchmark uses) and
takes the toolbox's own downloadable staff list of all partners (render/sheets.py) as the spreadsheet, edited as
a real re-import would be: every 10th row a new website (an update), every 20th row replaced by a new partner
(a new file), the rest unchanged; N rows in all. With --all-changed every existing row gets a new website (the
worst case: every matched file is edited). The same rows are imported as .csv and as .xlsx, each into a fresh
copy of the project, as `python -m partnerkit import FILE` in a new process (cold start: interpreter, imports,
reading and checking all N partner files, reading the sheet, planning, checking the planned files with the rest,
the atomic write; with --skip-bad-rows, as the generated content has partners without business ID that share a
name, and rows for them are conflicts). Then the same file is imported again (everything unchanged) and `check` runs on the result.
Peak memory is the largest summed proportional memory (PSS) of the process tree (sampled every 50 ms).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "src"))

from benchmark import measure_process  # noqa: E402
from generate import business_id, generate, project_label, write_project  # noqa: E402

from partnerkit.audience import INTERNAL  # noqa: E402
from partnerkit.project import Project, read_toolbox  # noqa: E402
from partnerkit.render.sheets import render_csv, render_sheets, render_xlsx  # noqa: E402


def measured(command: list[str], cwd: Path) -> tuple[float, int, str, int]:
    """Run command without the check cache; return wall seconds, peak memory (PSS, bytes), stdout and the exit code."""
    run = measure_process(command, cwd, {**os.environ, "PARTNERKIT_CACHE": "0"}, output="stdout")
    return run.seconds, run.peak, run.text, run.code


def make_rows(project: Path, all_changed: bool) -> tuple[list[str], list[list[str]]]:
    """Return the header and rows of the edited staff list (see the module docstring)."""
    exported = render_sheets(read_toolbox(Project(project)), INTERNAL, 0)["lataukset/kumppanit.csv"]
    reader = csv.reader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";")
    header, *rows = list(reader)
    column = {name: position for position, name in enumerate(header)}
    edited: list[list[str]] = []
    for number, row in enumerate(rows):
        row = [cell[1:] if cell.startswith("'") else cell for cell in row]
        if number % 20 == 5:
            new = [""] * len(header)
            new[column["Nimi"]] = f"Tuontikumppani {number} Oy"
            new[column["Y-tunnus"]] = business_id(900_000 + number)
            new[column["Tyyppi"]] = "Yritys"
            new[column["Toimiala"]] = "Metalliala"
            new[column["Tasot"]] = "Arjen kumppanuudet"
            edited.append(new)
            continue
        if all_changed or number % 10 == 0:
            row[column["Verkkosivu"]] = f"https://uusi-{number}.example"
        edited.append(row)
    return header, edited


def main(argv: list[str] | None = None) -> int:
    """Generate, import as .csv and .xlsx, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("partners", type=int, nargs="?", default=20000)
    parser.add_argument("--all-changed", action="store_true", help="every existing row updates its partner")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="partnerkit-import-bench-") as folder:
        base = Path(folder)
        pristine = base / "pristine"
        started = time.perf_counter()
        write_project(generate(args.partners), pristine, project_label(args.partners, 1))
        header, rows = make_rows(pristine, args.all_changed)
        sheets = {"csv": render_csv(header, rows), "xlsx": render_xlsx(header, rows, 1767225600)}
        print(f"generated {args.partners} partners and a {len(rows)}-row list in {time.perf_counter() - started:.0f} s"
              f" ({'every existing row changed' if args.all_changed else '10 % updated, 5 % new, the rest unchanged'})")
        print(f"{'format':<6} {'rows':>6} {'new':>5} {'updated':>7} {'unchanged':>9} {'conflict':>8} {'import s':>9} {'peak MB':>8}"
              f" {'again s':>8} {'check s':>8}")
        for kind, data in sheets.items():
            project = base / kind
            shutil.copytree(pristine, project)
            sheet = base / f"lista.{kind}"
            sheet.write_bytes(data)
            command = [sys.executable, "-m", "partnerkit", "--root", str(project), "import", str(sheet),
                       "--skip-bad-rows"]
            seconds, peak, out, code = measured(command, project)
            if code != 0:
                print(out[-3000:])
                raise SystemExit(f"import of {kind} failed ({code})")
            counts = next(line for line in out.splitlines() if line.startswith("Uusia "))
            figures = [int(word.rstrip(",.")) for word in counts.split() if word.rstrip(",.").isdigit()]
            again, _, out_again, code_again = measured(command, project)
            again_counts = next(line for line in out_again.splitlines() if line.startswith("Uusia "))
            assert code_again == 0 and again_counts.startswith("Uusia 0, päivitettyjä 0"), again_counts
            check, _, _, code_check = measured([sys.executable, "-m", "partnerkit", "--root", str(project), "check"],
                                               project)
            assert code_check == 0, "the imported content does not pass check"
            print(f"{kind:<6} {len(rows):>6} {figures[0]:>5} {figures[1]:>7} {figures[2]:>9} {figures[3]:>8} {seconds:>9.1f}"
                  f" {peak / 2**20:>8.0f} {again:>8.1f} {check:>8.1f}")
    print("conflict: rows left out with --skip-bad-rows because their name (no business ID) matches several"
          " partners: the generated content has such duplicate names, and the import does not guess.")
    print("import s: cold start to exit, everything included (see the docstring); again s: the same file once more"
          " (nothing changes); check s: `check` of the result without the check cache. Shared 2-core machine:"
          " figures vary with the other load.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
