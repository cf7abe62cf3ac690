"""The ``lore api`` application: every model of the app behind one HTTP server.

:func:`create_app` finds the model classes of the app (``<app>.models``), mounts
the custom routers of ``<app>/api/``, and returns a FastAPI application with:

- ``POST /models/<name>/predict``: one record, a list of records, or columns in;
  decoded predictions out (with ``classes`` and ``probabilities`` for a classifier);
- ``POST /models/<name>/reload``: serve the fitting the alias points at now;
- ``GET /models``: names, fittings, aliases, metrics and input schemas;
- ``GET /health`` (the process answers), ``GET /ready`` (every model is loaded);
- ``GET /metrics``: Prometheus text, with each model's rolling drift;
- ``GET /openapi.json`` and ``/docs``, with each model's request schema.

Models load in the background once the server starts, so ``/health`` answers at
once and ``/ready`` turns 200 when they are all in. The predict path skips
FastAPI's routing and request parsing: :class:`App` hands ``POST
/models/<name>/predict`` straight to the server (behind the same auth, metrics and
access log, :mod:`lore.server.middleware`); the body is read with a size limit (the
deadlines are the protocol's, :mod:`lore.server.protocol`), sized in its raw bytes,
decoded with orjson and checked column by column against the model's input schema
(:mod:`lore.server.validation`), and a small body is predicted on the event loop
(micro-batched), a big one checked in a thread of its own and predicted in the
prediction thread. The OpenAPI document still describes the route, from the same
schema (:mod:`lore.server.schema`). Errors are answered by one handler per error
type (:data:`ERRORS`), registered on the app.

Every answer carries a request id (the client's ``X-Request-ID`` header, else a new
one) in the ``X-Request-ID`` header and the ``request_id`` field. Predictions are
logged with it (:mod:`lore.monitoring.log`, configured in ``config/monitoring.cfg``):
the request path only queues references (one entry per micro-batch,
:meth:`Server.log_batch`); a writer thread serializes and writes them, and profiles
them against the fitting's reference for the live drift gauges.

>>> app = create_app(models=[])
>>> sorted(route.path for route in app.routes if "models" in route.path)
['/models', '/models/{name}/predict', '/models/{name}/reload']
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from lore.errors import BadRequest, LoreError, MissingDependency, NotInProject
from lore.monitoring.log import PredictionLog, new_request_id
from lore.server import schema as schemas
from lore.server import validation
from lore.server.batching import MicroBatcher, rows_of
from lore.server.metrics import Metrics
from lore.server.middleware import Observe
from lore.server.registry import Loaded, ServedModel, discover, to_list
from lore.server.settings import Settings

logger = logging.getLogger(__name__)

try:
    import msgspec  # noqa: F401  (checks records of numbers, lore.server.validation; fails here, at start)
    import orjson
    from fastapi import APIRouter, FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.openapi.utils import get_openapi
    from starlette.responses import PlainTextResponse, Response
except ImportError as missing:  # pragma: no cover - exercised without the extra installed
    raise MissingDependency(missing.name or "fastapi", "api", "lore api") from None


JSON = "application/json"
#: Bodies up to this size are checked on the event loop (a few hundred microseconds at
#: most) so that single rows can be micro-batched; bigger ones are checked in the
#: prediction thread, so a large batch never stalls the loop.
SMALL_BODY = 16_384
#: Bodies arriving in several messages may hold at most this many times
#: ``LORE_API_MAX_BODY`` bytes all together; a request past it is a 503.
PENDING = 4


def json_response(content: Any, status: int = 200) -> Response:
    """A JSON response serialized by orjson (numpy arrays included)."""
    return Response(orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY), status, media_type=JSON)


def error_response(error: LoreError) -> Response:
    """``{"detail": message}`` with the error's status (422 for a lore error without one).

    The error's traceback and context are dropped: they hold the frames that decoded
    the body, and (through the future of the prediction thread) a reference cycle
    that would keep a rejected body alive until the next full garbage collection.
    """
    error.__traceback__ = error.__context__ = error.__cause__ = None
    return json_response({"detail": str(error)}, getattr(error, "status", 422))


async def lore_error(request: Any, error: Exception) -> Response:
    """The app's handler of :class:`~lore.errors.LoreError`: one line for the client."""
    assert isinstance(error, LoreError)
    return error_response(error)


async def invalid_request(request: Any, error: Exception) -> Response:
    """FastAPI's 422 for a custom route's parameters, each bad input quoted short.

    FastAPI's own handler sends every bad input back whole (a 9 MB query value, a
    nested body); this one keeps the location, message and type of each error, and
    at most :data:`~lore.server.validation.QUOTE` characters of its input.
    """
    assert isinstance(error, RequestValidationError)
    details = [
        {
            "loc": list(item.get("loc", ())),
            "msg": str(item.get("msg", "")),
            "type": str(item.get("type", "")),
            "input": validation.quote(item.get("input")),
        }
        for item in error.errors()
    ]
    return json_response({"detail": details}, 422)


#: The exception handlers the app registers, one per error type.
ERRORS = {LoreError: lore_error, RequestValidationError: invalid_request}


def settle_heap() -> None:
    """Collect the garbage, then take every object alive out of the cyclic collector's sight.

    A served process holds a few hundred thousand long-lived objects (the modules of
    pandas, xgboost, FastAPI..., the models) that every full collection of Python's
    cyclic garbage collector walks: 50-100 ms with the event loop stopped, every ten
    seconds or so under load, which was the p99 of single rows at concurrency 1.
    :func:`gc.freeze` moves them to a generation no collection walks (they are still
    freed by reference counting), so a full collection walks only what requests
    created since. Called once the models are loaded, and after each reload: the
    previous fitting's objects were frozen too, and a reference cycle among them is
    only found by a collection after :func:`gc.unfreeze`.

    >>> settle_heap(); gc.get_freeze_count() > 0
    True
    >>> gc.unfreeze()
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Server:
    """The state behind one app: models, settings, metrics and the prediction thread.

    With ``freeze`` (``lore api``), the objects alive once the models are loaded, and
    after each reload, are left out of the cyclic garbage collector's walks
    (:func:`settle_heap`).
    """

    def __init__(
        self,
        served: Sequence[ServedModel],
        settings: Settings,
        log: PredictionLog | None = None,
        freeze: bool = False,
    ) -> None:
        self.settings = settings
        self.freeze = freeze
        self.models = {model.short_name: model for model in served}
        self.by_name = {**{model.name: model for model in served}, **self.models}
        self.metrics = Metrics()
        self.log = log
        if log is not None:
            from lore.monitoring.live import LiveDrift

            self.live = LiveDrift(self.reference)
            log.on_batch = self.live.update_from_log
            self.metrics.watch(log, self.live, {model.name: model.short_name for model in served})
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lore-predict")
        #: checks large bodies, one at a time, beside the predictions: a flood of big bodies
        #: to refuse neither queues ahead of other requests' predictions nor holds more
        #: than one decoded body at once
        self.checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lore-check")
        #: bytes of request bodies read in several messages and not yet let go of
        self.pending = 0
        self.batchers: dict[str, MicroBatcher] = {}
        if settings.batching:
            for model in served:
                self.batchers[model.short_name] = MicroBatcher(
                    lambda rows, model=model: predict(model.current, rows),
                    predicted=None if log is None else functools.partial(self.log_batch, model.name),
                )

    def log_batch(
        self, name: str, columns: Any, result: dict[str, Any], tags: list[Any], sizes: list[int]
    ) -> None:
        """Queue what one micro-batch predicted: one entry for its requests, references only.

        ``tags`` are the ``(request id, fitting)`` of the requests admitted to the log,
        ``None`` for the others; when some are not logged (sampling, the rate cap) or
        fittings differ (a reload), each logged request is queued with its own rows
        (views, nothing copied).
        """
        assert self.log is not None
        predictions, probabilities = result["predictions"], result.get("probabilities")
        first = tags[0]
        if first is not None and all(tag is not None and tag[1] == first[1] for tag in tags):
            ids = [tag[0] for tag in tags]
            self.log.put(name, first[1], columns, predictions, probabilities, ids, sizes)
            return
        start = 0
        for tag, size in zip(tags, sizes):
            stop = start + size
            if tag is not None:
                self.log.put(
                    name,
                    tag[1],
                    {column: values[start:stop] for column, values in columns.items()},
                    predictions[start:stop],
                    None if probabilities is None else probabilities[start:stop],
                    tag[0],
                )
            start = stop

    def reference(self, name: str, fitting: int | None) -> Any:
        """The reference of the fitting ``name`` serves, if it is ``fitting`` (live drift's source)."""
        loaded = self.by_name[name].current if name in self.by_name else None
        if loaded is None or loaded.fitting != fitting:
            return None
        return getattr(loaded.model, "reference", None)

    def find(self, name: str) -> ServedModel:
        """The served model called ``name`` (short or full), or a 404 listing them."""
        model = self.by_name.get(name)
        if model is None:
            known = ", ".join(sorted(self.models)) or "none"
            raise BadRequest(f"no model {validation.quote(name)}: this server has {known}", status=404)
        return model

    async def load_all(self) -> None:
        """Load every model's fitting (in threads); a failure is logged and shown by /ready."""
        for model in self.models.values():
            try:
                loaded = await asyncio.to_thread(model.load)
            except LoreError as error:
                logger.error("%s is not served: %s", model.name, error)
            else:
                self.metrics.fitting.labels(model.short_name).set(loaded.fitting or 0)
        if self.freeze:
            settle_heap()

    async def read_body(self, scope: dict[str, Any], receive: Any, held: list[int]) -> bytes | bytearray:
        """The request body, at most ``max_body`` bytes.

        The time it may take is the protocol's business (:mod:`lore.server.protocol`:
        ``LORE_API_READ_TIMEOUT`` from the end of the headers, first read included),
        which also closes the connection, so a stalled client wakes this with a
        disconnect. A body that comes in several messages is counted in ``held[0]``
        and in :attr:`pending` (the caller gives it back when done): past
        :data:`PENDING` times ``LORE_API_MAX_BODY`` held by all requests together,
        it is refused with a 503.
        """
        limit = self.settings.max_body
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                raise _too_large(int(value), limit)
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            body: bytes = message.get("body", b"")  # the common case: one message, no copy
            if len(body) > limit:
                raise _too_large(len(body), limit)
            return body
        whole = bytearray()  # one buffer grown in place: no list of chunks, no join
        while True:
            if message["type"] == "http.disconnect":
                raise BadRequest("the client went away before sending its whole body", status=400)
            chunk = message.get("body", b"")
            held[0] += len(chunk)
            self.pending += len(chunk)
            if self.pending > PENDING * limit:
                raise BadRequest(
                    "the server is holding other requests' large bodies "
                    f"({PENDING} x LORE_API_MAX_BODY bytes in all); retry in a moment",
                    status=503,
                )
            whole += chunk
            if len(whole) > limit:
                raise _too_large(len(whole), limit)
            if not message.get("more_body", False):
                return whole
            message = await receive()

    async def answer(self, model: ServedModel, scope: dict[str, Any], receive: Any) -> Response:
        """Validate a predict request and predict, within the request timeout.

        A small body is checked and predicted on the event loop (merged with the
        rows of concurrent requests when batching is on): a few rows cost less than
        the hop to a thread. A big one is checked in the checking thread and
        predicted in the prediction thread, so it never stalls the loop, and big
        bodies to refuse never queue ahead of predictions.
        """
        held = [0]  # bytes of this request's body counted in self.pending
        try:
            return await self._answer(model, scope, receive, held)
        finally:
            self.pending -= held[0]

    async def _answer(
        self, model: ServedModel, scope: dict[str, Any], receive: Any, held: list[int]
    ) -> Response:
        loaded = model.current
        if loaded is None:
            why = model.error or "still loading; try again when GET /ready says so"
            raise BadRequest(f"{model.short_name} is not loaded: {why}", status=503)
        body = await self.read_body(scope, receive, held)
        request_id = _request_id(scope)
        batcher = None
        if len(body) <= SMALL_BODY:
            batcher = self.batchers.get(model.short_name)
            inputs = validation.checked_columns(
                body, loaded.schema, self.settings.max_rows, self.settings.max_values
            )
            if batcher is None:
                result = predict(loaded, inputs)
            else:  # a request admitted to the log is queued with its micro-batch (log_batch)
                logged = self.log is not None and self.log.admit(rows=rows_of(inputs))
                tag = (request_id, loaded.fitting) if logged else None
                result = await batcher.submit(inputs, tag)
        else:
            work = self.check_and_predict(loaded, body)
            del body  # the coroutine holds it while needed, and lets go once it is decoded
            try:
                result = await asyncio.wait_for(work, self.settings.timeout)
            except TimeoutError:
                raise BadRequest(
                    f"{model.short_name} took longer than {self.settings.timeout:g}s to predict "
                    "(LORE_API_TIMEOUT); send fewer rows",
                    status=504,
                ) from None
            inputs = result["inputs"]
        self.metrics.predictions.labels(model.short_name).inc(len(result["predictions"]))
        if batcher is None and self.log is not None and self.log.admit(rows=len(result["predictions"])):
            # references only; the writer thread serializes
            self.log.put(
                model.name,
                loaded.fitting,
                inputs,
                result["predictions"],
                result.get("probabilities"),
                request_id,
            )
        content: dict[str, Any] = {
            "model": model.short_name,
            "fitting": loaded.fitting,
            "request_id": request_id,
            "predictions": to_list(result["predictions"]),
        }
        if "probabilities" in result:
            content["classes"] = loaded.classes
            content["probabilities"] = result["probabilities"]
        response = json_response(content)
        response.headers["x-request-id"] = request_id
        return response

    async def serve_predict(self, model: ServedModel, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The ASGI app of ``POST /models/<name>/predict`` (what :class:`App` calls)."""
        try:
            response = await self.answer(model, scope, receive)
        except LoreError as error:
            response = error_response(error)
        await response(scope, receive, send)

    async def check_and_predict(self, loaded: Loaded, body: bytes | bytearray) -> dict[str, Any]:
        """Check a large ``body`` in the checking thread, then predict in the prediction thread.

        The checking thread queues the prediction itself, as soon as the rows pass, so
        no turn of the event loop comes in between. The checked columns come back as
        ``inputs``, for the prediction log.
        """
        settings = self.settings

        def check(content: bytes | bytearray) -> tuple[dict[str, Any], Future[dict[str, Any]]]:
            rows = validation.checked_columns(content, loaded.schema, settings.max_rows, settings.max_values)
            return rows, self.executor.submit(predict, loaded, rows)

        rows, predicted = await asyncio.get_running_loop().run_in_executor(self.checker, check, body)
        del body  # (the coroutine lets go of it once it is decoded)
        return {**await asyncio.wrap_future(predicted), "inputs": rows}

    async def close(self) -> None:
        for batcher in self.batchers.values():
            await batcher.close()
        self.checker.shutdown(wait=True)
        self.executor.shutdown(wait=True)
        if self.log is not None:
            await asyncio.to_thread(self.log.close)  # writes what is queued


class App(FastAPI):
    """FastAPI, with ``POST /models/<name>/predict`` answered before its routing.

    A prediction request goes from uvicorn to :meth:`Server.serve_predict` through
    :class:`~lore.server.middleware.Observe` only (auth, metrics, access log), without
    Starlette's middleware stack, router and request objects; every other request
    takes the usual way. ``predict_routes`` maps each predict path to its model and
    its route in the app (whose template labels the metrics).
    """

    predict_routes: dict[str, tuple[ServedModel, Any]]
    observe_predict: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and self.observe_predict is not None:
            found = self.predict_routes.get(scope["path"])
            if found is not None:
                scope["app"] = self
                scope["route"] = found[1]
                await self.observe_predict(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _request_id(scope: dict[str, Any]) -> str:
    """The client's ``X-Request-ID`` (at most 64 characters), else a new one."""
    for name, value in scope["headers"]:
        if name == b"x-request-id" and 0 < len(value) <= 64:
            return value.decode("latin-1")
    return new_request_id()


def _too_large(size: int, limit: int) -> BadRequest:
    return BadRequest(
        f"the body is {size} bytes, more than the {limit} allowed (LORE_API_MAX_BODY)", status=413
    )


def predict(loaded: Loaded | None, rows: Any) -> dict[str, Any]:
    """Predictions (and class probabilities) of ``loaded``'s model for raw ``rows``.

    ``rows`` is what the model's ``predict_all`` takes (checked columns, or a
    DataFrame); a classifier's probabilities come with its predictions, from one pass.
    """
    if loaded is None:
        raise BadRequest("the model is not loaded", status=503)
    predictions, probabilities = loaded.model.predict_all(rows)
    if probabilities is None:
        return {"predictions": predictions}
    return {"predictions": predictions, "probabilities": probabilities}


def mount_api(app: FastAPI, package: str) -> list[str]:
    """Include the ``router`` of every module in ``<package>`` (the app's ``api/``)."""
    try:
        api = importlib.import_module(package)
    except ModuleNotFoundError as error:
        if error.name in (package, package.rpartition(".")[0]):
            return []
        raise
    mounted = []
    modules = [api]
    if hasattr(api, "__path__"):
        modules += [
            importlib.import_module(info.name) for info in pkgutil.walk_packages(api.__path__, f"{package}.")
        ]
    for module in modules:
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            app.include_router(router)
            mounted.append(module.__name__)
    return mounted


def create_app(
    app_name: str | None = None,
    settings: Settings | None = None,
    models: Sequence[type] | None = None,
    freeze: bool = False,
) -> FastAPI:
    """The FastAPI application serving ``app_name``'s models (the current project's by default).

    Parameters
    ----------
    app_name
        The app package; ``lore.env.current().app`` by default.
    settings
        Server settings; :meth:`Settings.from_environment` by default.
    models
        The model classes to serve; those :func:`~lore.server.registry.discover` finds
        in ``<app>.models`` by default.
    freeze
        Leave the objects alive once the models are loaded out of the cyclic garbage
        collector's walks (:func:`settle_heap`): for a process that only serves (``lore
        api`` does), not one that goes on to do other work.
    """
    import lore.env
    from lore import __version__

    env = lore.env.current()
    app_name = app_name or env.app
    settings = settings or Settings.from_environment(environment=env.name)
    if models is None:
        if app_name is None:
            raise NotInProject(
                "lore api serves a project's models: run it inside a project, or set LORE_ROOT"
            )
        models = discover(app_name)
        if not models:
            raise NotInProject(f"{app_name}.models defines no lore model class to serve")
    served = [ServedModel(cls, app_name, settings.alias) for cls in models]
    # predictions are logged for a project's models, as config/monitoring.cfg says
    log = PredictionLog.from_config() if env.root is not None else None
    server = Server(served, settings, log, freeze)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if log is not None:
            log.start()
        loading = asyncio.create_task(server.load_all())
        yield
        loading.cancel()
        await server.close()

    app = App(
        title=f"{app_name or 'lore'} models",
        version=__version__,
        lifespan=lifespan,
        exception_handlers=dict(ERRORS),
    )
    app.state.server = server
    add_routes(app, server)
    if app_name is not None:
        for module in mount_api(app, f"{app_name}.api"):
            logger.info("mounted the endpoints of %s", module)
    app.openapi = lambda: openapi(app, server)  # type: ignore[method-assign]
    observe = {"metrics": server.metrics, "token": settings.token, "access_log": settings.access_log}
    app.add_middleware(Observe, **observe)
    app.predict_routes = predict_routes(app, server)

    async def serve_predict(scope: Any, receive: Any, send: Any) -> None:
        await server.serve_predict(app.predict_routes[scope["path"]][0], scope, receive, send)

    app.observe_predict = Observe(serve_predict, **observe)
    return app


def predict_routes(app: FastAPI, server: Server) -> dict[str, tuple[ServedModel, Any]]:
    """Each predict path (by short and full model name) -> its model and its route in ``app``."""
    routes = {getattr(route, "path", None): route for route in app.routes}
    found = {}
    for name, model in server.by_name.items():
        path = f"/models/{name}/predict"
        found[path] = (model, routes.get(path) or routes["/models/{name}/predict"])
    return found


def from_environment() -> FastAPI:
    """:func:`create_app` for the current project, with its logging set up (``lore api``'s factory)."""
    import lore.log

    lore.log.setup()
    return create_app(freeze=True)


def add_routes(app: FastAPI, server: Server) -> None:
    """The built-in endpoints."""

    @app.get("/health", tags=["operations"])
    async def health() -> Response:
        """Liveness: the process is up and answering."""
        return json_response({"status": "ok"})

    @app.get("/ready", tags=["operations"], responses={503: {"description": "Some model is not loaded"}})
    async def ready() -> Response:
        """Readiness: every model has a fitting loaded."""
        states = {
            name: {
                "ready": model.ready,
                "fitting": model.current.fitting if model.current else None,
                "error": model.error,
            }
            for name, model in server.models.items()
        }
        everyone = all(model.ready for model in server.models.values())
        return json_response({"ready": everyone, "models": states}, 200 if everyone else 503)

    @app.get(
        "/metrics",
        tags=["operations"],
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    async def metrics() -> Response:
        """Prometheus metrics: requests, latency, predictions per model."""
        body, content_type = server.metrics.render()
        return Response(body, media_type=content_type)

    @app.get("/models", tags=["models"])
    async def models() -> Response:
        """Every model served: fitting, aliases, metrics and the columns it expects."""
        return json_response(
            {name: await asyncio.to_thread(describe, model) for name, model in server.models.items()}
        )

    for name, model in server.models.items():
        app.add_api_route(
            f"/models/{name}/predict",
            _predictor(server, model),
            methods=["POST"],
            tags=["models"],
            summary=f"Predict with {name}",
            operation_id=f"predict_{name.replace('.', '_')}",
        )

    @app.post("/models/{name}/predict", include_in_schema=False)
    async def by_name(name: str, request: Request) -> Response:
        """A model by its full name (``my_app.models.churn.Churn``), or a 404 listing them."""
        return await server.answer(server.find(name), request.scope, request.receive)

    @app.post("/models/{name}/reload", tags=["models"], responses={404: {}, 409: {}})
    async def reload(name: str) -> Response:
        """Load the fitting the alias points at now and swap it in; no request is dropped."""
        model = server.find(name)
        previous = model.current.fitting if model.current else None
        try:
            loaded = await asyncio.to_thread(model.load)
        except BadRequest:
            raise
        except LoreError as error:
            raise BadRequest(f"{name} keeps its fitting: {error}", 409) from error
        server.metrics.fitting.labels(model.short_name).set(loaded.fitting or 0)
        if server.freeze:  # after the big predictions queued before, which may hold the old fitting
            await asyncio.get_running_loop().run_in_executor(server.executor, settle_heap)
        return json_response({"model": model.short_name, "fitting": loaded.fitting, "previous": previous})


def _predictor(server: Server, model: ServedModel) -> Any:
    async def predict_endpoint(request: Request) -> Response:
        return await server.answer(model, request.scope, request.receive)

    predict_endpoint.__doc__ = (
        f"Decoded predictions of {model.name} for one record, a list of records, or columns."
    )
    return predict_endpoint


def describe(model: ServedModel) -> dict[str, Any]:
    """What ``GET /models`` says about one model."""
    from lore.stores import model_store

    loaded = model.current
    try:
        fittings = [
            {"number": f.number, "aliases": f.aliases, "created": f.created, "metrics": f.metrics}
            for f in model_store().fittings(model.name)
        ]
    except LoreError as error:
        fittings, model.error = [], model.error or str(error)
    return {
        "model": model.name,
        "fitting": loaded.fitting if loaded else None,
        "alias": model.alias,
        "ready": loaded is not None,
        "error": model.error,
        "classifier": loaded.is_classifier if loaded else None,
        "classes": loaded.classes if loaded else None,
        "input_schema": loaded.schema if loaded else None,
        "metrics": getattr(loaded.model, "metrics", None) if loaded else None,
        "fittings": fittings,
    }


def openapi(app: FastAPI, server: Server) -> dict[str, Any]:
    """FastAPI's document, with each loaded model's request and response schemas filled in."""
    document = get_openapi(title=app.title, version=app.version, routes=app.routes)
    for name, model in server.models.items():
        operation = document["paths"][f"/models/{name}/predict"]["post"]
        loaded = model.current
        if loaded is None:
            continue
        operation["requestBody"] = schemas.request_body(loaded.schema, server.settings.max_rows)
        operation["responses"] = {
            str(code): value for code, value in schemas.responses(loaded.is_classifier).items()
        }
    if server.settings.token:
        document.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer"}
        }
        document["security"] = [{"bearer": []}]
    return document
