"""Allow `python -m partnerkit`."""

import sys

from .cli import main

sys.exit(main())
