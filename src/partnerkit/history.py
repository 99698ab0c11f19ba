"""Reading the previous release from Git: which revision it is, and its content parsed with the real loader.

Reading Git is I/O, so it lives here beside load.py and is called only by the pipeline and the command line.
The previous release is the latest tag (the one before it when the build is at a tagged commit), else the
previous commit that changed content/. Every answer derives from the commits, never from the clock, so a build
of the same commit always compares with the same release. When Git or the history is missing (a download
without .git, a shallow CI clone) the result says why instead of failing the build.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath

from .changes import History
from .load import Content, Document, display_path, is_usable_name, load_content, parse_document
from .messages import ContentError, Problem, make_problem
from .model import Toolbox
from .schema import COLLECTIONS, FILES_FOLDER, OPTIONAL_FILES, SINGLE_FILES
from .validate import build_toolbox

GIT_TIMEOUT = 60
# Variables a Git hook (pre-commit) sets; they would point `git -C` at another repository or index.
_GIT_LOCATION_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")


class _NoGit(Exception):
    """The git program could not be run."""


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARIABLES}
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    return env


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                              timeout=GIT_TIMEOUT, env=_environment(), check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise _NoGit(str(error)) from error


def _text(root: Path, *args: str) -> str | None:
    """Return a git command's trimmed output, or None when it failed."""
    result = _git(root, *args)
    return result.stdout.decode("utf-8", "replace").strip() if result.returncode == 0 else None


@dataclass
class HistoryMemo:
    """The previous release a preview session read last: the commit it was read from and its toolbox."""

    commit: str = ""
    previous: Toolbox | None = None


def read_history(root: Path, content_dir: Path, memo: HistoryMemo | None = None) -> History:
    """Return the previous release's toolbox and the latest commit's date, or the reason they are unavailable.

    With memo (a preview session's), the release's content is read and checked again only when the release is
    another commit than last time: the preview asks after every edit, and reading 20,000 files from Git each time
    would cost seconds.
    """
    try:
        return _read_history(root, content_dir, memo)
    except _NoGit:
        return History(None, reason="Versionhallintaohjelmaa ei löytynyt koneelta, jolla sivusto koottiin, joten muutoksia ei "
                                    "voitu verrata aiempaan julkaisuun.")


