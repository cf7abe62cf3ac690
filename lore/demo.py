"""The main job, end to end, on the embedded defaults: ``python -m lore.demo``.

It works in a temporary folder and touches nothing else. Today it shows the
environment lore resolves; each layer that lands adds its step here (extract on
SQLite, pipeline, fit, local model store, prediction).

>>> import lore.demo
>>> callable(lore.demo.main)
True
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def main(folder: Path | None = None) -> int:
    """Run the demo in ``folder`` (a new temporary folder by default); 0 on success."""
    import lore.env

    folder = folder or Path(tempfile.mkdtemp(prefix="lore-demo-"))
    (folder / "runtime.txt").write_text("python-3.11.7\n")
    env = lore.env.load(folder)
    print(f"lore demo in {folder}: environment {env.name}, root {env.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
