"""The CI rule on skips (tests/ci_skips.py), run on a small test file in a pytest of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPING = '''
import pytest

def test_browser():
    pytest.importorskip("no_such_browser_library")

def test_fine():
    assert True
'''


def run(folder: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    (folder / "test_skipping.py").write_text(SKIPPING, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.ci_skips", "-p", "no:cacheprovider",
                           "--rootdir", str(folder), str(folder)], capture_output=True, text=True, env=env,
                          timeout=120, cwd=folder)


def test_an_unexpected_skip_fails_under_ci(tmp_path: Path) -> None:
    result = run(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in result.stdout
    assert "unexpected skip under CI" in result.stdout and "no_such_browser_library" in result.stdout


def test_a_skip_outside_ci_stays_a_skip(tmp_path: Path) -> None:
    result = run(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
