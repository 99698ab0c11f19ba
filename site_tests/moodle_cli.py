"""Running PHP against the real Moodle of MOODLE_DIR, shared by the restore, update and browser tests.

MOODLE_PHP overrides the PHP command (default ``php``; e.g. ``sudo -u www-data php`` when moodledata belongs to
the web server).
"""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest

MOODLE_DIR = os.environ.get("MOODLE_DIR", "")


def run_php(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run PHP with Moodle's environment; fail the test with PHP's output when it fails and check is set."""
    command = shlex.split(os.environ.get("MOODLE_PHP", "php")) + list(args)
    result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "MOODLE_DIR": MOODLE_DIR})
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result
