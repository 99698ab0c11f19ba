"""The partner lists as .xlsx and .csv: columns by profile, formula neutralisation, byte-identical output."""

from __future__ import annotations

import csv
import io
import os
import signal
import threading
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from partnerkit.audience import INTERNAL, PUBLIC, view_for
from partnerkit.builders import rendering_aside, source_date
from partnerkit.messages import LocalizedError, format_message
from partnerkit.model import Toolbox
from partnerkit.render.sheets import render_sheets
from partnerkit.schema import PARTNER_STATUSES
from tests.conftest import toolbox_of

SAMPLE = Path(__file__).resolve().parents[1]
STAFF_HEADERS = ["Nimi", "Y-tunnus", "Tyyppi", "Toimiala", "Tasot", "Tila", "Yhteyshenkilömme",
                 "Kumppanin yhteyshenkilöt", "Sopimus voimassa asti", "Verkkosivu"]
PUBLIC_HEADERS = ["Nimi", "Tyyppi", "Toimiala", "Verkkosivu"]
HOSTILE = ['=HYPERLINK("http://evil","x")', "@SUM(1)", "-2+3", "\tx", "+1", "\rx"]


@pytest.fixture(scope="module")
def sample() -> Toolbox:
    return toolbox_of(SAMPLE)


def sheets(toolbox: Toolbox, staff: bool = True) -> dict[str, bytes]:
    profile = INTERNAL if staff else PUBLIC
    view = view_for(toolbox, profile)
    return render_sheets(view, profile, source_date(view))


def read_xlsx(data: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_staff_lists_cover_whole_list_tiers_and_teams(sample: Toolbox) -> None:
    files = sheets(sample)
    for stem in ["kumppanit", *(f"tasot/{t.id}" for t in sample.tiers), *(f"tiimit/{t.id}" for t in sample.teams)]:
        assert f"lataukset/{stem}.xlsx" in files and f"lataukset/{stem}.csv" in files


def test_staff_row_has_contacts_on_both_sides(sample: Toolbox) -> None:
    files = sheets(sample)
    for rows in (read_xlsx(files["lataukset/kumppanit.xlsx"]), read_csv(files["lataukset/kumppanit.csv"])):
        assert rows[0] == STAFF_HEADERS
        row = next(r for r in rows if r[0] == "Hotelli Järvenselkä Oy")
        assert row[1] == "9810548-3"
        assert row[2] == "Yritys"
        assert "Riitta Salonsaari <riitta.salonsaari@hotelli-jarvenselka.example>" in row[7]
        assert "sanni" in row[6].lower() and "@jarvilaakso.example" in row[6]
        assert row[9] == "https://www.hotelli-jarvenselka.example"
    arki = read_csv(files["lataukset/tasot/arki.csv"])
    assert any(r[0] == "Hotelli Järvenselkä Oy" for r in arki)


def test_ended_cooperations_in_whole_list_only(sample: Toolbox) -> None:
    ended = [p for p in sample.partners if p.status == "ended"]
    assert ended, "the sample keeps an ended cooperation"
    files = sheets(sample)
    whole = read_csv(files["lataukset/kumppanit.csv"])
    assert [r[5] for r in whole if r[0] == ended[0].name] == [PARTNER_STATUSES["ended"]]
    for path, data in files.items():
        if path.endswith(".csv") and path != "lataukset/kumppanit.csv":
            assert all(r[0] != ended[0].name for r in read_csv(data)), path


def test_public_list_holds_only_what_the_public_view_shows(sample: Toolbox) -> None:
    files = sheets(sample, staff=False)
    assert sorted(files) == ["lataukset/kumppanit.csv", "lataukset/kumppanit.xlsx"]
    people = [c.name for c in sample.contacts] + [c.email for c in sample.contacts]
    people += [p.name for partner in sample.partners for p in partner.partner_contacts]
    people += [p.email for partner in sample.partners for p in partner.partner_contacts if p.email]
    ids = [p.business_id for p in sample.partners if p.business_id]
    for rows in (read_xlsx(files["lataukset/kumppanit.xlsx"]), read_csv(files["lataukset/kumppanit.csv"])):
        assert rows[0] == PUBLIC_HEADERS
        text = "\n".join(";".join(r) for r in rows)
        assert not [word for word in people + ids if word in text]
        names = {r[0] for r in rows[1:]}
        assert names == {p.name for p in sample.partners if p.publishable and p.status == "active"}


def test_formulas_are_neutralised(sample: Toolbox) -> None:
    partners = tuple(replace(p, name=hostile, field=hostile, id=f"x{n}")
                     for n, (p, hostile) in enumerate(zip(sample.partners, HOSTILE)))
    files = sheets(replace(sample, partners=partners))
    rows = read_csv(files["lataukset/kumppanit.csv"])[1:]
    assert sorted(r[0] for r in rows) == sorted("'" + h for h in HOSTILE)
    assert all(r[3] == r[0] for r in rows)
    book = openpyxl.load_workbook(io.BytesIO(files["lataukset/kumppanit.xlsx"])).active
    cells = [row[0] for row in book.iter_rows(min_row=2)]
    # XML reads a carriage return back as a line feed; either way the cell is text, not a formula.
    assert sorted(c.value for c in cells) == sorted(h.replace("\r", "\n") for h in HOSTILE)
    assert {c.data_type for c in cells} == {"s"}


def test_same_content_gives_same_bytes(sample: Toolbox) -> None:
    first, second = sheets(sample), sheets(sample)
    assert first == second
    renamed = replace(sample, partners=(replace(sample.partners[0], name=sample.partners[0].name + " Uusi"),
                                        *sample.partners[1:]))
    third = sheets(renamed)
    assert third["lataukset/kumppanit.xlsx"] != first["lataukset/kumppanit.xlsx"]
    assert third["lataukset/kumppanit.csv"] != first["lataukset/kumppanit.csv"]


def test_lists_rendered_aside_equal_lists_rendered_here(sample: Toolbox) -> None:
    view = view_for(sample, INTERNAL)
    with rendering_aside(render_sheets, view, INTERNAL, source_date(view)) as aside:
        assert aside() == render_sheets(view, INTERNAL, source_date(view))


def test_rendering_aside_uses_a_second_process_only_without_other_threads() -> None:
    assert threading.active_count() == 1, "the test needs a process without other threads"
    with rendering_aside(os.getpid) as pid:
        assert pid() != os.getpid()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        # Forking a process with other threads (the preview server) could deadlock: the work stays here.
        with rendering_aside(os.getpid) as pid:
            assert pid() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_rendering_aside_reports_the_renderers_error() -> None:
    with pytest.raises(ZeroDivisionError):
        with rendering_aside(divmod, 1, 0) as result:
            result()


def test_rendering_aside_stays_in_this_process_with_one_job(monkeypatch: pytest.MonkeyPatch) -> None:
    # PARTNERKIT_JOBS=1 makes the build use one process, the renderers aside included (README).
    monkeypatch.setenv("PARTNERKIT_JOBS", "1")
    with rendering_aside(os.getpid) as pid:
        assert pid() == os.getpid()


def test_a_rendering_process_killed_before_answering_gives_a_message() -> None:
    def killed() -> None:  # as the kernel's out-of-memory killer would end it
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(LocalizedError) as raised:
        with rendering_aside(killed) as result:
            result()
    assert raised.value.key == "out_aside_ended"
    assert str(raised.value) == format_message("out_aside_ended", "fi")
