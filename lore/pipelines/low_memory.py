"""Data larger than memory: stream chunks, fit encoders in pieces, encode to disk.

``get_data()`` returns an iterable of DataFrames (a generator, or
``lore.io.main.dataframe(sql, chunksize=100_000)``), or one DataFrame, which is cut
into ``chunksize`` rows. Two passes run on first access:

1. each chunk's rows are assigned to a split at random (seeded per chunk), the chunk
   is spilled to Parquet, and the encoders summarize its training rows (``summarize``,
   folded with ``combine``). With ``exact_sizes=True`` or ``stratify=``, every chunk
   is spilled and counted (per class of ``stratify``) first; then each chunk, read
   back, draws how many of the rows still to place go to each split (a multivariate
   hypergeometric draw, seeded per chunk, per class), so the sizes are exactly
   :class:`~lore.pipelines.TrainTestSplit`'s and memory holds one chunk's codes;
2. once the encoders learned from the whole summary (``fit_summary``), each spilled
   chunk is encoded into one float32 ``.npy`` file per split (``x``) plus ``y``,
   written under ``data/pipelines/<Class>/``.

``training_data.x`` is then a DataFrame over a read-only memory map of that file:
pages are read from disk as a model touches them, so memory holds one chunk at a
time, never the whole data set. By default sizes are fractions and each row is placed
at random (sizes exact in expectation, as on a Dask cluster, where ``exact_sizes`` and
``stratify`` are refused); with ``stratify`` each class keeps its proportion in every
split.

>>> import pandas as pd
>>> from lore.encoders import Norm, Unique
>>> from lore.pipelines import LowMemory
>>> class Stream(LowMemory):
...     chunksize = 50
...     def get_data(self):
...         for start in range(0, 200, 50):
...             yield pd.DataFrame({"n": range(start, start + 50), "city": ["a", "b"] * 25})
...     def get_encoders(self):
...         return (Unique("city"),)
...     def get_output_encoder(self):
...         return Norm("n")
>>> import tempfile
>>> pipeline = Stream(folder=tempfile.mkdtemp())
>>> len(pipeline.training_data) + len(pipeline.validation_data) + len(pipeline.test_data)
200
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lore.errors import EmptySplit, EncodingError
from lore.pipelines.holdout import SPLITS, Observations, TrainTestSplit, schema_type
from lore.serializers.arrays import open_npy
from lore.util import atomic_folder

SPLIT_CODES = {name: code for code, name in enumerate(SPLITS)}


class LowMemory(TrainTestSplit):
    """A :class:`~lore.pipelines.TrainTestSplit` over a stream of chunks, encoded to disk.

    Parameters
    ----------
    folder
        Where the encoded splits are written (default ``data/pipelines/<module.Class>``
        of the project); replaced atomically on each preparation.
    stratify
        A column whose classes keep their proportions in every split (implies
        ``exact_sizes``).
    exact_sizes
        Split sizes exactly as :class:`~lore.pipelines.TrainTestSplit` makes them
        (fractions or row counts), at the cost of reading the spilled chunks once more;
        by default each row is placed at random (sizes exact in expectation), in one pass.
    """

    #: Rows per chunk when ``get_data()`` returns a single DataFrame.
    chunksize = 100_000

    def __init__(
        self,
        test_size: float = 0.1,
        validation_size: float = 0.1,
        random_state: int = 1,
        subsample: float | None = None,
        folder: str | Path | None = None,
        stratify: str | None = None,
        exact_sizes: bool = False,
    ) -> None:
        super().__init__(test_size, validation_size, random_state, stratify=stratify, subsample=subsample)
        self.folder = folder
        self.exact_sizes = exact_sizes

    def _folder(self) -> Path:
        if self.folder is not None:
            return Path(self.folder)
        import lore.env

        cls = type(self)
        return lore.env.current().data_dir / "pipelines" / f"{cls.__module__}.{cls.__qualname__}"

    def chunks(self) -> Any:
        """The chunks of :meth:`get_data` (subsampled), recording the queries that ran."""
        import pandas as pd

        from lore.pipelines import distributed
        from lore.pipelines.holdout import recording

        with recording() as queries:
            data = self.__dict__.pop("_given", None)
            data = self.get_data() if data is None else data
            if isinstance(data, pd.DataFrame):
                whole, size = data, self.chunksize
                data = (whole.iloc[start : start + size] for start in range(0, len(whole), size))
            elif distributed.is_dask(data):
                data = distributed.partitions(data)
            for index, chunk in enumerate(data):
                if not isinstance(chunk, pd.DataFrame):
                    raise EncodingError(
                        f"{type(self).__name__}.get_data() yielded {type(chunk).__name__}; yield DataFrames"
                    )
                yield index, self.subsampled(index, chunk).reset_index(drop=True)
        self._extracts = list(queries)

    def fit(self, frame: Any = None) -> LowMemory:
        """Stream, fit and encode to disk now (``frame``: one DataFrame instead of ``get_data()``).

        Returns the pipeline; see :meth:`TrainTestSplit.fit`.
        """
        for fitted in ("_encoders", "_output_encoder", "_schema", "_signature"):
            self.__dict__.pop(fitted, None)
        self._observations = {}
        if frame is not None:
            self._given = frame
        self._prepare()
        return self

    def subsampled(self, index: int, chunk: Any) -> Any:
        """Chunk ``index`` with only the rows drawn by ``subsample`` (all of them without)."""
        import numpy as np

        if not self.subsample:
            return chunk
        if self.subsample >= 1:
            raise EncodingError(f"{type(self).__name__}: subsample must be a fraction below 1")
        draw = np.random.default_rng([self.random_state, index, 1]).random(len(chunk))
        return chunk[draw < self.subsample]

    def _on_cluster(self) -> bool:
        """Prepare on the Dask cluster when one is set and ``get_data()`` is a Dask DataFrame."""
        from lore.pipelines import distributed
        from lore.pipelines.holdout import recording

        if "_given" in self.__dict__ or not distributed.configured():
            return False  # data handed to fit(frame) is prepared here
        with recording() as queries:
            data = self.get_data()
        if not distributed.is_dask(data):
            self._given = data  # read once: chunks() streams it in this process
            return False
        if self.stratify is not None or self.exact_sizes:
            raise EncodingError(
                f"{type(self).__name__}: stratify and exact_sizes are not supported on a Dask cluster; "
                "unset them or prepare without the cluster"
            )
        splitter = LowMemory(self.test_size, self.validation_size, self.random_state, self.subsample)
        distributed.prepare(self, data, splitter, list(queries))
        return True

    def assign(self, index: int, rows: int) -> Any:
        """Split codes (0 training, 1 validation, 2 test) for chunk ``index``."""
        import numpy as np

        for what, size in (("test", self.test_size), ("validation", self.validation_size)):
            if not 0 <= size < 1:
                message = f"{what}_size must be a fraction below 1, got {size!r}"
                raise EncodingError(f"{type(self).__name__}: {message}")
        draw = np.random.default_rng([self.random_state, index]).random(rows)
        codes = np.zeros(rows, dtype="int8")
        codes[draw < self.test_size + self.validation_size] = SPLIT_CODES["validation"]
        codes[draw < self.test_size] = SPLIT_CODES["test"]
        return codes

    def strata(self, chunk: Any) -> Any:
        """Each row's class of ``stratify`` (missing is a class of its own); one class without."""
        import pandas as pd

        if self.stratify is None:
            return pd.Series(0, index=chunk.index)
        from lore.transformers.base import read

        values = read(chunk, self.stratify, f"{type(self).__name__}(stratify=)").astype(object)
        return values.where(values.notna(), "__missing__")

    def quotas(self, counts: Any) -> Any:
        """Rows of each class (``counts``, a Series) per split: a frame, one column per split.

        The split sizes of :func:`~lore.pipelines.holdout.split_sizes` over all rows; each
        class gets its share of them, rounded as :meth:`TrainTestSplit.split` rounds.
        """
        import numpy as np
        import pandas as pd

        from lore.pipelines.holdout import split_sizes

        rows = int(counts.sum())
        if not rows:
            raise EmptySplit(f"{type(self).__name__}: no training rows (0 rows in all)")
        _training, validation, test = split_sizes(rows, self.test_size, self.validation_size)
        sizes = counts.to_numpy(dtype="int64")
        if len(sizes) == 1:
            test_rows, validation_rows = np.array([test]), np.array([validation])
        else:
            test_rows = np.ceil(sizes * test / rows - 0.5).astype("int64")
            validation_rows = np.ceil(sizes * (test + validation) / rows - 0.5).astype("int64") - test_rows
        return pd.DataFrame(
            {
                "training": sizes - test_rows - validation_rows,
                "validation": validation_rows,
                "test": test_rows,
            },
            index=counts.index,
        )

    def exact_codes(self, index: int, strata: Any, remaining: Any) -> Any:
        """Split codes of chunk ``index`` given its rows' ``strata``; takes them from ``remaining``.

        ``remaining`` (from :meth:`quotas`) holds the rows of each class still to place
        per split; each class's rows in this chunk draw their splits from it without
        replacement, so the sizes come out exact over all chunks.
        """
        import numpy as np
        import pandas as pd

        rng = np.random.default_rng([self.random_state, index])
        classes, uniques = pd.factorize(strata, use_na_sentinel=False)
        order = np.argsort(classes, kind="stable")
        ends = np.cumsum(np.bincount(classes, minlength=len(uniques)))
        codes = np.empty(len(strata), dtype="int8")
        for position, value in enumerate(uniques):  # per class, not per row
            rows = order[(ends[position - 1] if position else 0) : ends[position]]
            left = remaining.loc[value].to_numpy(dtype="int64")
            drawn = rng.multivariate_hypergeometric(left, len(rows))
            remaining.loc[value] = left - drawn
            splits = np.repeat([SPLIT_CODES[name] for name in remaining.columns], drawn).astype("int8")
            codes[rows] = rng.permutation(splits)
        return codes

    def _split_frames(self) -> dict[str, Any]:
        if "_encoders" not in self.__dict__ or not self._observations:
            self._prepare()
        return {}

    def _prepare(self) -> None:
        import hashlib

        import pandas as pd

        if self._on_cluster():
            return
        target = self._folder()
        with atomic_folder(target) as work:
            encoders = list(self.declared_encoders())
            output = self.get_output_encoder()
            counts = dict.fromkeys(SPLITS, 0)
            stats: list[Any] = [None] * (len(encoders) + 1)  # each encoder's running summary
            digest = None
            schema: dict[str, str] = {}
            spilled: list[Path] = []
            for chunk, codes in self._assigned(work, spilled):
                training = chunk[codes == SPLIT_CODES["training"]]
                stats = [
                    encoder.combine(seen, encoder.summarize(training))
                    for encoder, seen in zip([*encoders, output], stats, strict=True)
                ]
                for name, code in SPLIT_CODES.items():
                    counts[name] += int((codes == code).sum())
                if digest is None:
                    digest = hashlib.sha256(",".join(map(str, chunk.columns)).encode())
                    columns = [c for encoder in encoders for c in encoder.input_columns()]
                    schema = {c: schema_type(chunk[c].dtype) for c in dict.fromkeys(columns) if c in chunk}
                digest.update(pd.util.hash_pandas_object(training, index=False).to_numpy().tobytes())
            if not counts["training"]:
                total = sum(counts.values())
                raise EmptySplit(f"{type(self).__name__}: no training rows ({total} rows in all)")
            pairs = zip([*encoders, output], stats, strict=True)
            fitted = [encoder.fit_summary(seen) for encoder, seen in pairs]
            self._encoders, self._output_encoder = tuple(fitted[:-1]), fitted[-1]
            self._schema = schema
            self._encode_to_disk(work, spilled, counts)
            for path in spilled:
                path.unlink()
                path.with_suffix(".npy").unlink()
        self._signature = {
            "extracts": self._extracts,
            "rows": {"data": sum(counts.values()), **counts},
            "training_sha256": digest.hexdigest() if digest else None,
            "random_state": self.random_state,
            "folder": str(target),
        }
        self._load(target)

    def _assigned(self, work: Path, spilled: list[Path]) -> Any:
        """Each chunk and its split codes, spilled under ``work`` (the paths added to ``spilled``).

        At random row by row (one pass), or with exact sizes (``exact_sizes`` or
        ``stratify``): all chunks are spilled and counted first, then read back.
        """
        import numpy as np
        import pandas as pd

        exact = self.exact_sizes or self.stratify is not None
        classes: Any = pd.Series(dtype="int64")
        for index, chunk in self.chunks():
            path = work / f"raw-{index:06d}.parquet"
            chunk.to_parquet(path)
            spilled.append(path)
            if exact:
                classes = classes.add(self.strata(chunk).value_counts(sort=False), fill_value=0)
            else:
                codes = self.assign(index, len(chunk))
                np.save(path.with_suffix(".npy"), codes)
                yield chunk, codes
        if exact:
            remaining = self.quotas(classes)
            for index, path in enumerate(spilled):
                chunk = pd.read_parquet(path)
                codes = self.exact_codes(index, self.strata(chunk), remaining)
                np.save(path.with_suffix(".npy"), codes)
                yield chunk, codes

    def _encode_to_disk(self, work: Path, spilled: list[Path], counts: dict[str, int]) -> None:
        """Encode the spilled chunks into ``<split>_x.npy`` / ``<split>_y.npy``, appending.

        Written with plain sequential writes after a ``.npy`` header (not through a
        memory map), so the process holds one chunk, not the files' pages.
        """
        import numpy as np
        import pandas as pd

        width = len(self.feature_names())
        streams: dict[str, Any] = {}
        try:
            for path in spilled:
                chunk = pd.read_parquet(path)
                codes = np.load(path.with_suffix(".npy"))
                if not streams:
                    y_shape = self.encode_y(chunk.iloc[:0])
                    for name, rows in counts.items():
                        streams[f"{name}_x"] = open_npy(
                            work / f"{name}_x.npy", np.dtype("float32"), (rows, width)
                        )
                        shape = (rows, *y_shape.shape[1:])
                        streams[f"{name}_y"] = open_npy(work / f"{name}_y.npy", y_shape.dtype, shape)
                for name, code in SPLIT_CODES.items():
                    rows = chunk[codes == code]
                    if len(rows):
                        streams[f"{name}_x"].write(self.encode_x(rows).to_numpy(dtype="float32").tobytes())
                        streams[f"{name}_y"].write(np.ascontiguousarray(self.encode_y(rows)).tobytes())
        finally:
            for stream in streams.values():
                stream.close()

    def _load(self, folder: Path) -> None:
        import numpy as np
        import pandas as pd

        names = self.feature_names()
        for name in SPLITS:
            x = np.load(folder / f"{name}_x.npy", mmap_mode="r")
            y = np.load(folder / f"{name}_y.npy", mmap_mode="r")
            self._observations[name] = Observations(pd.DataFrame(x, columns=names, copy=False), y)

    def _observations_of(self, name: str) -> Observations:
        self._split_frames()
        return self._observations[name]

    @property
    def data(self) -> Any:
        raise EncodingError(
            f"{type(self).__name__} streams its data and never holds it whole; iterate over chunks() instead"
        )
