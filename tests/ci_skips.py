"""pytest plugin: under CI (CI set) a skipped test fails the run, unless it is one that may skip there.

A browser test that skips because Playwright did not import would otherwise pass as a skip. Only the real-Moodle
restore, update and browser tests may skip (they need an installed Moodle, MOODLE_DIR), with their reason.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

MAY_SKIP_UNDER_CI = ("site_tests/test_moodle_restore.py::", "site_tests/test_moodle_update.py::",
                     "site_tests/test_moodle_browser.py::")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    """Turn an unexpected skip into a failure when running under CI."""
    outcome = yield
    report = outcome.get_result()
    if (report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail")
            and not item.nodeid.startswith(MAY_SKIP_UNDER_CI)):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"unexpected skip under CI ({reason}); only the real-Moodle tests may skip"
