"""Build the partnership toolbox: `python build.py [build|check|serve]`. See README.md."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from partnerkit.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
