"""`python -m sim` works like `kerjasama` (for an install whose scripts folder is not on PATH)."""

import sys

from sim.cli import main

sys.exit(main())
