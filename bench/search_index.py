"""Measure the site search index alone at several sizes and print a table. A script that prints figures.

    python bench/search_index.py 2000 [20000] [--audience internal]

For each N it generates the synthetic project (bench/generate.py, reused when already there), renders the site in
memory as a build does, makes the search documents (timed twice: bare, and with the words the build adds: Voikko's
base forms and compound parts, synonyms), and runs Pagefind over the latter through its service protocol, as a
build does (a bundle of at most 6,000 pages at a time, render/search.py), into a temporary folder. Voikko analyses each distinct word once (counted). Pagefind's peak memory is the largest resident set of the
processes this script waited for (getrusage RUSAGE_CHILDREN: Pagefind, and git's small history lookup); its time
runs from starting Pagefind until the index is written. MkDocs does not run: the figures are the index's own.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from benchmark import ensure_project  # noqa: E402

from partnerkit.builders import quiet  # noqa: E402
from partnerkit.builders.pagefind import indexing_search  # noqa: E402
from partnerkit.builders.site import SiteBuilder, search_lexicon  # noqa: E402
from partnerkit.pipeline import Project, make_view, read_toolbox  # noqa: E402
from partnerkit.render.search import deal_documents, search_documents  # noqa: E402

COLUMNS = ("N", "pages indexed", "bundles", "bare s", "with added words s", "distinct words", "documents MB", "Pagefind s",
           "Pagefind peak MB", "index MB")


def measure(n: int, audience: str) -> tuple[object, ...]:
    """Return one row of figures for the synthetic project of n partners."""
    root = ensure_project(n, 1, BENCH / "out", {})
    project = Project(root)
    view, profile = make_view(read_toolbox(project), audience)
    builder = SiteBuilder(project, view, profile, root / "unused", quiet)
    builder.render()
    started = time.perf_counter()
    search_documents(builder.files.search)
    bare_seconds = time.perf_counter() - started
    started = time.perf_counter()
    lexicon = search_lexicon(builder.files, lambda key, **fields: print(key, fields, file=sys.stderr))
    documents = search_documents(builder.files.search, lexicon.expand)
    documents_seconds = time.perf_counter() - started
    size = sum(len(text.encode("utf-8")) for text in documents.values())
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        bundles = deal_documents(documents, builder.files.search_bundles)
        with indexing_search(bundles, folder / "work", folder):
            pass
        pagefind_seconds = time.perf_counter() - started
        index = sum(f.stat().st_size for f in folder.glob("pagefind*/**/*") if f.is_file())
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (n, len(documents), len(builder.files.search_bundles), f"{bare_seconds:.2f}", f"{documents_seconds:.2f}", len(lexicon.known),
            f"{size / 1e6:.1f}", f"{pagefind_seconds:.1f}", f"{peak_kb / 1024:.0f}", f"{index / 1e6:.1f}")


def main() -> None:
    """Print the table for the sizes asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--audience", default="internal", choices=("internal", "public"))
    args = parser.parse_args()
    print(" | ".join(COLUMNS))
    for n in args.sizes:
        # One size per process would be cleaner for the peak; sizes are measured smallest first, so each peak is
        # its own size's (a larger index needs more memory).
        print(" | ".join(str(value) for value in measure(n, args.audience)), flush=True)


if __name__ == "__main__":
    main()
