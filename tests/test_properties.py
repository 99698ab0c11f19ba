"""Property-based tests: random valid content always builds; randomly damaged content builds or fails with located
messages, never with another exception.

Content is generated from the schema itself (schema.RECORDS), so a new field is covered the day it is added. It is
written as YAML text in varied styles to a temporary project and read through the real loader. Settings are fixed
(derandomize=True, no example database) so CI runs the same examples every time.
"""

from __future__ import annotations

import re
import shutil
import string
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit.builders import quiet
from partnerkit.load import list_content_files, load_content
from partnerkit.messages import ContentError
from partnerkit.model import Toolbox
from partnerkit.pipeline import SHIPPED_TEMPLATES, Project, build_outputs, make_view, render_packages
from partnerkit.render import make_environment
from partnerkit.render.browse import initial_of, letter_anchor, letter_slug, sort_by_letter
from partnerkit.render.site import SiteSettings, render_site
from partnerkit.schema import (
    ATTACHMENT_TYPES, COLLECTIONS, RECORDS, SINGLE_FILES, TIER_IDS, Field, Record,
)
from partnerkit.validate import FIRST_YEAR, LAST_YEAR, MOODLE_MARKERS, build_toolbox, business_id_check_digit
from tests.conftest import MINIMAL

LOCATED = re.compile(r"^content/[^:\n]+:\d+:\d+: \S[^\n]*$")
COMMON = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Any printable character YAML can carry (no controls, surrogates, line or paragraph separators), with the
# characters that mean something to YAML, Markdown or HTML drawn more often.
SIGNS = ":#'\"-&*!%@`[]{}|>?,~<\\_=+$()/ ."
CHARACTER = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn")),
    st.sampled_from(SIGNS),
    st.sampled_from("äöåÄÖÅéü€"),
)
# Texts holding Moodle's own markers are refused by the checker (validate.MOODLE_MARKERS): never valid content.
LINE = st.text(CHARACTER, min_size=1, max_size=24).filter(
    lambda s: s.strip() != "" and not any(marker in s for marker in MOODLE_MARKERS))
MARKDOWN_BITS = st.sampled_from([
    "*korostus*", "**vahva**", "- kohta\n- toinen", "1. eka\n2. toka", "[linkki](https://example.fi/a?b=c)",
    "[posti](mailto:a@b.example)", "`koodi`", "> lainaus", "# Otsikko", "| a | b |\n|---|---|\n| 1 | 2 |",
    "<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(1)>", "\n\n", "    sisennetty",
])
TEXT = st.lists(st.one_of(st.text(CHARACTER, max_size=40), MARKDOWN_BITS), max_size=4).map(" ".join).filter(
    lambda s: not any(marker in s for marker in MOODLE_MARKERS))
PLAN_YEAR = 2026
SLUG = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
HOST = st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,5})?(\.[a-z0-9]{1,8}){0,2}\.[a-z]{2,6}", fullmatch=True)
URL_PATH = st.text(string.ascii_letters + string.digits + "-._~/?=&%#+,;:@!$'()*äö", max_size=30)
EMAIL_LOCAL = st.text(string.ascii_letters + string.digits + ".!#$%&'*+/=?^_`{|}~-", min_size=1, max_size=12)
# In a mailto: address "?" starts the query part, so it cannot be in the address itself.
MAILTO_LOCAL = st.text(string.ascii_letters + string.digits + ".!#$&'*+/=^_`{|}~-", min_size=1, max_size=12)
PHONE = st.from_regex(r"\+?[0-9][0-9 ()\-]{4,20}", fullmatch=True).filter(lambda s: s == s.strip())
DATE = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31))
FILE_NAME = st.tuples(st.text(string.ascii_letters + string.digits + "-_ äö", min_size=1, max_size=12).filter(
    lambda s: s.strip() == s), st.sampled_from(ATTACHMENT_TYPES)).map(lambda pair: f"{pair[0]}.{pair[1]}")


def email(draw: st.DrawFn) -> str:
    """Draw an e-mail address the validator accepts."""
    return f"{draw(EMAIL_LOCAL)}@{draw(HOST)}"


