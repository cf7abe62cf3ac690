"""S3 transfer, the floor under :mod:`lore.io` and :mod:`lore.stores`: settings and a
:class:`Remote` that moves files and small objects, kept apart per environment.

:func:`lore.io.upload` / :func:`lore.io.download` (project files) and the model store's
upload and download (:mod:`lore.stores.s3`) both stand on it; it imports neither.

Settings come from section ``[S3]`` of ``config/aws.cfg`` (and its per-environment
override ``config/aws.<environment>.cfg``)::

    [S3]
    bucket: my-team-models
    prefix: churn
    endpoint_url: http://127.0.0.1:9000   ; MinIO, Ceph, R2... (omit for AWS)
    region: eu-west-1

The environment variables ``LORE_S3_BUCKET``, ``LORE_S3_PREFIX``,
``LORE_S3_ENDPOINT_URL`` and ``LORE_S3_REGION`` win over the file, so a deployment can
point elsewhere without editing the project. Credentials are boto3's usual chain
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, an instance role).

Every key is ``<prefix>/<environment>/<remote path>``, so development, test and
production never overwrite each other's objects.

>>> Settings(bucket="models", prefix="churn", environment="test").key("data/a.csv")
'churn/test/data/a.csv'
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Literal, overload

from lore.errors import RemoteStorageError
from lore.util import mask_url

#: [S3] key -> environment variable that overrides it
VARIABLES = {
    "bucket": "LORE_S3_BUCKET",
    "prefix": "LORE_S3_PREFIX",
    "endpoint_url": "LORE_S3_ENDPOINT_URL",
    "region": "LORE_S3_REGION",
}
#: Transfer tuning: 16 MiB parts, 10 parts (of one or several files) in flight; see
#: benchmarks/bench_store.py and docs/stores.rst for the measurements behind them.
PART_SIZE = 16 * 1024 * 1024
CONCURRENCY = 10
CREDENTIALS_HELP = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or run where an "
    "instance role is available)"
)


@dataclass(frozen=True)
class Settings:
    """Where lore's objects live: a bucket, a prefix, an endpoint and the environment."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    environment: str = "development"

    def key(self, remote: str) -> str:
        """The object key of ``remote``: ``<prefix>/<environment>/<remote>``."""
        parts = [self.prefix.strip("/"), self.environment, check_remote(remote)]
        return "/".join(part for part in parts if part)

    def url(self, remote: str) -> str:
        """``s3://bucket/key`` of ``remote``, for messages."""
        return f"s3://{self.bucket}/{self.key(remote)}"


def check_remote(remote: str) -> str:
    """``remote`` as a clean relative key, or :class:`RemoteStorageError` for ``..`` or ``/x``."""
    if remote == "":
        return ""
    path = PurePosixPath(remote)
    if path.is_absolute() or "\\" in remote or any(part in ("..", ".") for part in remote.split("/")):
        raise RemoteStorageError(
            f"remote path {remote!r} must be relative, without '..' or '.': it is placed under "
            "<prefix>/<environment>/"
        )
    return remote.strip("/")


@overload
def settings(required: Literal[True] = ..., environment: str | None = None) -> Settings: ...


@overload
def settings(required: bool, environment: str | None = None) -> Settings | None: ...


def settings(required: bool = True, environment: str | None = None) -> Settings | None:
    """Read the S3 settings; ``None`` (or an error if ``required``) when no bucket is set."""
    import lore.config
    import lore.env

    environment = environment or lore.env.current().name
    section = lore.config.read("aws", environment=environment).get("S3")
    values: dict[str, str] = {}
    if section is not None:
        section.check_keys(frozenset(VARIABLES))
        values.update(section)
    values.update({key: os.environ[var] for key, var in VARIABLES.items() if os.environ.get(var)})
    if not values.get("bucket"):
        if not required:
            return None
        raise RemoteStorageError(
            "no S3 bucket is configured: set `bucket` in section [S3] of config/aws.cfg, or LORE_S3_BUCKET"
        )
    return Settings(
        bucket=values["bucket"],
        prefix=values.get("prefix", ""),
        endpoint_url=values.get("endpoint_url") or None,
        region=values.get("region") or None,
        environment=environment,
    )


