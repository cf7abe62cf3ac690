"""Write fitted objects to files in native, non-executable formats, and read them back.

:func:`save` picks the format from the object's type: XGBoost models as ``.ubj``,
Keras models as ``.keras``, scikit-learn estimators with skops, DataFrames and Series
as Parquet, numpy arrays as ``.npy``, and anything else with pickle. Beside the data
it writes a small sidecar, ``<name>.serializer.json``, naming the serializer, the
files and the library versions; :func:`load` reads the sidecar and dispatches on it.
Heavy libraries are imported only when an object of theirs is saved or loaded.

Pickle runs code when it is read, so only load pickles you trust: the model store
verifies every file's SHA-256 against the fitting's manifest before anything here
reads it.

>>> import tempfile, lore.serializers
>>> folder = tempfile.mkdtemp()
>>> lore.serializers.save({"alpha": 0.5}, folder, "settings")
['settings.pkl', 'settings.serializer.json']
>>> lore.serializers.load(folder, "settings")
{'alpha': 0.5}
"""

from __future__ import annotations

from lore.serializers.registry import FORMAT_VERSION, KINDS, load, save, sidecar_name

__all__ = ["FORMAT_VERSION", "KINDS", "load", "save", "sidecar_name"]
