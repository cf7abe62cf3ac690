"""scikit-learn estimators with skops, which stores state without pickle.

skops refuses, on load, any type it does not trust by default. lore adds only the
types named one by one in :data:`TRUSTED` (scikit-learn's tree and neighbour
structures, which skops leaves out); an estimator holding any other type (a custom
transformer, an XGBoost model inside a Pipeline) is checked when it is saved and
goes to the pickle fallback instead, so that what skops wrote can always be read
back. The extra types found at save time are recorded in the sidecar and filtered
again through :data:`TRUSTED` on load, which spares a second pass over the file.

>>> import tempfile, pathlib
>>> from sklearn.preprocessing import StandardScaler
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> files, details = write(StandardScaler().fit([[1.0], [3.0]]), folder, "scaler")
>>> read(folder, "scaler", {"files": files, **details}).mean_.tolist()
[2.0]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lore.errors import MissingDependency, ModelError
from lore.serializers.registry import Unsupported, from_library

NAME = "sklearn"
LIBRARIES = ("scikit-learn", "skops", "numpy", "scipy")
#: Types a skops file may hold beyond skops' own defaults, each named in full: no
#: prefix is trusted, since any callable in a trusted module could be made to run.
TRUSTED = frozenset(
    {
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
        "sklearn.metrics._dist_metrics.ManhattanDistance64",
        "sklearn.metrics._dist_metrics.ChebyshevDistance64",
        "sklearn.metrics._dist_metrics.MinkowskiDistance64",
    }
)


def claims(obj: Any) -> bool:
    return from_library(obj, "sklearn")


def untrusted(path: Path) -> tuple[list[str], list[str]]:
    """The types in a skops file that skops does not trust: (ones lore trusts, the rest)."""
    from skops.io import get_untrusted_types

    types = get_untrusted_types(file=path)
    ours = [name for name in types if name in TRUSTED]
    return ours, [name for name in types if name not in ours]


def write(obj: Any, folder: Path, name: str) -> tuple[list[str], dict[str, Any]]:
    try:
        import skops.io
    except ImportError:
        raise Unsupported('skops is not installed (pip install "lore-ml[skops]")') from None
    file = f"{name}.skops"
    path = folder / file
    try:
        skops.io.dump(obj, path)
        trusted, refused = untrusted(path)
    except Exception as error:  # skops cannot walk some objects; pickle can
        path.unlink(missing_ok=True)
        raise Unsupported(f"skops cannot store it: {error}") from None
    if refused:
        path.unlink()
        raise Unsupported(f"it holds types skops would not load: {', '.join(refused)}")
    return [file], {"trusted": trusted}


def read(folder: Path, name: str, record: dict[str, Any]) -> Any:
    try:
        import skops.io
    except ImportError:
        raise MissingDependency("skops", "skops", f"loading {name}") from None
    from skops.io.exceptions import UntrustedTypesFoundException

    path = folder / record["files"][0]
    # the types listed at save time, filtered again: skops refuses any other type in the file
    trusted = [name for name in record.get("trusted", []) if name in TRUSTED]
    try:
        return skops.io.load(path, trusted=trusted)
    except UntrustedTypesFoundException:
        ours, others = untrusted(path)
        refused = [name for name in [*others, *ours] if name not in trusted]
        raise ModelError(
            f"{path} holds types lore does not trust: {', '.join(refused)}. Only skops' defaults and "
            "the types in lore.serializers.sklearn.TRUSTED recorded when the file was saved are loaded"
        ) from None
