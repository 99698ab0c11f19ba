"""Rendered site pages compared with reviewed golden files; set PARTNERKIT_UPDATE_GOLDEN=1 to rewrite them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, site_for, toolbox_of, update_golden
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment

GOLDEN = Path(__file__).parent / "golden" / "site"
EDIT_BASE = "https://git.example/org/repo/edit/main/"


def render(audience: str = "internal") -> dict[str, str]:
    """Render the minimal fixture's pages."""
    return site_for(toolbox_of(MINIMAL), audience, make_environment(SHIPPED_TEMPLATES), edit_base=EDIT_BASE).pages


def test_pages_match_golden_files() -> None:
    pages = render()
    update_golden({GOLDEN / path: text for path, text in pages.items()})
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.md")}
    assert sorted(pages) == sorted(golden)
    for path in sorted(pages):
        assert pages[path] == golden[path], f"{path} differs from its golden file"


def test_rendering_is_deterministic() -> None:
    assert render() == render()


def test_edit_links_point_to_yaml_sources() -> None:
    pages = render()
    assert 'edit_url: "https://git.example/org/repo/edit/main/content/partners/alfa-oy.yaml"' in pages[
        "kumppanit/alfa-oy.md"
    ]
    assert 'edit_url: "https://git.example/org/repo/edit/main/content/tiers.yaml"' in pages["tasot/arki.md"]


def test_names_are_escaped_for_markdown_and_html() -> None:
    page = render()["kumppanit/alfa-oy.md"]
    assert "# Alfa &amp; Beta &#34;Testi&#34; Oy\n" in page
    assert 'title: "Alfa &amp; Beta &#34;Testi&#34; Oy"' in page


@pytest.mark.parametrize("needle", ["Maija Malli", "maija.malli@testi.example", "040 000 0001", "Sisäinen huomio", "Gamman kunta"])
def test_public_pages_hold_no_personal_or_internal_data(needle: str) -> None:
    assert all(needle not in text for text in render("public").values())


def test_golden_update_is_refused_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARTNERKIT_UPDATE_GOLDEN", "1")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI"):
        update_golden({tmp_path / "a.md": "uusi"})
    assert not (tmp_path / "a.md").exists()


def test_golden_update_says_what_it_rewrote(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PARTNERKIT_UPDATE_GOLDEN", "1")
    monkeypatch.delenv("CI", raising=False)
    (tmp_path / "same.md").write_text("sama", encoding="utf-8")
    with pytest.warns(UserWarning, match="rewritten") as caught:
        update_golden({tmp_path / "same.md": "sama", tmp_path / "new.md": "uusi"})
    assert str(tmp_path / "new.md") in str(caught[0].message) and "same.md" not in str(caught[0].message)
    assert (tmp_path / "new.md").read_text(encoding="utf-8") == "uusi"


def test_email_addresses_may_wrap_after_the_at_sign_and_nowhere_else_is_changed() -> None:
    from partnerkit.render import breakable_email

    assert str(breakable_email("sote@jarvilaakso.example")) == "sote@<wbr>jarvilaakso.example"
    assert str(breakable_email("a&b@x<y>.example")) == "a&amp;b@<wbr>x&lt;y&gt;.example"
    assert str(breakable_email("@alone")) == "@alone"
    assert str(breakable_email("nobody")) == "nobody"
    # Every address shown on the sample's pages wraps after its @; the link's target stays the plain address.
    root = Path(__file__).resolve().parents[1]
    pages = site_for(toolbox_of(root), "public", make_environment(SHIPPED_TEMPLATES)).pages
    home = pages["index.md"]
    assert '<a href="mailto:sote@jarvilaakso.example">sote@<wbr>jarvilaakso.example</a>' in home
    shown = [text for page in pages.values() for text in re.findall(r'<a href="mailto:[^"]*">([^<]*(?:<wbr>[^<]*)?)</a>', page)]
    assert shown and all("@<wbr>" in text for text in shown)
