"""Build the partnership toolbox: `python build.py [build|check|serve]`. See README.md."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

# `make build` installs everything into .venv; `python build.py` then works without activating it.
if VENV_PYTHON.is_file() and Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])

sys.path.insert(0, str(ROOT / "src"))
try:
    from partnerkit.cli import main
except ImportError as error:  # no .venv yet and the dependencies are not installed here
    print("partnerkit: aja ensin make build (asentaa riippuvuudet kansioon .venv), sitten komento uudelleen. "
          f"Puuttuu: {error.name}. / Run make build first (it installs the dependencies into .venv).",
          file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main())
