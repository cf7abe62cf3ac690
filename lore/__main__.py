"""``python -m lore`` runs the ``lore`` command (importing this module does not)."""

import sys

from lore.cli import main

if __name__ == "__main__":
    sys.exit(main())
