"""Bad and hostile content, one case per row: what changes in the minimal fixture and what the checker must say.

Each case becomes a real content folder (materialise) that goes through the real loader, validator and CLI. The
expected problems are (file, line, column, message code): the wording is tested once per rule in
tests/test_validation.py; here the point is that every case is caught, located and nothing else happens.
Cases replace whole files with the texts below (or add files), so edits to the fixture rarely move them.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import MINIMAL

TEAM = "id: ravintola\nname: Ravintola-ala\nemail: ravintola@testi.example\nlead: maija-malli\n"
PARTNER = (
    "id: delta\n"
    "name: Delta Oy\n"
    "type: company\n"
    "field: Ravintola-ala\n"
    "website: https://delta.example\n"
    "review_date: 2025-05-05\n"
    "cooperations:\n"
    "  - tier: arki\n"
    "    description: Harjoittelupaikkoja.\n"
    "    contacts: [maija-malli]\n"
)
METHOD = (
    "id: lomakkeet\n"
    "title: Lomakkeet\n"
    "kind: template\n"
    "summary: Lomakkeita kumppanuuksiin.\n"
    "tiers: [arki]\n"
    "links:\n"
    "  - title: Palvelulupaus\n"
    "    file: lomakkeet/palvelulupaus.pdf\n"
)
PDF = b"%PDF-1.4\n% partnerkit test attachment\n"
# Every case starts from the fixture plus these files, which are valid together (tests check that).
BASE: dict[str, str | bytes] = {
    "partners/delta.yaml": PARTNER,
    "methods/lomakkeet.yaml": METHOD,
    "files/lomakkeet/palvelulupaus.pdf": PDF,
}
# Where symbolic links of the cases may point: a folder beside the project (so outside it) with a "secret".
OUTSIDE = "{outside}"

T = "content/teams/ravintola.yaml"
P = "content/partners/delta.yaml"
M = "content/methods/lomakkeet.yaml"
PL = "content/plans/ravintola-2026.yaml"


def plan(actions: str, team: str = "ravintola", year: int = 2026) -> str:
    """Return an annual plan of the fixture's team whose actions start on line 4."""
    return f"team: {team}\nyear: {year}\nactions:\n" + actions


ACTION = "  - {id: syystapaaminen, title: Syystapaaminen, tier: arki, months: [9], status: planned}\n"
# A plan of 10,000 actions that still fits the file size limit, every 1000th naming a method that does not exist;
# and one of 10,000 longer actions that does not fit.
LONG_PLAN = plan("".join(f"  - {{id: t{n}, title: T, tier: arki, months: [{n % 12 + 1}]"
                         f"{', methods: [x]' if n % 1000 == 0 else ''}}}\n" for n in range(10000)))
HUGE_PLAN = plan("".join(f"  - {{id: toiminto-{n}, title: Toiminto {n}, tier: arki, months: [1], status: planned}}\n"
                         for n in range(10000)))


@dataclass(frozen=True)
class BadInput:
    """One bad content folder: changes to the fixture (None deletes), symbolic links, and the expected problems."""

    id: str
    changes: dict[str, str | bytes | None]
    expected: tuple[tuple[str, int, int, str], ...]
    symlinks: dict[str, str] = field(default_factory=dict)
    pipes: tuple[str, ...] = ()  # named pipes (FIFOs) to create: reading one would block for ever


def partner(old: str, new: str) -> str:
    """Return the corpus partner with one piece of text replaced."""
    assert old in PARTNER, old
    return PARTNER.replace(old, new)


def method(old: str, new: str) -> str:
    """Return the corpus method with one piece of text replaced."""
    assert old in METHOD, old
    return METHOD.replace(old, new)


def team(extra: str) -> str:
    """Return a team file whose first two lines are valid and extra follows."""
    return "id: ravintola\nname: Ravintola-ala\n" + extra


def _toolbox(old: str, new: str) -> str:
    """Return the fixture's toolbox.yaml with one piece of text replaced."""
    text = (MINIMAL / "content" / "toolbox.yaml").read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new)


