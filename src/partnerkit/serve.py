"""Live preview: rebuild the site when content, settings or templates change, and reload the browser."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from .messages import ContentError, format_summary
from .pipeline import Progress, Project, build_site, read_toolbox


def serve_project(project: Project, audience: str, lang: str, address: str, progress: Progress) -> None:
    """Serve a preview at address until interrupted; a broken edit shows its problems and keeps the last good site."""
    from mkdocs.livereload import LiveReloadServer

    host, _, port = address.rpartition(":")
    logging.getLogger("mkdocs.livereload").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="partnerkit-serve-") as temporary:
        site = Path(temporary) / "site"

        def rebuild() -> None:
            try:
                toolbox = read_toolbox(project, lang)
                report = build_site(project, toolbox, audience, site, progress)
                progress(f"Päivitetty: {report.pages} sivua ({report.seconds:.1f} s).")
            except ContentError as error:
                for problem in error.problems:
                    progress(problem.render(lang))
                progress(format_summary(error.problems, lang))

        rebuild()
        site.mkdir(exist_ok=True)
        server = LiveReloadServer(builder=rebuild, host=host or "127.0.0.1", port=int(port), root=str(site))
        for watched in (project.content_dir, project.mkdocs_file, project.templates_dir):
            server.watch(str(watched))
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
