"""The corpus of bad and hostile content: each case is a small change to tests/fixtures/minimal (see cases.py)."""
