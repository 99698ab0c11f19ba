""""Ehdota muutosta": the staff site's link from every page to a prefilled issue, or an e-mail. Pure.

Where mkdocs.yml names a GitHub or GitLab repository, the link opens a new issue with the form (GitHub) or the
description template (GitLab) that `partnerkit init` ships, prefilled with the page's title, address and source
file. Without a repository host it opens an e-mail to the toolbox's owner (toolbox.yaml owner_email).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from .editor import Repository

# The issue form (GitHub: .github/ISSUE_TEMPLATE/<name>.yml) and description template (GitLab:
# .gitlab/issue_templates/<name>.md) that `partnerkit init` writes; their field ids are the query's keys.
GITHUB_FORM = "ehdota-muutosta.yml"
GITLAB_TEMPLATE = "Ehdota muutosta"
FIELD_PAGE = "sivu"
FIELD_SOURCE = "lahde"


@dataclass(frozen=True)
class SuggestTarget:
    """Where suggestions go: the repository's issues, else the owner's e-mail; site_url makes page addresses."""

    repository: Repository | None
    owner_email: str = ""
    site_url: str = ""

    @property
    def usable(self) -> bool:
        """Return True when a suggestion has somewhere to go."""
        return self.repository is not None or bool(self.owner_email)


def suggest_url(target: SuggestTarget, title: str, page: str, source: str) -> str:
    """Return the address that starts a suggestion about the page (built path page, content file source)."""
    address = target.site_url.rstrip("/") + "/" + page if target.site_url else page
    subject = f"Ehdotus: {title}"
    source_text = source or "(sivu syntyy luetteloista; kerro, mitä pitäisi muuttaa)"
    repository = target.repository
    if repository is not None and repository.host == "github":
        query = {"template": GITHUB_FORM, "title": subject, FIELD_PAGE: f"{title} – {address}",
                 FIELD_SOURCE: source_text}
        return f"{repository.url}/issues/new?{urlencode(query, quote_via=quote)}"
    body = (f"Sivu: {title} – {address}\nLähdetiedosto: {source_text}\n\n"
            "Mikä on väärin tai puuttuu?\n\n\nMiten sen pitäisi olla?\n\n")
    if repository is not None:
        # Newer GitLab versions let the description replace the template's text, older ones append it: the
        # description carries the template's questions itself.
        query = {"issuable_template": GITLAB_TEMPLATE, "issue[title]": subject, "issue[description]": body}
        return f"{repository.url}/-/issues/new?{urlencode(query, quote_via=quote)}"
    if target.owner_email:
        return f"mailto:{target.owner_email}?{urlencode({'subject': subject, 'body': body}, quote_via=quote)}"
    return ""