def _read_history(root: Path, content_dir: Path, memo: HistoryMemo | None = None) -> History:
    top = _text(root, "rev-parse", "--show-toplevel")
    if not top:
        return History(None, reason="Työkalupakki ei ole versionhallinnassa (se on esimerkiksi ladattu zip-tiedostona), "
                                    "joten aiempia julkaisuja ei ole saatavilla.")
    head = _text(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if not head:
        return History(None, reason="Versionhallinnassa ei ole vielä yhtään tallennettua muutosta.")
    commit_date = _commit_date(root, head)
    try:
        prefix = PurePosixPath(content_dir.resolve().relative_to(Path(top).resolve()).as_posix())
    except ValueError:
        return History(None, reason="Sisältökansio on versionhallinnan ulkopuolella.", commit_date=commit_date)
    dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=all", "--", str(prefix)).stdout.strip())
    base, label = _previous_release(root, head, prefix, dirty)
    if base is None:
        shallow = _text(root, "rev-parse", "--is-shallow-repository") == "true"
        reason = ("Muutoshistoria on haettu koontiin vain osittain, joten edellistä julkaisua ei löytynyt. "
                  "Koontipalvelun ylläpitäjä voi hakea koko historian (GitHub Actionsissa actions/checkout-vaiheeseen "
                  "fetch-depth: 0, GitLab CI:ssä muuttuja GIT_DEPTH: 0)."
                  if shallow else "Sisällöllä ei ole aiempaa versiota muutoshistoriassa; tämä on ensimmäinen julkaisu.")
        return History(None, reason=reason, commit_date=commit_date)
    # A tag names the commit it points to now; the content of a commit never changes.
    commit = _text(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}") or ""
    if memo is not None and commit and memo.commit == f"{commit}:{prefix}" and memo.previous is not None:
        return History(memo.previous, base=label, commit_date=commit_date)
    content = _load_revision(root, Path(top), base, prefix)
    try:
        previous = build_toolbox(content)
        if memo is not None and commit:
            memo.commit, memo.previous = f"{commit}:{prefix}", previous
    except ContentError:
        # A newer partnerkit may require fields the old release lacks (e.g. in toolbox.yaml). Only partners and
        # methods are compared, so the old ones are checked together with today's other files instead.
        try:
            previous = build_toolbox(_with_current_context(content, load_content(content_dir, root)))
        except ContentError as error:
            return History(None, base=label, commit_date=commit_date,
                           reason=f"Edellisen julkaisun ({label}) kumppanit ja menetelmät eivät läpäise nykyistä "
                                  f"tarkistusta ({len(error.problems)} virhettä), joten muutoksia ei voitu laskea.")
    return History(previous, base=label, commit_date=commit_date)


def _with_current_context(old: Content, current: Content) -> Content:
    """Return the old partners and methods with today's other files (plus old contacts and teams since removed)."""
    compared = ("partner", "method")
    paths = {d.path for d in current.documents}
    documents = [d for d in old.documents if d.record in compared]
    documents += [d for d in current.documents if d.record not in compared]
    documents += [d for d in old.documents if d.record in ("contact", "team") and d.path not in paths]
    # Reading problems of files replaced by today's versions no longer matter; those of old partners do.
    replaced = paths - {d.path for d in current.documents if d.record in compared}
    problems = tuple(p for p in old.problems if p.path not in replaced)
    unreadable = tuple(u for u in old.unreadable if u[0] in compared)
    # Today's files for today's documents (guides link to them), the old files for the old partners and methods.
    return Content(tuple(documents), problems, unreadable, {**current.attachments, **old.attachments})


def read_commit_date(root: Path) -> date | None:
    """Return the date of the latest commit of the repository root is in, or None without Git or commits."""
    try:
        head = _text(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        return _commit_date(root, head) if head else None
    except _NoGit:
        return None


def _commit_date(root: Path, revision: str) -> date | None:
    stamp = _text(root, "log", "-1", "--format=%ct", revision)
    return datetime.fromtimestamp(int(stamp), tz=timezone.utc).date() if stamp and stamp.isdigit() else None


def _describe(root: Path, revision: str) -> str:
    short = _text(root, "rev-parse", "--short=7", revision) or revision[:7]
    day = _commit_date(root, revision)
    # Dates read d.m.yyyy in the toolbox like everywhere else in the staff site.
    return f"{short}, {day.day}.{day.month}.{day.year}" if day else short


def _previous_release(root: Path, head: str, prefix: PurePosixPath, dirty: bool) -> tuple[str | None, str]:
    """Return (revision, description in Finnish) of the release to compare with, or (None, '')."""
    tag = _text(root, "describe", "--tags", "--abbrev=0", "HEAD")
    if tag and _text(root, "rev-parse", f"{tag}^{{commit}}") == head and not dirty:
        # Building the tagged commit itself: its release is compared with the tag before it.
        tag = _text(root, "describe", "--tags", "--abbrev=0", "HEAD^") if _text(root, "rev-parse", "--verify",
                                                                             "--quiet", "HEAD^") else None
    if tag:
        return tag, f"julkaisu {tag} (muutos {_describe(root, tag)})"
    log = _text(root, "log", "--format=%H", "-n", "2", "HEAD", "--", str(prefix)) or ""
    commits = log.split()
    # Uncommitted edits are compared with the last commit; a clean tree with the commit before the last change.
    wanted = 0 if dirty else 1
    if len(commits) <= wanted:
        return None, ""
    label = "viimeisin tallennettu muutos, johon verrataan tallentamattomia muokkauksia" if dirty else \
        "edellinen sisältöön tallennettu muutos"
    return commits[wanted], f"{label} ({_describe(root, commits[wanted])})"


def _record_of(relative: PurePosixPath) -> str | None:
    """Return the record type of a file under content/, as load.list_content_files assigns it."""
    if len(relative.parts) == 1:
        return SINGLE_FILES.get(relative.name) or OPTIONAL_FILES.get(relative.name)
    if len(relative.parts) == 2 and relative.suffix in (".yaml", ".yml"):
        return COLLECTIONS.get(relative.parts[0])
    return None


def _load_revision(root: Path, top: Path, revision: str, prefix: PurePosixPath) -> Content:
    """Return the content as it was at revision, parsed exactly as load.py parses files on disk."""
    listing = _git(top, "ls-tree", "-r", "-z", revision, "--", f"{prefix}/").stdout
    files: list[tuple[str, str]] = []
    # The attachments of that revision (content/files/), so that its partners' and methods' file fields check
    # against the files they named then; a symbolic link (or anything but a file) counts as leading outside.
    attachments: dict[str, bool] = {}
    for entry in sorted(filter(None, listing.split(b"\0")), key=lambda line: line.partition(b"\t")[2]):
        mode, _, raw = entry.partition(b"\t")
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        relative_parts = PurePosixPath(name).relative_to(prefix).parts
        if len(relative_parts) > 1 and relative_parts[0] == FILES_FOLDER:
            attachments["/".join(relative_parts[1:])] = mode.startswith(b"100")
            continue
        # Names the check refuses today (a line feed would also break cat-file's line protocol) are left out,
        # as the check leaves them out of the current content.
        if not is_usable_name(PurePosixPath(name).name):
            continue
        record = _record_of(PurePosixPath(name).relative_to(prefix))
        if record is not None:
            files.append((name, record))
    # One `git cat-file --batch` reads every file: the same bytes `git show REV:path` prints, in one process.
    request = "".join(f"{revision}:{name}\n" for name, _ in files).encode("utf-8")
    output = _git(top, "cat-file", "--batch", stdin=request).stdout
    documents: list[Document] = []
    problems: list[Problem] = []
    unreadable: list[tuple[str, str]] = []
    offset = 0
    for name, record in files:
        header_end = output.index(b"\n", offset)
        size = int(output[offset:header_end].split()[2])
        data = output[header_end + 1: header_end + 1 + size]
        offset = header_end + 1 + size + 1
        shown = display_path(top / name, root)
        document, found = parse_document(data, shown, record)
        problems.extend(found)
        if document is not None:
            documents.append(document)
        else:
            unreadable.append((record, PurePosixPath(name).stem))
    present = {PurePosixPath(name).relative_to(prefix).as_posix() for name, _ in files}
    for single in sorted(SINGLE_FILES):
        if single not in present:
            problems.append(make_problem(display_path(top / prefix / single, root), 1, 1, "missing_file"))
    return Content(tuple(documents), tuple(problems), tuple(unreadable), attachments)


def init_repository(root: Path) -> bool:
    """Make root a Git repository with the branch main; return False when git is unavailable or fails."""
    try:
        return _git(root, "init", "--quiet", "--initial-branch=main").returncode == 0
    except _NoGit:
        return False
