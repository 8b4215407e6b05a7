"""``python -m talkbook.linkcheck``: see :mod:`talkbook.linkcheck.cli`."""

import sys

from talkbook.linkcheck.cli import main

sys.exit(main())
