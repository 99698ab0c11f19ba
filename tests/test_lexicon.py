"""Words search adds after a page's words (partnerkit.lexicon): Voikko's base forms and compound parts, synonyms.

Voikko is installed by `make test` (Debian's libvoikko1 and voikko-fi, the pinned PyPI bindings): the tests that
need it fail, never skip, where it is missing. The build without Voikko is proven in a subprocess whose Python
really lacks the bindings.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from partnerkit.lexicon import Lexicon, Morphology, open_morphology
from partnerkit.messages import format_message
from tests.conftest import MINIMAL

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def morphology() -> Morphology:
    """Voikko's Finnish morphology (make test installs it)."""
    found, reason = open_morphology()
    assert found is not None, f"Voikko is missing ({reason}): run `make test`, which installs libvoikko1 and voikko-fi"
    return found


def finds(lexicon: Lexicon, query: str, word: str) -> bool:
    """Return whether a Pagefind query finds a page with word, given the words the lexicon adds after it.

    Pagefind stems the query and the indexed words (Snowball's Finnish) and finds every word whose stem begins with
    the query's stem. (The search page's recall test checks the same end to end, in Chromium.)
    """
    stem = lexicon.stem
    indexed = [stem(word.lower()), *(stem(piece) for extra in lexicon.expand(word) for piece in extra.split())]
    return any(key.startswith(stem(query)) for key in indexed)


def test_a_base_form_finds_inflected_forms_across_consonant_gradation(morphology: Morphology) -> None:
    bare, lexicon = Lexicon(None), Lexicon(morphology)
    for query, word in (("saattohoito", "saattohoidon"), ("toimeksianto", "toimeksiannosta"), ("uusi", "uuden"),
                        ("kirjanpito", "kirjanpidossa"), ("koulutus", "koulutusta")):
        assert not finds(bare, query, word), (query, word)  # stemming alone does not find it ...
        assert finds(lexicon, query, word), (query, word)  # ... the base form does


def test_a_compound_is_found_by_its_parts(morphology: Morphology) -> None:
    bare, lexicon = Lexicon(None), Lexicon(morphology)
    for query in ("oppisopimus", "sopimus", "sopimusjakso", "jakso"):
        assert finds(lexicon, query, "oppisopimusjaksot"), query
    for query in ("lämpöpumppu", "pumppu"):
        assert not finds(bare, query, "ilmalämpöpumppujen") and finds(lexicon, query, "ilmalämpöpumppujen"), query
    # Only what finds something new is added: the word's own beginning finds it already.
    assert lexicon.expand("oppisopimusjaksot") == ("sopimusjakso", "jakso")
    assert lexicon.expand("opiskelijoille") == ()
    assert lexicon.expand("työpaikalla") == ("paikka",)


def test_synonyms_add_the_other_words_of_their_group(morphology: Morphology) -> None:
    lexicon = Lexicon(morphology, [("koulutussopimus", "harjoittelupaikat", "työssä oppiminen")])
    # Inflected, in a compound or hyphenated, the declared word brings its group (declared words also in base form).
    for word in ("koulutussopimuksella", "koulutussopimusjaksot", "koulutussopimus-"):
        for query in ("harjoittelupaikka", "harjoittelupaikat", "työssä oppiminen"):
            assert all(finds(lexicon, part, word) for part in query.split()), (query, word)
    assert finds(lexicon, "koulutussopimus", "harjoittelupaikoista")
    # A declared word's own parts do not pull the group into other compounds (oppi, sopimus).
    assert not finds(lexicon, "harjoittelupaikka", "oppisopimusjaksot")


def test_without_voikko_synonyms_match_words_as_written() -> None:
    lexicon = Lexicon(None, [("koulutussopimus", "harjoittelupaikka")])
    assert lexicon.expand("Koulutussopimus.") == ("harjoittelupaikka",)
    assert lexicon.expand("koulutussopimus-") == ("harjoittelupaikka",)
    assert lexicon.expand("koulutussopimuksella") == ()


@pytest.mark.parametrize("token", ["9811252-8", "https://www.example.fi/a", "(10–49", "–", "x" * 61, "ala", ""])
def test_numbers_addresses_and_short_words_add_nothing(morphology: Morphology, token: str) -> None:
    assert Lexicon(morphology).expand(token) == ()


def _build(project: Path, python_path: list[str], extra_args: list[str]) -> subprocess.CompletedProcess[str]:
    """Build the project with the command line in a fresh Python whose module path is exactly python_path."""
    script = ("import sys; sys.path[:0] = " + repr(python_path) + "\nfrom partnerkit.cli import main\n"
              "sys.exit(main(sys.argv[1:]))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, *extra_args, "-c", script, "--root", str(project), "build"],
                          capture_output=True, text=True, env=env, timeout=600)


def _indexed_text(site: Path) -> str:
    """Return the text of every page in the built site's Pagefind index (its fragments)."""
    texts = []
    for fragment in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        texts.append(json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])["content"])
    return "\n".join(texts)


def test_the_build_indexes_base_forms_with_voikko_and_works_without_it(tmp_path: Path) -> None:
    with_voikko, without = tmp_path / "with", tmp_path / "without"
    for root in (with_voikko, without):
        shutil.copytree(MINIMAL, root, ignore=shutil.ignore_patterns("site", "dist"))
    site_packages = sysconfig.get_paths()["purelib"]
    # With Voikko: the command line as installed.
    found = _build(with_voikko, [str(SRC)], [])
    assert found.returncode == 0, found.stderr
    assert "Voikko" not in found.stderr
    # "Työpaikalla järjestettävää koulutusta.": a base form and a compound's part follow their words in the index.
    assert "Työpaikalla ^^paikka järjestettävää koulutusta. ^^koulutus" in _indexed_text(with_voikko / "site")
    # Without Voikko: a Python that really has no libvoikko bindings. -S leaves the environment's packages out;
    # they come back through a folder of links to each of them, except the bindings.
    packages = tmp_path / "packages-without-voikko"
    packages.mkdir()
    for entry in Path(site_packages).iterdir():
        if not entry.name.lower().startswith("libvoikko"):
            (packages / entry.name).symlink_to(entry)
    missing = _build(without, [str(SRC), str(packages)], ["-S"])
    assert missing.returncode == 0, missing.stderr
    notice = format_message("cli_search_without_voikko", "fi", reason="No module named 'libvoikko'")
    assert notice in missing.stderr
    assert (without / "site" / "pagefind" / "pagefind-entry.json").is_file()
    text = _indexed_text(without / "site")
    assert "Työpaikalla järjestettävää koulutusta." in text and "^^koulutus" not in text and "^^paikka" not in text


def test_a_missing_voikko_library_is_a_reason_not_a_traceback() -> None:
    # The bindings are there but Debian's library is not (a machine set up without `make`): the loader fails as
    # ctypes does. libvoikko's Voikko object made without its library printed a traceback when it was collected.
    script = (
        "import gc, libvoikko\n"
        "def missing(cls, path=None):\n"
        "    raise OSError('libvoikko.so.1: cannot open shared object file: No such file or directory')\n"
        "libvoikko.VoikkoLibrary.open = classmethod(missing)\n"
        "from partnerkit.lexicon import open_morphology\n"
        "print(open_morphology())\n"
        "gc.collect()\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == ""
    assert run.stdout == "(None, 'libvoikko.so.1: cannot open shared object file: No such file or directory')\n"
