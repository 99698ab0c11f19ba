"""partnerkit's MkDocs plugin: its shortcuts must give exactly the HTML that MkDocs gives without them."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest

from partnerkit.mkdocs_plugin import PartnerkitPlugin, restore_html, set_aside_html
from partnerkit.builders import source_date
from partnerkit.builders.mkdocs_runner import build_date, run_mkdocs
from partnerkit.pipeline import Project, read_edit_base, read_toolbox
from partnerkit.render import make_environment
from partnerkit.render.site import SiteSettings, render_site
from partnerkit.write import write_tree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate, write_project  # noqa: E402

EXTENSIONS = ["toc", "attr_list"]


def _convert(text: str, shortcuts: bool) -> str:
    converter = markdown.Markdown(extensions=EXTENSIONS)
    if not shortcuts:
        return converter.convert(text)
    aside, blocks = set_aside_html(text)
    return restore_html(converter.convert(aside), blocks)


CASES = [
    "<dl>\n<dt>a</dt><dd>b</dd>\n</dl>",
    "# Otsikko\n\n<div class=\"x\">\n<div>\n<p>sisä</p>\n</div>\n</div>\n\n## Toinen {: #toinen }\n\nteksti",
    "<p>a</p>\n\n<p>b</p>\n",
    "alku\n<div>heti rivin perään</div>\n\nloppu",  # no blank line before: left to Markdown
    "<div>\n<p>a</p>\n</div> perässä tekstiä\n\nx",  # text after the closing tag: left to Markdown
    "<div>\n<script>var a = '<div>';</script>\n</div>\n\nx",  # opaque content: left to Markdown
    "<div>\n<!-- <div> -->\n</div>\n\nx",
    "<ul class=\"pk-people\">\n<li><a href=\"../a.html\">A &amp; B</a></li>\n</ul>\n\n\n\n### Kolmas\n",
    "<hr>\n\nteksti\n\n<hr />",
    "    <div>koodia</div>\n\nx",  # indented: a code block, not HTML
    "<div>\n<p>avoin\n\nx",  # never closed: left to Markdown
    "<table>\n<tr><td>1</td></tr>\n</table>\n<p>kiinni</p>\n\nx",
    "<div><div>a</div></div>\n\n<div>\nb\n</div>",
    "<details>\n<summary>Lisää</summary>\n<p>x</p>\n</details>\n",
    "<section>\n<h2 id=\"a\">A</h2>\n</section>\n\n## B\n",
    "<divider>ei lohko</divider>\n\nx",
]


@pytest.mark.parametrize("text", CASES)
def test_setting_html_aside_gives_what_markdown_gives(text: str) -> None:
    assert _convert(text, shortcuts=True) == _convert(text, shortcuts=False)


def test_only_well_formed_blocks_are_set_aside() -> None:
    aside, blocks = set_aside_html(CASES[1])
    assert blocks == ['<div class="x">\n<div>\n<p>sisä</p>\n</div>\n</div>']
    assert "## Toinen" in aside
    for left_alone in (CASES[3], CASES[4], CASES[5], CASES[6], CASES[9], CASES[10]):
        assert set_aside_html(left_alone)[1] == []


def test_random_mixtures_of_blocks_convert_the_same() -> None:
    pieces = ["# Otsikko", "## Väli {: #vali }", "kappale *korostettu*", "- lista\n- toinen",
              "<dl>\n<dt>a</dt><dd>b</dd>\n</dl>", "<div class=\"pk-coop\">\n<p>x</p>\n<p>y</p>\n</div>",
              "<p><strong>Yhteyshenkilö:</strong> <a href=\"a.html\">A</a></p>", "<hr>", "<div>\navoin",
              "</div>", "<ul>\n<li>a</li>\n</ul> jälkeen", "    sisennetty", "<table>\n<tr><td>1</td></tr>\n</table>"]
    generator = random.Random(5)
    set_aside = 0
    for _ in range(300):
        # Every other page has only well-formed blocks between blank lines, so that many take the shortcut.
        tidy = generator.random() < 0.5
        choices = pieces[:8] + pieces[-1:] if tidy else pieces
        joiners = [generator.choice(["\n\n", "\n\n\n"] if tidy else ["\n", "\n\n"]) for _ in range(8)]
        chosen = [generator.choice(choices) for _ in range(8)]
        text = "".join(piece + joiner for piece, joiner in zip(chosen, joiners))
        assert _convert(text, shortcuts=True) == _convert(text, shortcuts=False), text
        set_aside += bool(set_aside_html(text)[1])
    assert set_aside > 60  # the comparison covered pages where the shortcut was taken, not only refusals


def test_a_lost_placeholder_is_an_error_not_a_silent_gap() -> None:
    with pytest.raises(ValueError):
        restore_html("<p>muuta</p>", ["<div>x</div>"])


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("source", ["sample", "generated"])
def test_the_site_is_byte_identical_with_and_without_the_shortcuts(tmp_path: Path, source: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if source == "sample":
        project = Project(ROOT)
    else:
        write_project(generate(60, seed=11, methods=12, contacts=40, teams=5), tmp_path / "project")
        project = Project(tmp_path / "project")
    toolbox = read_toolbox(project)
    files = render_site(toolbox, SiteSettings(edit_base=read_edit_base(project), audience="internal"),
                        make_environment(project.templates_dir), None)
    write_tree(tmp_path / "docs", dict(files.static))
    sites = {}
    rendered: list[str] = []
    real_memo = PartnerkitPlugin.memo

    def recording_memo(self: PartnerkitPlugin, key: str | None, caller: Callable[[], str]) -> str:
        return real_memo(self, key, lambda: rendered.append(str(key)) or caller())

    monkeypatch.setattr(PartnerkitPlugin, "memo", recording_memo)
    with build_date(source_date(toolbox)):
        for shortcuts in (True, False):
            site = tmp_path / f"site-{shortcuts}"
            run_mkdocs(project.mkdocs_file, tmp_path / "docs", site, files.nav, project.templates_dir / "theme",
                       files.pages, files.extra, shortcuts=shortcuts)
            sites[shortcuts] = _tree(site)
            rendered.append("done")
    assert sorted(sites[True]) == sorted(sites[False])
    assert len([path for path in sites[True] if path.endswith(".html")]) > len(files.pages) * 0.99
    assert [path for path in sites[True] if sites[True][path] != sites[False][path]] == []
    # The shortcuts were really taken: most pages had their HTML set aside, and with them on the navigation
    # was rendered once per folder for the partner pages (then for every page again with them off).
    assert sum(bool(set_aside_html(text)[1]) for text in files.pages.values()) > 0.9 * len(files.pages)
    with_shortcuts = rendered[: rendered.index("done")]
    without = rendered[rendered.index("done"):]
    assert with_shortcuts.count("nav:kumppanit") == 1
    assert without.count("nav:kumppanit") > 40
