"""The OpenAPI schemas, and a property-based fuzz of the live server's document."""

from __future__ import annotations

import pytest

from lore.server.schema import column_schema, request_body, responses


def test_request_body_offers_a_record_records_and_columns():
    body = request_body({"age": "number", "when": "datetime"}, max_rows=7)
    record, records, columns = body["content"]["application/json"]["schema"]["anyOf"]
    assert record["required"] == ["age", "when"]
    assert record["properties"]["when"] == {"type": ["string", "null"], "format": "date-time"}
    assert records["items"] == record and records["maxItems"] == 7 and records["minItems"] == 1
    assert columns["properties"]["age"]["items"] == column_schema("number")


def test_classifier_responses_document_probabilities():
    ok = responses(is_classifier=True)[200]["content"]["application/json"]["schema"]
    assert {"classes", "probabilities"} <= set(ok["required"])
    assert (
        "probabilities"
        not in responses(is_classifier=False)[200]["content"]["application/json"]["schema"]["required"]
    )


@pytest.mark.slow
def test_fuzzing_the_openapi_document_finds_no_server_error(server):
    """schemathesis generates requests from /openapi.json, valid and not; none may get a 5xx.

    At most 40 examples per operation and mode (about 800 requests), derandomized so
    that a failure repeats.
    """
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error

    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert any(operation.path.endswith("/predict") for operation in operations)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=40,
                deadline=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def fuzz(case) -> None:
                case.call_and_validate(base_url=server.url, checks=[not_a_server_error])

            try:
                fuzz()
            except Unsatisfiable:  # nothing invalid to send to an operation without parameters
                assert mode is GenerationMode.NEGATIVE and not operation.body and not operation.query
