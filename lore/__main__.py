"""``python -m lore`` runs the ``lore`` command."""

import sys

from lore.cli import main

sys.exit(main())
