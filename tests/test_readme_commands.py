"""Every command of the README's daily-use table, run exactly as printed on a copy of the sample project."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a fresh clone has after `make build`: the project's files, and the environment it made.
PROJECT_FILES = ("build.py", "mkdocs.yml", "Makefile", "pyproject.toml", "requirements.lock", "README.md")
PROJECT_FOLDERS = ("content", "templates", "schema", "src", "examples", "moodle")


def readme_commands() -> list[str]:
    """Return the commands of the README's table "Päivittäinen käyttö", in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Päivittäinen käyttö", 1)[1].split("\n## ", 1)[0]
    return [match.group(1) for match in re.finditer(r"^\| `([^`]+)` \|", section, re.M)]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the set-up environment (the real .venv, linked), in a Git repository."""
    if not (ROOT / ".venv" / "bin" / "python").is_file():
        pytest.fail("run the tests after `make setup`: the README's commands use the project's .venv")
    target = tmp_path_factory.mktemp("readme") / "tyokalupakki"
    target.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)  # copy2: Make must see the environment as up to date
    for name in PROJECT_FOLDERS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (target / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    for args in (["init", "--quiet", "--initial-branch=main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "sample"]):
        subprocess.run(["git", *args], cwd=target, check=True, capture_output=True)
    return target


def environment() -> dict[str, str]:
    """Return a shell's environment without this test run's virtual environment or Python path."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "CI")}
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if not part.startswith(str(ROOT / ".venv")))
    return env


def test_the_table_lists_the_daily_commands() -> None:
    commands = readme_commands()
    assert len(commands) >= 10
    assert {"python build.py", "python build.py check", "python build.py serve"} <= set(commands)


@pytest.mark.parametrize("command", [c for c in readme_commands() if not c.endswith(" serve")])
def test_command_works_as_printed(clone: Path, command: str) -> None:
    result = subprocess.run(shlex.split(command), cwd=clone, env=environment(), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_serve_works_as_printed(clone: Path) -> None:
    command = next(c for c in readme_commands() if c.endswith(" serve"))
    # The command serves at the default address: a page from another program there would pass the check below
    # and the Ctrl+C would reach our server while it is still starting (two test runs at once on one machine).
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", 8000))
        except OSError:
            pytest.fail("port 8000 is in use by another program; the README's serve command needs it")
    # Ctrl+C as in a terminal: a test run started in the background inherits SIGINT ignored, and so would the server.
    server = subprocess.Popen(shlex.split(command), cwd=clone, env=environment(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline, page = time.monotonic() + 120, ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.5)
        assert "Kumppanuuksien työkalupakki" in page
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=60)
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr
