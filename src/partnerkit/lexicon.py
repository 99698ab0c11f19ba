"""Words for search that are not on the page: base forms and compound parts (Voikko) and synonyms (the content).

Pagefind stems Finnish by cutting endings, which cannot see consonant gradation (saattohoito, saattohoidon) nor
find a compound by its parts (oppisopimus in oppisopimusjaksot). At index time Voikko, the Finnish morphology of
Debian's libvoikko1 and voikko-fi (through the libvoikko bindings), gives every word of a page its base forms and
compound parts, and the synonyms the toolbox declares (toolbox.yaml `synonyms`, and each concept's other names)
add their other words; render/search.py writes them after the word for Pagefind to index. The search itself stays
static: nothing of this runs in the browser.

Voikko is optional: without it (library, bindings or Finnish dictionary missing) the build works and says so, and
synonyms match words as they are written. Each distinct word is analysed once per build (a build owns its Lexicon).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import snowballstemmer

# Longer tokens are addresses, codes or run-together text, not words anyone searches by their parts.
_LONGEST_WORD = 60
_SHORTEST_PART = 3
# Shorter words are read too many ways (ala: alkaa) to add anything but noise.
_SHORTEST_ANALYSED = 4
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_EDGES = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


class Morphology:
    """Finnish base forms and compound parts from Voikko, each distinct word analysed once."""

    def __init__(self, voikko: Any) -> None:
        self.voikko = voikko
        self.known: dict[str, tuple[str, ...]] = {}

    def forms(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return a lower-case word's base forms, and its compound's parts and runs of parts (base form last)."""
        found = self.known.get(word)
        if found is None:
            found = self.known[word] = self._analyse(word)
        return found

    def _analyse(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        bases: dict[str, None] = {}
        parts: dict[str, None] = {}
        # Voikko may read a word several ways (koulutus+sopimus, kouluttaa+us+sopimus); three are plenty.
        for analysis in self.voikko.analyze(word)[:3]:
            base = str(analysis.get("BASEFORM", "")).lower().strip("-")
            if base:
                bases[base] = None
                parts.update(dict.fromkeys(_compound_runs(word, base, str(analysis.get("STRUCTURE", "")))))
        return tuple(bases), tuple(part for part in parts if part not in bases)


def _compound_runs(word: str, base: str, structure: str) -> list[str]:
    """Return a compound's parts and runs of adjacent parts, the last part in its base form."""
    # STRUCTURE marks each part's start in the written word with "="; the word's letters follow, one to a letter.
    parts: list[str] = []
    letters = iter(word)
    for mark in structure:
        if mark == "=":
            parts.append("")
        elif parts:
            parts[-1] += next(letters, "")
    if len(parts) < 2 or any("-" in part for part in parts):
        return []
    head = "".join(parts[:-1])
    if not base.startswith(head):
        return []
    parts[-1] = base[len(head):]
    runs = ("".join(parts[start:end]) for start in range(len(parts)) for end in range(start + 1, len(parts) + 1))
    return [run for run in runs if len(run) >= _SHORTEST_PART and run != base]


def open_morphology() -> tuple[Morphology | None, str]:
    """Return Voikko's Finnish morphology and "", or None and why it cannot be used (bindings, library, dictionary)."""
    try:
        import libvoikko  # the bindings (PyPI libvoikko, pinned); they load Debian's libvoikko1 and voikko-fi
    except ImportError as error:
        return None, str(error)
    try:
        # The library is opened first: a Voikko made without it prints a traceback when it is collected.
        libvoikko.VoikkoLibrary.open()
        return Morphology(libvoikko.Voikko("fi")), ""
    except (OSError, libvoikko.VoikkoException) as error:
        return None, str(error) or type(error).__name__


class Lexicon:
    """What search adds after a word of a page: its base forms and compound parts, and its synonyms."""

    def __init__(self, morphology: Morphology | None, synonyms: Iterable[Iterable[str]] = ()) -> None:
        self.morphology = morphology
        stemmer = snowballstemmer.stemmer("finnish")
        self.stem = lru_cache(maxsize=None)(stemmer.stemWord)  # the build owns the lexicon, and so this cache
        self.known: dict[str, tuple[str, ...]] = {}  # by word, lower case without punctuation
        self.tokens: dict[str, tuple[str, ...]] = {}  # by token as written
        # Each declared word, by its base form when Voikko knows it: the other words of its groups.
        self.synonyms: dict[str, dict[str, None]] = {}
        for group in synonyms:
            words = {word: (word, *self._bases(word)) for word in dict.fromkeys(w.strip().lower() for w in group)
                     if word}
            for word, keys in words.items():
                others = dict.fromkeys(form for other, forms in words.items() if other != word for form in forms)
                for key in keys:
                    self.synonyms.setdefault(key, {}).update(others)

    def _bases(self, word: str) -> tuple[str, ...]:
        # A declared word is known by its base forms too (harjoittelupaikat, harjoittelupaikka), never by its parts.
        if self.morphology is None or not word.isalpha():
            return ()
        return self.morphology.forms(word)[0]

    def expand(self, token: str) -> tuple[str, ...]:
        """Return the words to index after token (a word of a page as written, punctuation and all)."""
        # A build meets the same tokens again and again: each is looked at once.
        found = self.tokens.get(token)
        if found is None:
            word = _EDGES.sub("", token).lower()
            found = self.known.get(word)
            if found is None:
                found = self.known[word] = self._expand(word)
            self.tokens[token] = found
        return found

    def _expand(self, word: str) -> tuple[str, ...]:
        if not word or len(word) > _LONGEST_WORD or not _LETTERS.search(word):
            return ()
        if "-" in word:
            # Pagefind indexes a hyphenated word's parts itself (ravintola-ala, koulutussopimus- ja ...): what
            # search adds is each part's own base forms and synonyms.
            added = dict.fromkeys(extra for part in word.split("-") if part for extra in self._expand(part))
        else:
            bases, parts = ((), ())
            if self.morphology and word.isalpha() and len(word) >= _SHORTEST_ANALYSED:
                bases, parts = self.morphology.forms(word)
            # Pagefind finds a word by its beginning (oppisopimus finds oppisopimusjakso): of a compound's parts it
            # needs the tails, from a later part to the end (sopimusjakso finds sopimus too, and jakso).
            tails = (part for part in parts if any(base.endswith(part) for base in bases))
            added = dict.fromkeys((*bases, *tails))
            # A compound holding a declared word finds its synonyms too (koulutussopimusjakso: harjoittelupaikka).
            for key in (word, *bases, *parts):
                added.update(self.synonyms.get(key, {}))
        # Pagefind stems both sides (Snowball's Finnish) and finds every indexed word that begins with the query's
        # stem: an addition whose stem begins the word's own stem finds nothing new (työpaikka in työpaikalla).
        # A third of the additions go this way, and with them a share of the index and of Pagefind's memory.
        own = self.stem(word)
        return tuple(extra for extra in added if extra != word and not own.startswith(self.stem(extra)))