@st.composite
def content(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a whole valid toolbox as {content-relative path: data or bytes}, following the schema."""
    ids = {folder: draw(st.lists(SLUG, unique=True, min_size=minimum, max_size=maximum))
           for folder, minimum, maximum in (("teams", 1, 2), ("contacts", 0, 3), ("partners", 0, 3),
                                            ("methods", 0, 2), ("guides", 0, 2), ("services", 0, 2))}
    ids["tiers"] = list(TIER_IDS)
    # Plans have no id: one file per team (at most one plan per team and year), all for PLAN_YEAR.
    ids["plans"] = draw(st.lists(st.sampled_from(ids["teams"]), unique=True, max_size=len(ids["teams"])))
    attachments = draw(st.lists(st.tuples(st.sampled_from(["", "lomakkeet/", "a b/"]), FILE_NAME).map("".join),
                                unique=True, max_size=3))
    business_ids: set[str] = set()  # unique across partners, as the checker requires

    def value(spec: Field) -> Any:
        kind = spec.kind
        if kind in ("id",):
            return draw(SLUG)
        if kind == "str":
            return draw(LINE)
        if kind == "text":
            return draw(TEXT)
        if kind == "url":
            if draw(st.booleans()):
                return f"https://{draw(HOST)}/{draw(URL_PATH)}"
            return f"mailto:{draw(MAILTO_LOCAL)}@{draw(HOST)}"
        if kind == "email":
            return email(draw)
        if kind == "url_pattern":
            parts = draw(st.lists(st.sampled_from(["{business_id}", "{id}", "a", "/", "?x=", "-"]), min_size=1,
                                  max_size=4))
            return f"https://{draw(HOST)}/{''.join(parts)}" + ("" if "{" in "".join(parts) else "{id}")
        if kind == "business_id":
            digits = draw(st.integers(0, 9_999_999).map("{:07d}".format).filter(
                lambda d: business_id_check_digit(d) is not None and d not in business_ids))
            business_ids.add(digits)
            return f"{digits}-{business_id_check_digit(digits)}"
        if kind == "phone":
            return draw(PHONE)
        if kind == "date":
            return draw(DATE)
        if kind == "bool":
            return draw(st.booleans())
        if kind == "int":
            low = spec.minimum if spec.minimum is not None else -99_999
            high = spec.maximum if spec.maximum is not None else 99_999
            return draw(st.integers(min_value=low, max_value=high))
        if kind == "enum":
            return draw(st.sampled_from(spec.choices))
        if kind == "ref":
            return draw(st.sampled_from(ids[spec.target]))
        if kind == "file":
            return draw(st.sampled_from(attachments))
        if kind == "record":
            return record(RECORDS[spec.target])
        if kind == "list":
            return items(spec)
        raise AssertionError(f"no generator for field kind {kind}")

    def items(spec: Field) -> list[Any]:
        if spec.item_kind == "str":
            return draw(st.lists(LINE, min_size=max(spec.min_items, 0), max_size=3, unique_by=str.strip))
        if spec.item_kind == "int":
            return draw(st.lists(st.integers(spec.minimum or 0, spec.maximum or 99), min_size=spec.min_items,
                                 max_size=3))
        if spec.item_kind in ("url", "email"):
            # Lists of addresses (toolbox.yaml internal_addresses): each item drawn like a single field's value.
            return [value(spec.item_field) for _ in range(draw(st.integers(spec.min_items, spec.min_items + 2)))]
        if spec.item_kind == "ref":
            pool = ids[spec.target]
            return draw(st.lists(st.sampled_from(pool), unique=True, min_size=spec.min_items, max_size=len(pool))
                        if pool else st.just([]))
        target = RECORDS[spec.target]
        if spec.target == "cooperation":
            # A partner works at each tier at most once.
            tiers = draw(st.lists(st.sampled_from(TIER_IDS), unique=True, min_size=max(1, spec.min_items)))
            return [{**record(target), "tier": tier} for tier in tiers]
        if spec.target == "tier":
            return [{**record(target), "id": tier} for tier in TIER_IDS]
        records = [record(target) for _ in range(draw(st.integers(spec.min_items, spec.min_items + 2)))]
        if any(item.kind == "id" for item in target.fields):
            # The ids of records in one list are unique (concepts, for example), as the checker requires.
            unique = draw(st.lists(SLUG, unique=True, min_size=len(records), max_size=len(records)))
            records = [{**entry, "id": slug} for entry, slug in zip(records, unique)]
        return records

    def record(spec: Record) -> dict[str, Any]:
        values: dict[str, Any] = {}
        choices = [name for name in spec.one_of if name != "file" or attachments]
        chosen = draw(st.sampled_from(choices)) if spec.one_of else None
        for item in spec.fields:
            if item.name in spec.one_of:
                if item.name == chosen:
                    values[item.name] = value(item)
                continue
            if item.kind == "file" and not attachments and not item.required:
                continue  # an attachment field needs a file to name
            if item.kind == "ref" and not ids.get(item.target):
                if item.required:
                    raise AssertionError(f"{spec.name}.{item.name} needs a {item.target} id")
                continue
            if item.required or draw(st.booleans()):
                values[item.name] = value(item)
        if spec.name == "agreement" and "signed" in values and "valid_until" in values:
            # An agreement cannot end before it was signed.
            values["signed"], values["valid_until"] = sorted((values["signed"], values["valid_until"]))
        if spec.name == "plan":
            values["year"] = PLAN_YEAR
            if "spring_review" in values:
                values["spring_review"] = values["spring_review"].replace(year=PLAN_YEAR, day=1)
        if spec.name == "action":
            # An action's days fall in its plan's year, the end not before the start and never without it.
            days = sorted(values[name].replace(year=PLAN_YEAR, day=1) for name in ("start", "end") if name in values)
            values.pop("end", None)
            if "start" in values:
                values["start"] = days[0]
                if len(days) == 2:
                    values["end"] = days[1]
        return values

    files: dict[str, Any] = {name: record(RECORDS[kind]) for name, kind in SINGLE_FILES.items()}
    for folder, kind in COLLECTIONS.items():
        for record_id in ids[folder]:
            if kind == "plan":
                files[f"{folder}/{record_id}-{PLAN_YEAR}.yaml"] = {**record(RECORDS[kind]), "team": record_id}
            else:
                files[f"{folder}/{record_id}.yaml"] = {**record(RECORDS[kind]), "id": record_id}
    # A service's channel is shared: its team has an address, and its own address is no contact person's.
    personal = {str(files[f"contacts/{c}.yaml"]["email"]).lower() for c in ids["contacts"]}
    # The same holds for the public home's channels (toolbox.yaml public:).
    public = files["toolbox.yaml"].get("public")
    channels = [(service, "contact_team", "contact_email")
                for service in (files[f"services/{service_id}.yaml"] for service_id in ids["services"])]
    if public is not None:
        channels.append((public, "contact_team", "contact_email"))
        channels.extend((item, "team", "email") for item in public.get("field_contacts", []))
    for channel, team_key, email_key in channels:
        if team_key in channel:
            files[f"teams/{channel[team_key]}.yaml"].setdefault("email", "tiimi@palvelu.example")
        elif str(channel[email_key]).lower() in personal:
            channel[email_key] = "palvelupiste." + channel[email_key]
    for name in attachments:
        files[f"files/{name}"] = b"%PDF-1.4\n" + name.encode()
    return files


STYLES = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, None, True]),
    "allow_unicode": st.booleans(),
    "indent": st.integers(2, 5),
    "width": st.sampled_from([40, 80, 1000]),
    "explicit_start": st.booleans(),
})


def write_project(root: Path, files: dict[str, Any], style: dict[str, Any]) -> None:
    """Write generated content as YAML text (in the drawn style) beside the fixture's mkdocs.yml."""
    (root / "content").mkdir(parents=True)
    shutil.copy(MINIMAL / "mkdocs.yml", root / "mkdocs.yml")
    for folder in COLLECTIONS:
        (root / "content" / folder).mkdir()
    for relative, data in files.items():
        target = root / "content" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(yaml.safe_dump(data, sort_keys=False, **style), encoding="utf-8")


def read(root: Path) -> Toolbox:
    """Load and validate the project at root."""
    return build_toolbox(load_content(root / "content", root))


# One environment for all examples: compiling the templates again for each would dominate the run time.
ENVIRONMENT = make_environment(SHIPPED_TEMPLATES)


def render_everything(root: Path, toolbox: Toolbox) -> None:
    """Render the site and the Moodle packages in memory for both audiences."""
    for audience in ("internal", "public"):
        view, profile = make_view(toolbox, audience)
        files = render_site(view, SiteSettings(profile=profile), ENVIRONMENT)
        assert "index.md" in files.pages
        packages = render_packages(Project(root), view, profile, ENVIRONMENT)
        assert all(isinstance(data, bytes) and data for data in packages.values())


@settings(COMMON, max_examples=30)
@given(files=content(), style=STYLES)
def test_valid_content_always_validates_and_renders(files: dict[str, Any], style: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        write_project(root, files, style)
        toolbox = read(root)
        assert {p.id for p in toolbox.partners} == {k.split("/")[1][:-5] for k in files if k.startswith("partners/")}
        render_everything(root, toolbox)


@settings(COMMON, max_examples=3)
@given(files=content(), style=STYLES)
def test_valid_content_builds_with_real_mkdocs(files: dict[str, Any], style: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        write_project(root, files, style)
        project = Project(root)
        site, _ = build_outputs(project, read(root), "internal", root / "site", root / "dist", quiet)
        assert site.pages > 0 and (root / "site" / "index.html").is_file() and any((root / "dist").iterdir())


VALUES = st.sampled_from([
    "[]", "{}", "~", "123", "0401234567", "true", "no", "[a, b]", "{a: b}", "|\n  x", "'", '"', "&a x", "*a",
    "!!python/object/apply:os.system ['true']", "- x", "2025-02-30", "javascript:alert(1)", "<script>x</script>",
    "../../etc/passwd", "' JaVaScRiPt:x'", "9999-12-31", "<<: {a: b}", "? x", "%", "@x", "`x`", "\t", "",
])


@st.composite
def mutation(draw: st.DrawFn) -> Callable[[bytes], bytes]:
    """Draw one way to damage a file's bytes."""
    kind = draw(st.sampled_from(["byte", "delete", "duplicate", "swap", "indent", "value", "insert", "truncate",
                                 "marker"]))
    where = draw(st.floats(0, 1, exclude_max=True))
    other = draw(st.floats(0, 1, exclude_max=True))

    def lines_of(data: bytes) -> list[bytes]:
        return data.split(b"\n")

    def at(count: int, fraction: float) -> int:
        return min(count - 1, int(fraction * count)) if count else 0

    if kind == "byte":
        byte = draw(st.integers(0, 255))
        return lambda data: data[: at(len(data), where)] + bytes([byte]) + data[at(len(data), where) + 1:]
    if kind == "insert":
        text = draw(st.text(max_size=8)).encode("utf-8", "surrogatepass")
        return lambda data: data[: at(len(data) + 1, where)] + text + data[at(len(data) + 1, where):]
    if kind == "truncate":
        return lambda data: data[: at(len(data) + 1, where)]
    if kind == "marker":
        marker = draw(st.sampled_from([b"---\n", b"...\n", b"%YAML 1.1\n", b"\xef\xbb\xbf", b"\t", b"#"]))
        return lambda data: b"\n".join(lines_of(data)[: at(len(lines_of(data)), where)] + [marker]
                                       + lines_of(data)[at(len(lines_of(data)), where):])
    if kind == "indent":
        change = draw(st.sampled_from([b" ", b"  ", b"\t", b"-", b"- "]))
        remove = draw(st.booleans())

        def indent(data: bytes) -> bytes:
            lines = lines_of(data)
            index = at(len(lines), where)
            lines[index] = lines[index][len(change):] if remove and lines[index].startswith(change) else (
                change + lines[index])
            return b"\n".join(lines)
        return indent
    if kind == "value":
        replacement = draw(VALUES).encode()

        def retype(data: bytes) -> bytes:
            lines = lines_of(data)
            index = at(len(lines), where)
            head, colon, _ = lines[index].partition(b": ")
            lines[index] = head + colon + replacement if colon else lines[index] + b" " + replacement
            return b"\n".join(lines)
        return retype

    def shuffle(data: bytes) -> bytes:
        lines = lines_of(data)
        first, second = at(len(lines), where), at(len(lines), other)
        if kind == "delete":
            del lines[first]
        elif kind == "duplicate":
            lines.insert(first, lines[first])
        else:
            lines[first], lines[second] = lines[second], lines[first]
        return b"\n".join(lines)
    return shuffle


@settings(COMMON, max_examples=100)
@given(files=content(), style=STYLES, choice=st.floats(0, 1, exclude_max=True),
       mutations=st.lists(mutation(), min_size=1, max_size=3))
def test_damaged_content_builds_or_fails_with_located_messages(
    files: dict[str, Any], style: dict[str, Any], choice: float, mutations: list[Callable[[bytes], bytes]]
) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        write_project(root, files, style)
        yaml_files = [file for file, _ in list_content_files(root / "content")]
        victim = yaml_files[int(choice * len(yaml_files))]
        data = victim.read_bytes()
        for damage in mutations:
            data = damage(data)
        victim.write_bytes(data)
        try:
            toolbox = read(root)
        except ContentError as error:
            assert error.problems
            line_count = len(re.split(rb"\r\n|\r|\n", data))
            for problem in error.problems:
                for lang in ("fi", "en"):
                    assert LOCATED.match(problem.render(lang)), problem.render(lang)
                assert problem.line >= 1 and problem.column >= 1
                if (root / problem.path) == victim:
                    assert problem.line <= line_count, problem.render()
        else:
            render_everything(root, toolbox)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=20))
def test_any_names_are_filed_under_one_letter(names: list[str]) -> None:
    # Letters that upper-case to two (ß, ﬁ) once crashed the alphabetical listing pages.
    for name in names + ["ßaari", "ﬁlmi Oy", "ŉ"]:
        letter = initial_of(name)
        assert len(letter) == 1 and (letter == "#" or letter.isalpha())
        assert letter_slug(letter).isascii() and letter_anchor(letter).startswith("kirjain-")
    assert sorted(sort_by_letter(names, str)) == sorted(names)
    assert initial_of("ßaari") == "S" and initial_of("ﬁlmi Oy") == "F"
