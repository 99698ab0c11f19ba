"""``python -m partnerkit.mbzcheck FILE.mbz``."""

import sys

from . import main

sys.exit(main())
