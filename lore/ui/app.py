"""The ``lore ui`` web app: Starlette routes over a model store, pages rendered on the server.

Routes (all ``GET`` but promote):

- ``/``: the models; ``/models/<name>``: its fittings; ``/models/<name>/<n>``: a fitting;
- ``/models/<name>/<n>/report.html`` and ``/model_card.md``: the fitting's report files,
  served with a Content-Security-Policy that allows no script and no network;
- ``/models/<name>/compare?f=1&f=2``: two or more fittings side by side;
- ``POST /models/<name>/<n>/promote`` (form ``alias``, ``token``): verify the fitting and
  point the alias at it (and upload it when the store has a remote).

Promote is off unless the app is made with ``promote=True``; a ``token`` is then
checked on every promote (required when the app listens beyond 127.0.0.1), and a
cross-site form post (an ``Origin`` that is not this host) is refused. A
:class:`~lore.errors.LoreError` (unknown model, damaged fitting) is one line on an
error page with a 4xx status, never a traceback.
"""

from __future__ import annotations

import hmac
from typing import Any

from lore.errors import CorruptArtifact, FittingNotFound, LoreError, StoreError
from lore.ui import pages

#: What a report page may do: show inline styles and data: images, nothing else.
REPORT_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
#: The app's own pages: no scripts either, forms post only to this host.
PAGE_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'"
)


def create_app(store: Any, *, promote: bool = False, token: str | None = None) -> Any:
    """The Starlette app over ``store``; ``promote`` enables the promote form (with ``token``)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Route

    def page(html: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(html, status, headers={"Content-Security-Policy": PAGE_POLICY})

    def model(request: Request) -> str:
        return find_model(store, request.path_params["name"])

    async def models(request: Request) -> Response:
        return page(pages.models_page(store))

    async def fittings(request: Request) -> Response:
        return page(pages.model_page(store, model(request)))

    async def fitting(request: Request) -> Response:
        name = model(request)
        return page(
            pages.fitting_page(
                store,
                name,
                request.path_params["number"],
                promote=promote,
                token=token is not None,
                message=request.query_params.get("promoted", "") and
                f"{request.query_params['promoted']} now points at this fitting",
            )
        )  # fmt: skip

    async def report_file(request: Request) -> Response:
        name = model(request)
        folder = store.resolve(name, request.path_params["number"]) / "report"
        wanted = request.path_params["file"]
        kinds = {"report.html": "text/html; charset=utf-8", "model_card.md": "text/markdown; charset=utf-8"}
        path = folder / wanted
        if wanted not in kinds or not path.is_file():
            raise FittingNotFound(f"fitting {request.path_params['number']} of {name} has no {wanted}")
        return Response(
            path.read_bytes(), media_type=kinds[wanted], headers={"Content-Security-Policy": REPORT_POLICY}
        )

    async def compare(request: Request) -> Response:
        name = model(request)
        chosen = request.query_params.getlist("f")
        if len(chosen) < 2 or not all(value.isdigit() for value in chosen):
            raise StoreError("tick two or more fittings to compare (compare?f=1&f=2)")
        return page(pages.compare_page(store, name, [int(value) for value in dict.fromkeys(chosen)]))

    async def promote_fitting(request: Request) -> Response:
        if not promote:
            return page(pages.error_page(403, "promote is off: start lore ui with --allow-promote"), 403)
        origin = request.headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host"):
            return page(pages.error_page(403, f"a form from {origin} cannot promote here"), 403)
        form = await _form(request)
        given = form.get("token", "")
        if token is not None and not hmac.compare_digest(given.encode(), token.encode()):
            return page(
                pages.error_page(403, "wrong or missing token: promote needs the token lore ui printed"), 403
            )
        name = model(request)
        number = request.path_params["number"]
        alias = form.get("alias", "production").strip()
        try:
            store.resolve(name, number)  # verify every file before the alias moves
            store.alias(name, number, alias)
            if store.remote is not None:
                store.upload(name, number)
        except LoreError as error:
            if isinstance(error, CorruptArtifact):
                return page(pages.error_page(409, str(error)), 409)
            shown = pages.fitting_page(
                store, name, number, promote=promote, token=token is not None, error=str(error)
            )
            return page(shown, 409)
        return RedirectResponse(f"{pages.fitting_url(name, number)}?promoted={alias}", status_code=303)

    async def failed(request: Request, error: Exception) -> Response:
        status = (
            404 if isinstance(error, FittingNotFound) else 409 if isinstance(error, CorruptArtifact) else 400
        )
        return page(pages.error_page(status, str(error)), status)

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [
        Route("/", models),
        Route("/health", health),
        Route("/models/{name}", fittings),
        Route("/models/{name}/compare", compare),
        Route("/models/{name}/{number:int}", fitting),
        Route("/models/{name}/{number:int}/promote", promote_fitting, methods=["POST"]),
        Route("/models/{name}/{number:int}/{file}", report_file),
    ]
    return Starlette(routes=routes, exception_handlers={LoreError: failed})


async def _form(request: Any, limit: int = 4096) -> dict[str, str]:
    """A small URL-encoded form body as a dict (first value of each field)."""
    from urllib.parse import parse_qs

    body = await request.body()
    if len(body) > limit:
        raise StoreError(f"the form is larger than {limit} bytes")
    return {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}


def find_model(store: Any, wanted: str) -> str:
    """The stored model named ``wanted``; :class:`FittingNotFound` listing the models otherwise."""
    models = store.models()
    if wanted in models:
        return wanted
    listed = ", ".join(models) or "none yet"
    raise FittingNotFound(f"no model named {wanted!r} in {store.root}; models: {listed}")