@contextlib.contextmanager
def translated(settings: Settings, what: str) -> Iterator[None]:
    """Turn boto3's errors into :class:`RemoteStorageError` saying what to fix."""
    import boto3.exceptions
    import botocore.exceptions

    where = f" at {mask_url(settings.endpoint_url)}" if settings.endpoint_url else ""
    try:
        yield
    except (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError):
        raise RemoteStorageError(f"{what}: no AWS credentials found; {CREDENTIALS_HELP}") from None
    except botocore.exceptions.EndpointConnectionError as error:
        raise RemoteStorageError(
            f"{what}: cannot reach {mask_url(str(error.kwargs.get('endpoint_url', 'S3')))}; check "
            "endpoint_url in [S3] "
            "of config/aws.cfg (or LORE_S3_ENDPOINT_URL) and the network"
        ) from None
    except (botocore.exceptions.ClientError, boto3.exceptions.S3UploadFailedError) as error:
        text = str(error)
        code = error.response["Error"].get("Code", "") if hasattr(error, "response") else ""
        if code == "NoSuchBucket" or "NoSuchBucket" in text:
            raise RemoteStorageError(
                f"{what}: bucket {settings.bucket!r} does not exist{where}; create it, or set `bucket` "
                "in [S3] of config/aws.cfg (or LORE_S3_BUCKET) to one that does"
            ) from None
        if code in ("404", "NoSuchKey"):
            raise RemoteStorageError(f"{what}: no such object") from None
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "ExpiredToken"):
            raise RemoteStorageError(
                f"{what}: S3 refused the credentials ({code}) for bucket {settings.bucket!r}{where}; "
                f"{CREDENTIALS_HELP} with access to it"
            ) from None
        raise RemoteStorageError(f"{what}: S3 error{where}: {text}") from None
    except botocore.exceptions.BotoCoreError as error:
        raise RemoteStorageError(f"{what}: {error}") from None


