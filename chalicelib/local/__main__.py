"""Entry point: ``python -m chalicelib.local`` starts the local stack (see runner)."""

import sys

from chalicelib.local.runner import main

sys.exit(main())