def _laughs() -> str:
    # Nine levels of nine references each: 9**9 copies if anything expanded the aliases.
    lines = ["id: ravintola", "name: Ravintola-ala", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append("description: *a9")
    return "\n".join(lines) + "\n"


def _nested_mappings(levels: int) -> str:
    return team("description:\n" + "".join(" " * (depth + 1) + f"k{depth}:\n" for depth in range(levels)))


CASES: tuple[BadInput, ...] = (
    # --- bytes and encodings
    BadInput("bom", {"teams/ravintola.yaml": b"\xef\xbb\xbf" + TEAM.encode()}, ((T, 1, 1, "bom"),)),
    BadInput("utf16-le", {"teams/ravintola.yaml": TEAM.encode("utf-16")}, ((T, 1, 1, "utf16"),)),
    BadInput("utf16-be-no-bom", {"teams/ravintola.yaml": TEAM.encode("utf-16-be")}, ((T, 1, 1, "utf16"),)),
    BadInput("latin1", {"teams/ravintola.yaml": team("description: Keitti\xf6\n").encode("latin-1")},
             ((T, 3, 20, "encoding"),)),
    BadInput("bell-character", {"teams/ravintola.yaml": team("description: Hei\x07\n")}, ((T, 3, 17, "control_char"),)),
    BadInput("nul-byte", {"teams/ravintola.yaml": team("description: a\x00b\n")}, ((T, 3, 15, "control_char"),)),
    BadInput("c1-control", {"teams/ravintola.yaml": team("description: a\x90b\n")}, ((T, 3, 15, "control_char"),)),
    BadInput("next-line-break", {"teams/ravintola.yaml": team("description: a\x85b: c\n")},
             ((T, 3, 15, "control_char"),)),
    BadInput("line-separator", {"teams/ravintola.yaml": team("description: a\u2028b\n")},
             ((T, 3, 15, "control_char"),)),
    BadInput("escaped-control-in-quotes", {"teams/ravintola.yaml": team('description: "\\e[31mpunainen"\n')},
             ((T, 3, 14, "control_in_value"),)),
    # --- empty and non-mapping files
    BadInput("empty-file", {"teams/ravintola.yaml": ""}, ((T, 1, 1, "empty_file"),)),
    BadInput("comment-only", {"teams/ravintola.yaml": "# tyhjä\n   \n"}, ((T, 1, 1, "empty_file"),)),
    BadInput(
        "list-instead-of-mapping",
        {"teams/ravintola.yaml": "- id: ravintola\n- name: Ravintola-ala\n"},
        (
            ("content/contacts/maija-malli.yaml", 6, 7, "unknown_ref"),
            ("content/contacts/pekka-pilotti.yaml", 5, 7, "unknown_ref"),
            (T, 1, 1, "not_mapping"),
        ),
    ),
    BadInput(
        "text-instead-of-mapping",
        {"partners/delta.yaml": "Delta Oy, ravintola-ala\n"},
        (("content/partners/delta.yaml", 1, 1, "not_mapping"),),
    ),
    # --- YAML syntax
    BadInput("tab-indentation", {"teams/ravintola.yaml": team("description:\n\tKuvaus\n")}, ((T, 4, 1, "tab"),)),
    BadInput("tab-after-cr-line-ends", {"teams/ravintola.yaml": "id: ravintola\rname: R\r\temail: x\r"},
             ((T, 3, 1, "tab"),)),
    BadInput("wrong-indentation", {"teams/ravintola.yaml": "id: ravintola\n  name: Ravintola-ala\n"},
             ((T, 2, 7, "yaml_syntax"),)),
    BadInput("dedented-list-item", {"partners/delta.yaml": partner("    contacts: [maija-malli]\n", "   contacts: x\n")},
             ((P, 10, 4, "yaml_syntax"),)),
    BadInput("colon-in-value", {"teams/ravintola.yaml": team("description: Aika: klo 10: sali 2\n")},
             ((T, 3, 18, "yaml_syntax"),)),
    BadInput("unclosed-quote", {"teams/ravintola.yaml": team('description: "Kuvaus\n')}, ((T, 4, 1, "yaml_syntax"),)),
    BadInput("unclosed-bracket", {"partners/delta.yaml": partner("[maija-malli]", "[maija-malli")},
             ((P, 11, 1, "yaml_syntax"),)),
    BadInput("backslash-in-double-quotes", {"teams/ravintola.yaml": team('description: "C:\\Users\\opettaja"\n')},
             ((T, 3, 19, "yaml_syntax"),)),
    BadInput("at-sign-starts-value", {"teams/ravintola.yaml": team("description: @ravintola\n")},
             ((T, 3, 14, "yaml_syntax"),)),
    BadInput("two-documents", {"teams/ravintola.yaml": TEAM + "---\nid: toinen\n"}, ((T, 5, 1, "multiple_documents"),)),
    BadInput("yaml-version-directive", {"teams/ravintola.yaml": "%YAML 1.3\n---\n" + TEAM}, ((T, 1, 1, "yaml_syntax"),)),
    BadInput("undefined-alias", {"teams/ravintola.yaml": team("description: *kuvaus\n")}, ((T, 3, 14, "yaml_syntax"),)),
    # --- keys
    BadInput("duplicate-key", {"teams/ravintola.yaml": TEAM + "name: Toinen nimi\n"}, ((T, 5, 1, "duplicate_key"),)),
    BadInput("merge-key", {"teams/ravintola.yaml": team("<<: {email: r@testi.example}\n")}, ((T, 3, 1, "merge_key"),)),
    BadInput("list-as-key", {"teams/ravintola.yaml": team("[a, b]: c\n")}, ((T, 3, 1, "bad_key"),)),
    BadInput("unknown-key", {"teams/ravintola.yaml": team("emial: r@testi.example\n")}, ((T, 3, 1, "unknown_key"),)),
    BadInput("finnish-key", {"teams/ravintola.yaml": "id: ravintola\nnimi: Ravintola-ala\n"},
             ((T, 1, 1, "missing_field"), (T, 2, 1, "unknown_key"))),
    BadInput("very-long-key", {"teams/ravintola.yaml": team("? " + "k" * 100_000 + "\n: v\n")},
             ((T, 3, 3, "unknown_key"),)),
    # --- required fields and types
    BadInput("missing-required-field", {"teams/ravintola.yaml": "id: ravintola\n"}, ((T, 1, 1, "missing_field"),)),
    BadInput("missing-nested-field", {"partners/delta.yaml": partner("    description: Harjoittelupaikkoja.\n", "")},
             ((P, 8, 5, "missing_field"),)),
    BadInput("empty-value", {"teams/ravintola.yaml": "id: ravintola\nname:\n"}, ((T, 2, 6, "empty_value"),)),
    BadInput("list-for-text", {"teams/ravintola.yaml": team("description: [a, b]\n")}, ((T, 3, 14, "wrong_type"),)),
    BadInput("mapping-for-list", {"partners/delta.yaml": partner("  - tier: arki\n", "    tier: arki\n").replace(
        "    description", "    kuvaus")}, ((P, 8, 5, "wrong_type"),)),
    BadInput("yes-for-boolean", {"partners/delta.yaml": PARTNER + "publishable: yes\n"},
             ((P, 11, 14, "bad_bool"),)),
    BadInput("text-for-number", {"guides/ohje.yaml": "id: ohje\ntitle: T\nsummary: S\nbody: B\norder: eka\n"},
             (("content/guides/ohje.yaml", 5, 8, "bad_int"),)),
    BadInput("unquoted-phone", {"contacts/maija-malli.yaml": "id: maija-malli\nname: Maija Malli\ntitle: Lehtori\n"
                                "email: maija.malli@testi.example\nphone: 0400000001\nteam: ravintola\n"},
             (("content/contacts/maija-malli.yaml", 5, 8, "number_phone"),)),
    BadInput("bad-id", {"partners/delta.yaml": partner("id: delta", "id: Delta Oy")}, ((P, 1, 5, "bad_id"),)),
    BadInput("bad-email", {"teams/ravintola.yaml": team("email: ravintola(at)testi\n")}, ((T, 3, 8, "bad_email"),)),
    BadInput("unknown-choice", {"partners/delta.yaml": partner("type: company", "type: yritys")},
             ((P, 3, 7, "bad_choice"),)),
    BadInput("unknown-tier", {"partners/delta.yaml": partner("tier: arki", "tier: strategic+")},
             ((P, 8, 11, "bad_choice"),)),
    # --- references and ids across files
    BadInput("dangling-contact", {"partners/delta.yaml": partner("[maija-malli]", "[maija-mali]")},
             ((P, 10, 16, "unknown_ref"),)),
    BadInput("dangling-team", {"teams/ravintola.yaml": None, "teams/keittio.yaml": "id: keittio\nname: Keittiö\n"},
             (("content/contacts/maija-malli.yaml", 6, 7, "unknown_ref"),
              ("content/contacts/pekka-pilotti.yaml", 5, 7, "unknown_ref"))),
    BadInput("duplicate-id-across-files", {"partners/delta-kopio.yaml": PARTNER},
             (("content/partners/delta.yaml", 1, 5, "duplicate_id"),)),
    BadInput("partner-without-cooperation", {"partners/delta.yaml": PARTNER.split("cooperations:")[0] + "cooperations: []\n"},
             ((P, 7, 15, "too_few_items"),)),
    BadInput("partner-cooperations-missing", {"partners/delta.yaml": PARTNER.split("cooperations:")[0]},
             ((P, 1, 1, "missing_field"),)),
    BadInput("same-tier-twice", {"partners/delta.yaml": PARTNER + "  - tier: arki\n    description: Toinen.\n"},
             ((P, 11, 11, "duplicate_tier"),)),
    BadInput("missing-file", {"toolbox.yaml": None}, (("content/toolbox.yaml", 1, 1, "missing_file"),)),
    BadInput("missing-folder", {"guides/ohje.yaml": None, "guides": None},
             (("content/guides", 1, 1, "missing_folder"),)),
    # --- dates
    BadInput("february-30", {"partners/delta.yaml": partner("2025-05-05", "2025-02-30")},
             ((P, 6, 14, "no_such_date"),)),
    BadInput("finnish-date-format", {"partners/delta.yaml": partner("2025-05-05", "5.5.2025")},
             ((P, 6, 14, "bad_date"),)),
    BadInput("year-9999", {"partners/delta.yaml": partner("2025-05-05", "9999-12-31")},
             ((P, 6, 14, "date_out_of_range"),)),
    # --- addresses
    BadInput("url-without-scheme", {"partners/delta.yaml": partner("https://delta.example", "www.delta")},
             ((P, 5, 10, "bad_url"),)),
    BadInput("url-with-space", {"partners/delta.yaml": partner("https://delta.example", "https://delta .example")},
             ((P, 5, 10, "bad_url"),)),
    BadInput("javascript-url", {"partners/delta.yaml": partner("https://delta.example", "javascript:alert(1)")},
             ((P, 5, 10, "unsafe_url"),)),
    BadInput("javascript-url-mixed-case-space",
             {"partners/delta.yaml": partner("https://delta.example", "' JaVaScRiPt:alert(1)'")},
             ((P, 5, 10, "unsafe_url"),)),
    BadInput("javascript-url-with-tab", {"partners/delta.yaml": partner("https://delta.example", '"java\\tscript:alert(1)"')},
             ((P, 5, 10, "unsafe_url"),)),
    BadInput("javascript-url-entity", {"partners/delta.yaml": partner("https://delta.example", "'&#106;avascript:alert(1)'")},
             ((P, 5, 10, "bad_url"),)),
    BadInput("data-url-in-link", {"methods/lomakkeet.yaml": method(
        "file: lomakkeet/palvelulupaus.pdf", "url: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==")},
             ((M, 8, 10, "unsafe_url"),)),
    # --- sizes and nesting
    BadInput("very-long-line", {"teams/ravintola.yaml": "id: ravintola\nname: " + "a" * 100_000 + "\n"},
             ((T, 2, 7, "too_long"),)),
    BadInput("very-long-text", {"teams/ravintola.yaml": team("description: " + "sana " * 5000 + "\n")},
             ((T, 3, 14, "too_long"),)),
    BadInput("huge-file", {"teams/ravintola.yaml": team("description: |\n" + "  rivi\n" * 80_000)},
             ((T, 1, 1, "file_too_large"),)),
    BadInput("deep-flow-nesting", {"teams/ravintola.yaml": team("description: " + "[" * 100_000 + "]" * 100_000 + "\n")},
             ((T, 3, 53, "too_deep"),)),
    BadInput("deep-block-sequences", {"teams/ravintola.yaml": team("description:\n" + "- " * 100_000 + "x\n")},
             ((T, 4, 79, "too_deep"),)),
    BadInput("deep-complex-keys", {"teams/ravintola.yaml": team("description:\n" + "? " * 100_000 + "x\n")},
             ((T, 4, 81, "too_deep"),)),
    BadInput("deep-indented-mappings", {"teams/ravintola.yaml": _nested_mappings(1_000)}, ((T, 43, 41, "too_deep"),)),
    BadInput("10000-indented-mappings", {"teams/ravintola.yaml": _nested_mappings(10_000)},
             ((T, 1, 1, "file_too_large"),)),
    # Refused at its first anchor, before anything is expanded.
    BadInput("billion-laughs", {"teams/ravintola.yaml": _laughs()}, ((T, 3, 5, "alias"),)),
    BadInput("alias-to-valid-value", {"teams/ravintola.yaml": "id: &x ravintola\nname: *x\n"}, ((T, 1, 5, "alias"),)),
    # --- YAML tags: nothing is ever constructed, so nothing runs
    BadInput("python-object-apply", {"teams/ravintola.yaml": team("description: !!python/object/apply:os.system "
                                                                 "['touch PWNED']\n")},
             ((T, 3, 14, "custom_tag"),)),
    BadInput("python-name-root", {"teams/ravintola.yaml": "!!python/name:os.system\n"},
             (("content/contacts/maija-malli.yaml", 6, 7, "unknown_ref"),
              ("content/contacts/pekka-pilotti.yaml", 5, 7, "unknown_ref"),
              (T, 1, 1, "not_mapping"))),
    BadInput("binary-tag", {"teams/ravintola.yaml": "id: ravintola\nname: !!binary UmF2aW50b2xh\n"},
             ((T, 2, 7, "custom_tag"),)),
    BadInput("local-tag", {"teams/ravintola.yaml": "id: ravintola\nname: !env NIMI\n"}, ((T, 2, 7, "custom_tag"),)),
    # --- attachments must stay inside content/files/
    BadInput("file-parent-path", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf", "../../etc/passwd")},
             ((M, 8, 11, "file_outside"),)),
    BadInput("file-absolute-path", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf", "/etc/passwd")},
             ((M, 8, 11, "file_absolute"),)),
    BadInput("file-windows-path", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf",
                                                                    "'C:\\Users\\opettaja\\lupaus.pdf'")},
             ((M, 8, 11, "file_backslash"),)),
    BadInput("file-backslash", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf",
                                                                 "lomakkeet\\palvelulupaus.pdf")},
             ((M, 8, 11, "file_backslash"),)),
    BadInput("file-missing", {"methods/lomakkeet.yaml": method("palvelulupaus.pdf", "palvelulupaus-2026.pdf")},
             ((M, 8, 11, "file_missing"),)),
    BadInput("file-hidden", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf", ".git/config.txt"),
                             "files/.git/config.txt": "x"},
             ((M, 8, 11, "file_bad_name"),)),
    BadInput("file-html-type", {"methods/lomakkeet.yaml": method("palvelulupaus.pdf", "lupaus.html"),
                                "files/lomakkeet/lupaus.html": "<script>alert(1)</script>"},
             ((M, 8, 11, "file_type"),)),
    BadInput("file-symlink-outside", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf", "salasanat.txt")},
             ((M, 8, 11, "file_outside"),), symlinks={"files/salasanat.txt": OUTSIDE + "/secret.txt"}),
    BadInput("file-through-linked-folder", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf",
                                                                             "ulkona/secret.txt")},
             ((M, 8, 11, "file_outside"),), symlinks={"files/ulkona": OUTSIDE}),
    BadInput("link-with-url-and-file", {"methods/lomakkeet.yaml": METHOD + "    url: https://intra.example/lupaus\n"},
             ((M, 7, 5, "one_of_many"),)),
    BadInput("link-without-target", {"methods/lomakkeet.yaml": method("    file: lomakkeet/palvelulupaus.pdf\n", "")},
             ((M, 7, 5, "one_of_missing"),)),
    BadInput("content-file-symlink-outside", {}, (("content/partners/secret.yaml", 1, 1, "symlink_outside"),),
             symlinks={"partners/secret.yaml": OUTSIDE + "/secret.yaml"}),
    BadInput("content-file-link-to-dev-zero", {}, (("content/teams/nolla.yaml", 1, 1, "symlink_outside"),),
             symlinks={"teams/nolla.yaml": "/dev/zero"}),
    BadInput("named-pipe-as-toolbox", {"toolbox.yaml": None}, (("content/toolbox.yaml", 1, 1, "read_error"),),
             pipes=("toolbox.yaml",)),
    BadInput("file-link-loop", {"methods/lomakkeet.yaml": method("lomakkeet/palvelulupaus.pdf", "silmukka.pdf")},
             ((M, 8, 11, "file_outside"),), symlinks={"files/silmukka.pdf": "kehä.pdf", "files/kehä.pdf": "silmukka.pdf"}),
    # --- Names that reach addresses, edit links and annotations (issue: file names reached HTML unescaped)
    BadInput("file-name-with-quote-and-markup", {'teams/x"><img src=x onerror=alert(1)>.yaml': team("")},
             (('content/teams/x"><img src=x onerror=alert(1)>.yaml', 1, 1, "bad_file_name"),)),
    BadInput("file-name-with-line-feed", {"teams/rivi\nkaksi.yaml": team("")},
             (("content/teams/rivi\\u000akaksi.yaml", 1, 1, "bad_file_name"),)),
    BadInput("file-name-upper-case-suffix", {"teams/Toinen.YAML": team("")},
             (("content/teams/Toinen.YAML", 1, 1, "yaml_suffix_case"),)),
    BadInput("id-of-a-generated-page", {"teams/index.yaml": "id: index\nname: Index\n"},
             (("content/teams/index.yaml", 1, 5, "reserved_id"),)),
    BadInput("one-line-field-with-carriage-return", {"teams/ravintola.yaml": 'id: ravintola\nname: "A\\r## B"\n'},
             ((T, 2, 7, "multiline"),)),
    BadInput("text-forging-the-build-marker", {"teams/ravintola.yaml": team('description: "\\ufdd0PARTNERKITRAWHTML0\\ufdd1"\n')},
             ((T, 3, 14, "control_in_value"),)),
    BadInput("moodle-null-marker", {"teams/ravintola.yaml": team('description: "$@NULL@$"\n')},
             ((T, 3, 14, "moodle_reserved"),)),
    BadInput("anchor-without-alias", {"teams/ravintola.yaml": "id: ravintola\nname: &n Ravintola-ala\n"},
             ((T, 2, 7, "alias"),)),
    BadInput("glossary-alias-longer-than-moodle-takes", {"toolbox.yaml": _toolbox(
        "aliases: [kumppani]", "aliases: [kumppani, " + "ä" * 201 + "]")},
             (("content/toolbox.yaml", 9, 25, "too_long"),)),
    BadInput("moodle-file-marker-in-a-glossary-alias", {"toolbox.yaml": _toolbox(
        "aliases: [kumppani]", "aliases: [kumppani, x@@PLUGINFILE@@]")},
             (("content/toolbox.yaml", 9, 25, "moodle_reserved"),)),
    # --- the relationship: business IDs, agreements, partner-side contacts, the CRM address pattern
    BadInput("business-id-without-check-digit", {"partners/delta.yaml": PARTNER + "business_id: '1234567'\n"},
             ((P, 11, 14, "bad_business_id"),)),
    BadInput("business-id-with-spaces", {"partners/delta.yaml": PARTNER + "business_id: 123 4567-1\n"},
             ((P, 11, 14, "bad_business_id"),)),
    BadInput("business-id-wrong-check-digit", {"partners/delta.yaml": PARTNER + "business_id: 1234567-8\n"},
             ((P, 11, 14, "business_id_check_digit"),)),
    BadInput("business-id-that-no-check-digit-fits", {"partners/delta.yaml": PARTNER + "business_id: 0000030-0\n"},
             ((P, 11, 14, "business_id_check_digit"),)),
    BadInput("business-id-twice", {"partners/delta.yaml": PARTNER + "business_id: 1234567-1\n",
                                   "partners/delta-kopio.yaml": partner("id: delta", "id: delta-kopio")
                                   + "business_id: 1234567-1\n"},
             (("content/partners/delta.yaml", 11, 14, "duplicate_business_id"),)),
    BadInput("agreement-ends-before-signed", {"partners/delta.yaml": PARTNER + "agreement:\n  kind: framework\n"
                                              "  signed: 2026-03-01\n  valid_until: 2025-03-01\n"},
             ((P, 14, 16, "agreement_dates"),)),
    BadInput("agreement-attachment-outside", {"partners/delta.yaml": PARTNER + "agreement:\n  kind: framework\n"
                                              "  attachment: ../../etc/passwd\n"},
             ((P, 13, 15, "file_outside"),)),
    BadInput("partner-contact-unquoted-phone", {"partners/delta.yaml": PARTNER + "partner_contacts:\n"
                                                "  - name: Dora Delta\n    phone: 0401234567\n"},
             ((P, 13, 12, "number_phone"),)),
    BadInput("partner-contact-as-text", {"partners/delta.yaml": PARTNER + "partner_contacts:\n  - Dora Delta\n"},
             ((P, 12, 5, "wrong_type"),)),
    BadInput("contact-rhythm-zero", {"partners/delta.yaml": PARTNER + "contact_rhythm_months: 0\n"},
             ((P, 11, 24, "too_small"),)),
    BadInput("crm-url-javascript", {"toolbox.yaml": _toolbox("", "")
                                    + "crm_url: javascript:alert('{id}')\n"},
             (("content/toolbox.yaml", 30, 10, "crm_url_not_https"),)),
    BadInput("crm-url-format-attribute", {"toolbox.yaml": _toolbox("", "")
                                          + "crm_url: 'https://crm.example/{id.__class__}'\n"},
             (("content/toolbox.yaml", 30, 10, "crm_url_placeholder"),)),
    # --- Markdown that Python-Markdown cannot bound: refused by the check, shown as plain text by the renderer
    BadInput("markdown-nested-list", {"teams/ravintola.yaml": team('description: "' + "- " * 1000 + 'x"\n')},
             ((T, 3, 14, "markdown_too_deep"),)),
    BadInput("markdown-nested-quote-lines", {"teams/ravintola.yaml": team("description: |\n" + "".join(
        "  " + "> " * depth + "x\n" for depth in range(40)))}, ((T, 3, 14, "markdown_too_deep"),)),
    BadInput("markdown-indented-lists", {"teams/ravintola.yaml": team("description: |\n" + "".join(
        "  " + "    " * depth + "- x\n" for depth in range(60)))}, ((T, 3, 14, "markdown_too_deep"),)),
    BadInput("markdown-bracket-run", {"teams/ravintola.yaml": team('description: "' + "[" * 4000 + '"\n')},
             ((T, 3, 14, "markdown_brackets"),)),
    BadInput("markdown-link-openers", {"teams/ravintola.yaml": team('description: "' + "[a](" * 2000 + '"\n')},
             ((T, 3, 14, "markdown_brackets"),)),
    BadInput("markdown-tag-openers", {"teams/ravintola.yaml": team('description: "' + "<a " * 6600 + '"\n')},
             ((T, 3, 14, "markdown_tags"),)),
    BadInput("markdown-dash-lines", {"teams/ravintola.yaml": team("description: |\n" + "  x\n  -\n" * 3000)},
             ((T, 3, 14, "markdown_rule_lines"),)),
    BadInput("markdown-reference-amplification", {"teams/ravintola.yaml": team(
        "description: |\n  [x]: https://e.example/" + "a" * 500 + "\n\n  " + "[x] " * 3000 + "\n")},
             ((T, 3, 14, "markdown_reference"),)),
    # --- annual plans
    BadInput("plan-unknown-team", {"plans/keittio-2026.yaml": plan(ACTION, team="keittio")},
             (("content/plans/keittio-2026.yaml", 1, 7, "unknown_ref"),)),
    BadInput("plan-twice-for-a-year", {"plans/ravintola-2026.yaml": plan(ACTION),
                                       "plans/ravintola-syksy.yaml": plan(ACTION)},
             (("content/plans/ravintola-syksy.yaml", 2, 7, "duplicate_plan"),)),
    BadInput("plan-unknown-references", {"plans/ravintola-2026.yaml": plan(
        "  - id: syystapaaminen\n    title: Syystapaaminen\n    tier: arki\n    months: [9]\n"
        "    methods: [tyopaikkakaynnit]\n    partners: [alfa-oyj]\n    people: [maija-mallikas]\n")},
             ((PL, 8, 15, "unknown_ref"), (PL, 9, 16, "unknown_ref"), (PL, 10, 14, "unknown_ref"))),
    BadInput("plan-february-30", {"plans/ravintola-2026.yaml": plan(
        "  - id: syystapaaminen\n    title: Syystapaaminen\n    tier: arki\n    start: 2026-02-30\n")},
             ((PL, 7, 12, "no_such_date"),)),
    BadInput("plan-day-in-another-year", {"plans/ravintola-2026.yaml": plan(
        "  - id: syystapaaminen\n    title: Syystapaaminen\n    tier: arki\n    start: 2027-01-04\n")},
             ((PL, 7, 12, "plan_date_outside_year"),)),
    BadInput("plan-end-before-start", {"plans/ravintola-2026.yaml": plan(
        "  - id: syystapaaminen\n    title: Syystapaaminen\n    tier: arki\n    start: 2026-10-09\n"
        "    end: 2026-10-08\n")},
             ((PL, 8, 10, "plan_dates_order"),)),
    BadInput("plan-10000-actions", {"plans/ravintola-2026.yaml": LONG_PLAN},
             tuple((PL, 4 + n, 59 + len(str(n)) - 1, "unknown_ref") for n in range(0, 10000, 1000))),
    BadInput("plan-10000-actions-too-large", {"plans/ravintola-2026.yaml": HUGE_PLAN},
             ((PL, 1, 1, "file_too_large"),)),
)


def materialise(case: BadInput | None, target: Path) -> Path:
    """Write the fixture, the corpus base files and the case's changes to target; return the project root."""
    shutil.copytree(MINIMAL, target, ignore=shutil.ignore_patterns("site", "dist"))
    outside = target.parent / (target.name + "-outside")
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text("salasana: hunter2\n", encoding="utf-8")
    (outside / "secret.yaml").write_text("id: hunter2\nname: Salainen\n", encoding="utf-8")
    changes: dict[str, str | bytes | None] = {**BASE, **(case.changes if case else {})}
    for relative, value in changes.items():
        file = target / "content" / relative
        if value is None:
            if file.is_dir():
                shutil.rmtree(file)
            else:
                file.unlink()
            continue
        file.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, bytes):
            file.write_bytes(value)
        else:
            # newline="" keeps the case's own line ends (some cases test CR-only files).
            with file.open("w", encoding="utf-8", newline="") as stream:
                stream.write(value)
    for relative, link in (case.symlinks if case else {}).items():
        file = target / "content" / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(link.replace(OUTSIDE, str(outside)), file)
    for relative in case.pipes if case else ():
        os.mkfifo(target / "content" / relative)
    return target
