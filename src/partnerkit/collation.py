"""Finnish alphabetical order: the one sort key of every listing of names and titles (site, Moodle, spreadsheets).

Order as in the modern Finnish standard (SFS 4600, CLDR's standard Finnish): A-Z then Å Ä Ö; W is a letter of its
own after V (the traditional V = W is not used), Ü is filed as Y, Æ as Ä, Ø as Ö, and other accents are ignored.
Hand-written rather than ICU: ICU's sort keys change between its versions (output must be byte-identical on every
machine) and PyICU needs a compiled extension; the rule needed is only this order of letters.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ"
# Letters filed as another letter, and Å Ä Ö as private-use characters, which compare after every letter a-z.
_LETTERS = {"ü": "y", "æ": "\ue001", "ø": "\ue002", "å": "\ue000", "ä": "\ue001", "ö": "\ue002"}
_OWN_INITIALS = {"\ue000": "Å", "\ue001": "Ä", "\ue002": "Ö"}
# Initials in listing order: "#" (digits, quotes, anything not a letter) first, then the alphabet; letters of other
# scripts after Ö, by code point.
_RANK = {letter: rank for rank, letter in enumerate("#" + ALPHABET)}


# Every listing sorts by these keys, and a name is on many listings: at 20,000 partners a build asked for 680,000
# keys of about 40,000 distinct names (20 s of a preview edit). The functions are pure, so their results are kept,
# within a bound.
_KEPT_KEYS = 1 << 17


@lru_cache(maxsize=_KEPT_KEYS)
def fold_letters(text: str) -> str:
    """Return text as compared at the first level: case and accents gone, Å Ä Ö after Z, Ü as Y."""
    folded = []
    for char in unicodedata.normalize("NFC", text).casefold():
        if char in _LETTERS:
            folded.append(_LETTERS[char])
        else:
            folded.extend(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return "".join(folded)


@lru_cache(maxsize=_KEPT_KEYS)
def initial_of(name: str) -> str:
    """Return the letter a name is filed under: its first letter in upper case (É as E, Ü as Y), or '#'."""
    first = fold_letters(name.strip())[:1]
    if first in _OWN_INITIALS:
        return _OWN_INITIALS[first]
    # One character always: some letters upper-case to two; their first is the letter they are filed under.
    first = first.upper()[:1]
    return first if first.isalpha() else "#"


@lru_cache(maxsize=_KEPT_KEYS)
def collation_key(text: str) -> tuple[int, int, str, str, str]:
    """Return the key that sorts text in Finnish alphabetical order (ties: case and accents, then code points)."""
    initial = initial_of(text)
    rank = _RANK.get(initial, len(_RANK))
    return (rank, ord(initial) if rank == len(_RANK) else 0, fold_letters(text.strip()),
            unicodedata.normalize("NFC", text).casefold(), text)
