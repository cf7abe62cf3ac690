"""Every error lore raises on purpose, as one tree.

Catch :class:`LoreError` for all of them, or a narrower branch::

    LoreError
    ├── ConfigError                 a setting is missing, malformed or unknown
    │   ├── EnvironmentNameError    LORE_ENV is not development, test or production
    │   ├── MissingVariable         a config value refers to an unset $VAR
    │   ├── ConnectionNotConfigured lore.io.<name> cannot be made (also an AttributeError)
    │   └── UnknownConfigKey        a config key that nothing reads
    ├── NotInProject                a command that needs a project ran outside one
    ├── MissingDependency           an optional library is not installed (names the extra)
    ├── DataError                   lore.io could not get or put data
    │   ├── ExtractNotFound         no extract of that name (lists those that exist)
    │   ├── ParameterError          a bound parameter is missing or unexpected
    │   ├── QueryError              the database refused a statement
    │   ├── ConnectionFailed        the database could not be reached
    │   └── RemoteStorageError      S3 credentials, bucket or object trouble
    ├── StoreError                  a model store or cache could not do its job
    │   ├── CorruptArtifact         a file failed its integrity check
    │   ├── UntrustedFitting        executable files without a trusted signature
    │   └── FittingNotFound         no fitting or alias of that name
    ├── NotFittedError              an encoder, pipeline, estimator or model used before ``fit``
    ├── EncodingError               an encoder or transformer cannot handle the data
    │   ├── MissingColumn           a column the encoder needs is absent
    │   └── EmptySplit              too few rows for the requested split
    ├── ModelError                  a model cannot be fitted, saved, loaded or used
    │   ├── UnknownParameter        a parameter the estimator does not accept
    │   └── InvalidParameter        a parameter's value is out of its range (or NaN)
    ├── WorkflowError               a workflow, stage or step failed
    │   └── StepFailed              one step raised (names the step)
    ├── ClusterError                the Dask cluster is unreachable or misbehaves
    ├── ReportError                 a report cannot be built or written
    └── BadRequest                  an API request that cannot be served (HTTP 4xx)

Every message names the file, key or value at fault and says how to fix it.

>>> from lore.errors import ExtractNotFound, LoreError
>>> issubclass(ExtractNotFound, LoreError)
True
"""

from __future__ import annotations


class LoreError(Exception):
    """Base of every error lore raises on purpose."""


class ConfigError(LoreError):
    """A setting is missing, malformed or unknown."""


class EnvironmentNameError(ConfigError):
    """``LORE_ENV`` names an environment lore does not know."""


class MissingVariable(ConfigError):
    """A config value refers to an environment variable that is not set."""


class ConnectionNotConfigured(ConfigError, AttributeError):
    """``lore.io.<name>`` cannot be made from the configuration.

    Also an :class:`AttributeError`, so ``hasattr(lore.io, name)`` and ``getattr`` with
    a default keep working; the message is the configuration error's.
    """


class UnknownConfigKey(ConfigError):
    """A config key that nothing reads (usually a typo)."""


class NotInProject(LoreError):
    """A command that needs a lore project was run outside one."""


class MissingDependency(LoreError):
    """An optional library is not installed.

    The message names the extra that brings it. Inside a project whose
    requirements.txt names lore, it says which line to write there (``lore install``
    then installs it into the project's virtualenv); elsewhere, the ``pip install``.
    """

    def __init__(self, module: str, extra: str, purpose: str = "") -> None:
        self.module = module
        self.extra = extra
        what = f" for {purpose}" if purpose else ""
        super().__init__(f"{module} is needed{what}: {_install_advice(extra)}")


def _install_advice(extra: str) -> str:
    """How to get lore's ``extra``: the project's requirements.txt line, else ``pip install``."""
    from lore.root import lore_requirement

    found = lore_requirement()
    if found is not None:
        path, line, extras = found
        if extra in extras:
            return f"{path} already asks for lore-ml[{extra}]; run `lore install` to install it"
        wanted = "lore-ml[" + ",".join(sorted({*extras, extra})) + "]"
        return f"change {line} to {wanted} in {path}, then run `lore install`"
    return f'pip install "lore-ml[{extra}]"'


class DataError(LoreError):
    """lore.io could not get or put data."""


class ExtractNotFound(DataError):
    """No extract of that name."""


class ParameterError(DataError):
    """A bound SQL parameter is missing, unexpected or of a type that cannot be bound."""


class QueryError(DataError):
    """The database refused a statement."""


class ConnectionFailed(DataError):
    """The database could not be reached."""


class RemoteStorageError(DataError):
    """S3 credentials, bucket or object trouble."""


class StoreError(LoreError):
    """A model store or cache could not do its job."""


class CorruptArtifact(StoreError):
    """A stored file is missing, truncated or altered."""


class UntrustedFitting(StoreError):
    """A fitting whose files would run code on load is not signed by a trusted key."""


class FittingNotFound(StoreError):
    """No fitting or alias of that name."""


class EncodingError(LoreError):
    """An encoder or transformer cannot handle the data it was given."""


class NotFittedError(LoreError):
    """An encoder, pipeline, estimator or model was used before it was fitted."""


class MissingColumn(EncodingError, KeyError):
    """A column the encoder needs is absent from the data."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class EmptySplit(EncodingError):
    """Too few rows for the requested train/validation/test sizes."""


class ModelError(LoreError):
    """A model cannot be fitted, saved, loaded or used."""


class UnknownParameter(ModelError):
    """A parameter the estimator or model does not accept."""


class InvalidParameter(ModelError):
    """A parameter's value is outside its range, or not a finite number."""


class WorkflowError(LoreError):
    """A workflow, stage or step failed or is misconfigured."""


class StepFailed(WorkflowError):
    """One step of a stage raised; the message names the step."""


class ClusterError(LoreError):
    """The Dask cluster is unreachable or misbehaves."""


class ReportError(LoreError):
    """A report cannot be built or written."""


class BadRequest(LoreError):
    """An API request that cannot be served; maps to an HTTP 4xx."""

    def __init__(self, message: str, status: int = 422) -> None:
        self.status = status
        super().__init__(message)