class Remote:
    """A connection to the configured bucket, with tuned multi-part transfers.

    Parameters
    ----------
    settings
        Where objects go; see :func:`settings`.
    part_size
        Bytes per part of multi-part uploads and ranged downloads.
    concurrency
        Parts (of one or many files) in flight at once.
    """

    def __init__(
        self, settings: Settings, part_size: int = PART_SIZE, concurrency: int = CONCURRENCY
    ) -> None:
        self.settings = settings
        self.part_size = part_size
        self.concurrency = concurrency

    def __repr__(self) -> str:
        return f"Remote({self.settings.url('')!r})"

    def url(self, remote: str) -> str:
        return self.settings.url(remote)

    def key(self, remote: str) -> str:
        return self.settings.key(remote)

    @cached_property
    def client(self) -> Any:
        """The boto3 S3 client; :class:`RemoteStorageError` when there are no credentials."""
        try:
            import boto3
            import botocore.config
        except ImportError:
            from lore.errors import MissingDependency

            raise MissingDependency("boto3", "s3", "S3 storage") from None
        session = boto3.session.Session(region_name=self.settings.region)
        if session.get_credentials() is None:
            raise RemoteStorageError(
                f"cannot use {self.url('')}: no AWS credentials found; {CREDENTIALS_HELP}"
            )
        config = botocore.config.Config(
            max_pool_connections=max(10, self.concurrency * 2),
            retries={"mode": "standard"},  # AWS_MAX_ATTEMPTS still applies
            # lore checks every file's SHA-256 against the manifest after a download, so
            # botocore's own response checksum and, over plain-http endpoints (MinIO on a
            # LAN), its SHA-256 signing of every uploaded part are redundant work
            response_checksum_validation="when_required",
            s3={"payload_signing_enabled": False},
        )
        return session.client("s3", endpoint_url=self.settings.endpoint_url, config=config)

    def transfer_config(self) -> Any:
        from boto3.s3.transfer import TransferConfig

        return TransferConfig(
            multipart_threshold=self.part_size,
            multipart_chunksize=self.part_size,
            max_concurrency=self.concurrency,
            io_chunksize=1024 * 1024,
        )

    @contextlib.contextmanager
    def transfers(self) -> Iterator[Any]:
        """A transfer manager whose parts, over all the files given to it, share one pool."""
        from boto3.s3.transfer import create_transfer_manager

        client = self.client
        with translated(self.settings, f"transfer with {self.url('')}"):
            manager = create_transfer_manager(client, self.transfer_config())
            with manager:
                yield manager

    def upload_files(self, pairs: list[tuple[Path, str]]) -> None:
        """Upload every ``(local path, remote path)`` pair concurrently; wait for all."""
        with self.transfers() as manager:
            futures = [
                (remote, manager.upload(str(path), self.settings.bucket, self.key(remote)))
                for path, remote in pairs
            ]
            for remote, future in futures:
                with translated(self.settings, f"upload to {self.url(remote)}"):
                    future.result()

    def download_files(self, pairs: list[tuple[str, Path]]) -> None:
        """Download every ``(remote path, local path)`` pair concurrently; wait for all."""
        with self.transfers() as manager:
            futures = []
            for remote, path in pairs:
                path.parent.mkdir(parents=True, exist_ok=True)
                futures.append((remote, manager.download(self.settings.bucket, self.key(remote), str(path))))
            for remote, future in futures:
                with translated(self.settings, f"download {self.url(remote)}"):
                    future.result()

    def get_bytes(self, remote: str) -> bytes | None:
        """The content of a small object, or ``None`` when it does not exist."""
        client = self.client
        with translated(self.settings, f"read {self.url(remote)}"):
            try:
                response = client.get_object(Bucket=self.settings.bucket, Key=self.key(remote))
            except client.exceptions.NoSuchKey:
                return None
            return response["Body"].read()

    def put_bytes(self, remote: str, data: bytes) -> None:
        """Write a small object in one request (visible all at once)."""
        client = self.client
        with translated(self.settings, f"write {self.url(remote)}"):
            client.put_object(Bucket=self.settings.bucket, Key=self.key(remote), Body=data)

    def delete(self, paths: list[str]) -> None:
        """Delete the objects at ``paths`` (absent ones are no error), 1,000 per request."""
        client = self.client
        for start in range(0, len(paths), 1000):
            batch = paths[start : start + 1000]
            with translated(self.settings, f"delete {self.url(batch[0])} and {len(batch) - 1} more"):
                response = client.delete_objects(
                    Bucket=self.settings.bucket,
                    Delete={"Objects": [{"Key": self.key(path)} for path in batch], "Quiet": True},
                )
            if response.get("Errors"):
                error = response["Errors"][0]
                raise RemoteStorageError(
                    f"cannot delete {len(response['Errors'])} object(s), e.g. {error.get('Key')}: "
                    f"{error.get('Code')} {error.get('Message')}"
                )

    def folders(self, remote: str) -> list[str]:
        """The remote paths of the "folders" one level under ``remote/`` (common key prefixes).

        One request per 1,000 folders, whatever the number of objects in them.
        """
        client = self.client
        strip = len(self.key("")) + 1
        found: list[str] = []
        with translated(self.settings, f"list {self.url(remote)}/"):
            for page in client.get_paginator("list_objects_v2").paginate(
                Bucket=self.settings.bucket, Prefix=f"{self.key(remote)}/", Delimiter="/"
            ):
                found.extend(item["Prefix"][strip:].rstrip("/") for item in page.get("CommonPrefixes", []))
        return found

    def list(self, remote: str) -> list[str]:
        """The remote paths of the object ``remote`` and of every object under ``remote/``."""
        client = self.client
        strip = len(self.key("")) + 1
        found: list[str] = []
        with translated(self.settings, f"list {self.url(remote)}"):
            for page in client.get_paginator("list_objects_v2").paginate(
                Bucket=self.settings.bucket, Prefix=self.key(remote)
            ):
                found.extend(item["Key"][strip:] for item in page.get("Contents", []))
        return [key for key in found if key == remote or key.startswith(f"{remote}/")]


@overload
def remote(required: Literal[True] = ..., **tuning: Any) -> Remote: ...


@overload
def remote(required: bool, **tuning: Any) -> Remote | None: ...


def remote(required: bool = True, **tuning: Any) -> Remote | None:
    """The :class:`Remote` of the current environment; ``None`` if S3 is not configured
    and not ``required``."""
    found = settings(required=required)
    return Remote(found, **tuning) if found is not None else None
