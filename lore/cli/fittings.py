"""What the commands about fittings share: finding a model by name, plain-text tables.

``lore models``, ``show``, ``compare``, ``promote``, ``upload``, ``download``,
``prune``, ``predict`` and ``ui`` name a model as the store does (``<module>.<Class>``,
the folder under ``models/``) or by any unique ending of that name (``BoostedName``,
``subscribers.BoostedName``). None of this imports a data library.

>>> print(table([{"model": "a.B", "fittings": 3}], ["model", "fittings"]))
model  fittings
a.B           3
"""

from __future__ import annotations

import difflib
import numbers
from typing import Any

from lore.errors import FittingNotFound
from lore.reports.ranking import better, headline

__all__ = ["better", "cell", "fitting_ref", "headline", "model_name", "store", "table"]


def store(remote: bool = False) -> Any:
    """The project's model store; ``remote=True`` requires S3 to be configured."""
    import lore.s3
    from lore.cli.project import enter
    from lore.stores import ModelStore

    env = enter()
    return ModelStore(env.models_dir, remote=lore.s3.remote(required=remote))


def model_name(models: list[str], wanted: str) -> str:
    """The stored model called ``wanted``, or whose name ends with ``.wanted``.

    An unknown or ambiguous name is a :class:`FittingNotFound` listing the models.

    >>> model_name(["shop.models.subscribers.BoostedName"], "BoostedName")
    'shop.models.subscribers.BoostedName'
    """
    if wanted in models:
        return wanted
    matches = [name for name in models if name.endswith(f".{wanted}")]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise FittingNotFound(f"{wanted!r} matches several models: {', '.join(matches)}; give the full name")
    if not models:
        raise FittingNotFound(f"no model named {wanted!r}: the store has no fittings yet (lore fit MODEL)")
    short = {name.rsplit(".", 1)[-1]: name for name in models}
    close = difflib.get_close_matches(wanted, [*models, *short], n=1)
    hint = f" (did you mean {short.get(close[0], close[0])}?)" if close else ""
    raise FittingNotFound(f"no model named {wanted!r}{hint}; models: {', '.join(models)}")


def fitting_ref(text: str | None) -> int | str | None:
    """A fitting argument: a number, an alias, or ``None`` (the latest).

    >>> fitting_ref("3"), fitting_ref("production"), fitting_ref(None)
    (3, 'production', None)
    """
    if text is None:
        return None
    return int(text) if text.isdigit() else text


def cell(value: Any) -> str:
    """A table cell: floats to 4 significant digits, ``None`` as a dash."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "-"
    return str(value)


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Rows as aligned text; numbers right-aligned."""
    texts = [[cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(column), *(len(text[i]) for text in texts)]) for i, column in enumerate(columns)]
    right = [
        any(isinstance(row.get(column), numbers.Number) for row in rows) and rows != [] for column in columns
    ]

    def line(values: list[str]) -> str:
        padded = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right)]
        return "  ".join(padded).rstrip()

    return "\n".join([line(list(columns)), *(line(text) for text in texts)])
