"""OpenAPI schemas of a model's requests and responses, from its pipeline's input schema.

``pipeline.input_schema()`` maps each raw input column to ``"string"``,
``"integer"``, ``"number"``, ``"boolean"`` or ``"datetime"``. :func:`request_body`
turns that into the three shapes a predict request may take (one record, a list of
records, columns), so ``/docs`` and generated clients show exactly what to send.

>>> body = request_body({"age": "number"}, max_rows=100)
>>> record = body["content"]["application/json"]["schema"]["anyOf"][0]
>>> record["properties"]["age"], record["required"]
({'type': ['number', 'null']}, ['age'])
"""

from __future__ import annotations

from typing import Any

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": ["string", "null"]},
    "integer": {"type": ["integer", "null"]},
    "number": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "datetime": {"type": ["string", "null"], "format": "date-time"},
}


def column_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one value of a column of ``kind`` (null allowed: a missing value)."""
    return dict(_JSON_TYPES.get(kind, {}))


def request_body(schema: dict[str, str], max_rows: int) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a model's predict endpoint."""
    columns = list(schema)
    record = {
        "title": "Record",
        "type": "object",
        "properties": {column: column_schema(kind) for column, kind in schema.items()},
        "required": columns,
    }
    records = {"title": "Records", "type": "array", "items": record, "minItems": 1, "maxItems": max_rows}
    by_column = {
        "title": "Columns",
        "type": "object",
        "properties": {
            column: {"type": "array", "items": column_schema(kind), "minItems": 1, "maxItems": max_rows}
            for column, kind in schema.items()
        },
        "required": columns,
    }
    example = {column: _EXAMPLES.get(kind) for column, kind in schema.items()}
    return {
        "required": True,
        "description": "One record, a list of records, or columns of equal length.",
        "content": {
            "application/json": {"schema": {"anyOf": [record, records, by_column]}, "example": example}
        },
    }


_EXAMPLES = {
    "string": "text",
    "integer": 1,
    "number": 1.5,
    "boolean": True,
    "datetime": "2024-01-31T12:00:00Z",
}


def prediction_response(is_classifier: bool) -> dict[str, Any]:
    """The JSON Schema of a predict response."""
    properties: dict[str, Any] = {
        "model": {"type": "string"},
        "fitting": {"type": ["integer", "null"]},
        "request_id": {"type": "string"},
        "predictions": {"type": "array", "items": {}},
    }
    if is_classifier:
        properties["classes"] = {"type": "array", "items": {}}
        properties["probabilities"] = {
            "type": "array",
            "items": {"type": "array", "items": {"type": "number"}},
        }
    return {"type": "object", "properties": properties, "required": list(properties)}


ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def responses(is_classifier: bool) -> dict[str | int, dict[str, Any]]:
    """The documented responses of a predict endpoint."""
    error = {"content": {"application/json": {"schema": ERROR}}}
    return {
        200: {
            "description": "Decoded predictions, one per row"
            + (", with class probabilities" if is_classifier else ""),
            "content": {"application/json": {"schema": prediction_response(is_classifier)}},
        },
        400: {"description": "Malformed JSON", **error},
        401: {"description": "Missing or wrong bearer token", **error},
        408: {"description": "The body took too long to arrive", **error},
        413: {"description": "Too many bytes or rows", **error},
        422: {"description": "A missing column, a wrong type, an empty batch, NaN or Infinity", **error},
        503: {"description": "The model is not loaded, or too many large bodies are pending", **error},
        504: {"description": "The prediction took longer than LORE_API_TIMEOUT", **error},
    }
