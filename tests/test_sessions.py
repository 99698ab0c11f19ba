"""Caches belong to a build or a preview session: bounded, and never shared between sessions through a module."""

from __future__ import annotations

from dataclasses import replace

import jinja2

from partnerkit.audience import INTERNAL
from partnerkit.markup import MarkdownCache, render_markdown
from partnerkit.mkdocs_plugin import MemoryBytecodeCache
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from partnerkit.render.site import SiteMemo, SiteSettings, render_site
from tests.conftest import MINIMAL, toolbox_of


def test_markdown_cache_is_bounded_and_gives_what_the_renderer_gives() -> None:
    cache = MarkdownCache(limit=3)
    texts = [f"Kappale *{number}*\n\n- rivi" for number in range(10)]
    assert [cache.html(text) for text in texts] == [render_markdown(text) for text in texts]
    assert cache.html.cache_info().currsize == 3


def test_each_environment_has_its_own_markdown_cache() -> None:
    first, second = make_environment(SHIPPED_TEMPLATES), make_environment(SHIPPED_TEMPLATES)
    first.filters["markdown"]("Vain *ensimmäisessä*")
    template = "{{ text | markdown }}"
    assert second.from_string(template).render(text="x") == "<p>x</p>"
    cache_of = {id(env): env.filters["markdown"].__closure__[0].cell_contents for env in (first, second)}
    assert cache_of[id(first)] is not cache_of[id(second)]
    assert cache_of[id(first)].html.cache_info().currsize == 1


def test_site_memo_keeps_only_what_the_last_render_used() -> None:
    toolbox = toolbox_of(MINIMAL)
    env = make_environment(SHIPPED_TEMPLATES)
    memo = SiteMemo()
    render_site(toolbox, SiteSettings(profile=INTERNAL), env, memo=memo)
    first = dict(memo.filters)
    assert first  # the tier listings and the partner index have filters
    render_site(toolbox, SiteSettings(profile=INTERNAL), env, memo=memo)
    assert all(memo.filters[key] is first[key] for key in first)  # reused, not made again
    renamed = replace(toolbox, partners=tuple(replace(p, name=p.name + " Uusi") for p in toolbox.partners))
    render_site(renamed, SiteSettings(profile=INTERNAL), env, memo=memo)
    assert len(memo.filters) == len(first) and not set(memo.filters) & set(first)


def test_compiled_templates_are_kept_once_per_template_and_follow_edits() -> None:
    compiled = MemoryBytecodeCache()
    env = jinja2.Environment(loader=jinja2.DictLoader({"a": "A {{ x }}", "b": "B"}), bytecode_cache=compiled)
    env.get_template("a"), env.get_template("b")
    assert len(compiled.compiled) == 2
    for number in range(5):  # a preview session: the template edited again and again
        again = jinja2.Environment(loader=jinja2.DictLoader({"a": "A {{ x }}", "b": f"B {number}"}),
                                   bytecode_cache=compiled)
        assert again.get_template("b").render() == f"B {number}" and again.get_template("a").render(x=1) == "A 1"
    assert len(compiled.compiled) == 2
