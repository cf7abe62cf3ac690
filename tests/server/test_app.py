"""``lore api`` over real HTTP on 127.0.0.1, serving real fitted XGBoost models."""

from __future__ import annotations

import json
import math
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

PREDICT = "/models/subscribers.Subscribers/predict"
SPEND = "/models/subscribers.Spend/predict"


def post(server: Any, path: str, body: Any = None, *, content: bytes | None = None, **headers: str) -> Any:
    return httpx.post(
        server.url + path,
        content=json.dumps(body).encode() if content is None else content,
        headers={"Content-Type": "application/json", **server.headers, **headers},
        timeout=30,
    )


# -- predictions ---------------------------------------------------------------------------


def test_one_record_a_batch_and_columns_give_the_models_own_predictions(server, rows, reference):
    one = post(server, PREDICT, rows[0])
    batch = post(server, PREDICT, rows)
    columns = post(server, PREDICT, {key: [row[key] for row in rows] for key in rows[0]})
    assert one.status_code == batch.status_code == columns.status_code == 200, one.text
    assert one.json()["predictions"] == reference["predictions"][:1]
    assert batch.json()["predictions"] == columns.json()["predictions"] == reference["predictions"]
    body = batch.json()
    assert body["model"] == "subscribers.Subscribers" and body["fitting"] >= 1
    assert len(body["classes"]) == len(body["probabilities"][0])
    for got, want in zip(body["probabilities"], reference["probabilities"]):
        assert got == pytest.approx(want, abs=1e-6)
        assert math.fsum(got) == pytest.approx(1.0, abs=1e-5)


def test_a_regression_returns_numbers_without_probabilities(server, rows, reference):
    response = post(server, SPEND, rows)
    assert response.status_code == 200, response.text
    assert response.json()["predictions"] == pytest.approx(reference["spend"], rel=1e-5)
    assert "probabilities" not in response.json()


def test_the_full_model_name_works_too(server, rows):
    assert post(server, "/models/shop.models.subscribers.Subscribers/predict", rows).status_code == 200


def test_extra_columns_are_ignored_and_nulls_are_missing_values(server, rows):
    response = post(server, PREDICT, [{**rows[0], "user_id": 7}, {**rows[1], "age": None}])
    assert response.status_code == 200, response.text
    assert len(response.json()["predictions"]) == 2


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"city": "oslo", "plan": "pro"}, 422, ["'age'"]),
        (
            [{"city": "oslo", "plan": "pro", "age": 5}, {"city": "oslo", "plan": "pro"}],
            422,
            ["'age'", "record 1"],
        ),
        ({"city": "oslo", "plan": "pro", "age": "old"}, 422, ["'age'", "number", "'old'"]),
        ({"city": 3, "plan": "pro", "age": 5}, 422, ["'city'", "string"]),
        ([], 422, ["empty"]),
        ({"city": [], "plan": [], "age": []}, 422, ["empty"]),
        ({"city": ["a", "b"], "plan": ["pro"], "age": [1, 2]}, 422, ["same length"]),
        ("hello", 422, ["str"]),
        ([1, 2], 422, ["record 0"]),
    ],
)
def test_bad_rows_are_a_422_naming_the_field(server, body, status, words):
    response = post(server, PREDICT, body)
    assert response.status_code == status, response.text
    for word in words:
        assert word in response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "status", "word"),
    [
        (b'{"city": "oslo",', 400, "not valid JSON"),
        (b"", 400, "empty"),
        (b'{"city": "oslo", "plan": "pro", "age": NaN}', 422, "NaN"),
        (b'{"city": "oslo", "plan": "pro", "age": Infinity}', 422, "Infinity"),
        (b'{"city": "oslo", "plan": "pro", "age": 1e999}', 422, "Infinity"),
    ],
)
def test_malformed_json_nan_and_infinity_are_rejected(server, content, status, word):
    response = post(server, PREDICT, content=content)
    assert response.status_code == status, response.text
    assert word in response.json()["detail"]


def test_an_unknown_model_is_a_404_listing_those_that_exist(server, rows):
    response = post(server, "/models/nope.Model/predict", rows)
    assert response.status_code == 404
    assert "subscribers.Subscribers" in response.json()["detail"]
    assert "subscribers.Spend" in response.json()["detail"]


def test_too_many_rows_or_bytes_are_a_413(production, rows):
    many = post(production, PREDICT, rows * 20)  # 60 rows > LORE_API_MAX_ROWS=50
    assert many.status_code == 413 and "LORE_API_MAX_ROWS" in many.json()["detail"]
    huge = post(production, PREDICT, content=b" " * 30_000 + json.dumps(rows).encode())
    assert huge.status_code == 413 and "LORE_API_MAX_BODY" in huge.json()["detail"]

    def chunks():
        for _ in range(30):
            yield b" " * 1000

    streamed = httpx.post(production.url + PREDICT, content=chunks(), headers=production.headers, timeout=30)
    assert streamed.status_code == 413
    assert post(production, PREDICT, rows).status_code == 200


def test_a_slow_client_gets_a_408_while_others_are_served(production, rows):
    address = urlparse(production.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as slow:
        slow.sendall(
            f"POST {PREDICT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: {production.headers['Authorization']}\r\nContent-Length: 100\r\n\r\n{{".encode()
        )
        assert post(production, PREDICT, rows).status_code == 200  # others go on meanwhile
        answer = ""
        while "}" not in answer:
            chunk = slow.recv(4096).decode()
            if not chunk:
                break
            answer += chunk
    assert answer.startswith("HTTP/1.1 408"), answer
    assert "LORE_API_READ_TIMEOUT" in answer


def test_the_server_survives_a_burst_of_garbage(server, rows):
    garbage = [b"{", b"[]", b"null", b'{"a": NaN}', b"\xff\xfe", b'[{"city": {}}]', b"1" * 5000]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda body: post(server, PREDICT, content=body).status_code, garbage * 5))
    assert all(400 <= status < 500 for status in statuses), statuses
    assert post(server, PREDICT, rows).status_code == 200


# -- operations -------------------------------------------------------------------------------


def test_health_ready_and_models(server, reference):
    assert httpx.get(server.url + "/health").json() == {"status": "ok"}
    ready = httpx.get(server.url + "/ready")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    models = httpx.get(server.url + "/models").json()
    assert set(models) == {"subscribers.Subscribers", "subscribers.Spend"}
    classifier = models["subscribers.Subscribers"]
    assert classifier["model"] == "shop.models.subscribers.Subscribers"
    assert classifier["input_schema"] == reference["schema"]
    assert classifier["classifier"] is True and classifier["metrics"]["validation"]
    assert any("production" in fitting["aliases"] for fitting in classifier["fittings"])


def test_metrics_count_requests_latency_and_predictions(server, rows):
    post(server, PREDICT, rows)
    text = httpx.get(server.url + "/metrics").text
    assert (
        'lore_api_requests_total{method="POST",route="/models/subscribers.Subscribers/predict",status="200"}'
        in text
    )
    assert "lore_api_request_seconds_bucket" in text
    assert 'lore_api_predictions_total{model="subscribers.Subscribers"}' in text
    assert 'lore_api_model_fitting{model="subscribers.Spend"}' in text


def test_openapi_describes_each_models_columns(server, reference):
    document = httpx.get(server.url + "/openapi.json").json()
    body = document["paths"][PREDICT]["post"]["requestBody"]["content"]["application/json"]["schema"]
    record = body["anyOf"][0]
    assert set(record["properties"]) == set(reference["schema"]) == set(record["required"])
    kinds = {"number": "number", "integer": "integer", "string": "string", "boolean": "boolean"}
    for column, kind in reference["schema"].items():
        if kind in kinds:
            assert record["properties"][column]["type"][0] == kinds[kind]
    assert "/extra/hello" in document["paths"]
    assert httpx.get(server.url + "/docs").status_code == 200


def test_openapi_says_metrics_are_prometheus_text(server):
    document = httpx.get(server.url + "/openapi.json").json()
    assert set(document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]) == {"text/plain"}
    assert httpx.get(server.url + "/metrics").headers["content-type"].startswith("text/plain")


def test_the_lore_command_serves_a_project_without_a_virtualenv(launch, shop, rows):
    assert not (shop / ".venv").exists()
    running = launch("script", script=True)
    assert post(running, PREDICT, rows).status_code == 200


def test_a_custom_routes_bad_input_is_quoted_short(server):
    answer = httpx.get(server.url + "/extra/square", params={"n": "9" * 3000 + "x"})
    assert answer.status_code == 422 and len(answer.content) < 500
    detail = answer.json()["detail"][0]
    assert detail["loc"] == ["query", "n"] and "3001 characters" in detail["input"]
    assert httpx.get(server.url + "/extra/square", params={"n": 7}).json() == {"square": 49}


def test_an_unknown_model_name_is_quoted_short(server, rows):
    answer = post(server, "/models/" + "m" * 3000 + "/predict", rows)
    assert answer.status_code == 404 and len(answer.content) < 500


def test_custom_routers_in_the_app_api_folder_are_mounted(server):
    assert httpx.get(server.url + "/extra/hello", params={"who": "lore"}).json() == {"message": "hello lore"}


# -- production ------------------------------------------------------------------------------


def test_a_token_is_required_in_production_but_not_for_probes(production, rows):
    bare = httpx.post(production.url + PREDICT, json=rows)
    assert bare.status_code == 401 and "LORE_API_TOKEN" in bare.json()["detail"]
    wrong = httpx.post(production.url + PREDICT, json=rows, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert httpx.get(production.url + "/health").status_code == 200
    assert httpx.get(production.url + "/ready").status_code == 200
    assert post(production, PREDICT, rows).status_code == 200


def test_development_ignores_the_token(server, rows):
    assert httpx.post(server.url + PREDICT, json=rows).status_code == 200


def test_access_logs_are_json_lines_in_production(production, rows):
    post(production, PREDICT, rows)
    deadline, access = time.monotonic() + 30, []
    while not access and time.monotonic() < deadline:  # the server writes the line after answering
        lines = production.log.read_text().splitlines()
        records = [json.loads(line) for line in lines if line.startswith("{") and line.endswith("}")]
        access = [record for record in records if record["logger"] == "lore.server.access"]
        time.sleep(0.01)
    assert access, production.log.read_text()[-2000:]
    assert {"method", "path", "route", "status", "duration_ms"} <= set(access[-1])


def test_concurrent_single_rows_are_batched_and_each_gets_its_own_answer(production, rows, reference):
    jobs = [rows[i % 3] for i in range(60)]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda row: post(production, PREDICT, row), jobs))
    assert all(answer.status_code == 200 for answer in answers)
    got = [answer.json()["predictions"][0] for answer in answers]
    assert got == [reference["predictions"][i % 3] for i in range(60)]


# -- reload, timeout, shutdown -------------------------------------------------------------------


def test_reload_swaps_in_a_newly_promoted_fitting_without_dropping_requests(server, rows, fit_again):
    before = httpx.get(server.url + "/ready").json()["models"]["subscribers.Subscribers"]["fitting"]
    number = fit_again()
    statuses: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            statuses.append(post(server, PREDICT, rows).status_code)

    worker = threading.Thread(target=hammer)
    worker.start()
    try:
        reload = post(server, "/models/subscribers.Subscribers/reload", content=b"")
    finally:
        time.sleep(0.2)
        stop.set()
        worker.join()
    assert reload.status_code == 200, reload.text
    assert reload.json() == {"model": "subscribers.Subscribers", "fitting": number, "previous": before}
    assert statuses and set(statuses) == {200}
    assert post(server, PREDICT, rows).json()["fitting"] == number
    assert post(server, "/models/nope/reload", content=b"").status_code == 404


def test_a_slow_prediction_times_out_and_shutdown_finishes_requests_in_flight(launch, rows):
    running = launch("shutdown", LORE_API_TIMEOUT="0.001")
    timed_out = post(running, PREDICT, rows * 1000)  # 3,000 rows take well over a millisecond
    assert timed_out.status_code == 504 and "LORE_API_TIMEOUT" in timed_out.json()["detail"]
    assert httpx.get(running.url + "/health").status_code == 200

    with ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(httpx.get, running.url + "/extra/sleep", params={"seconds": 1.5}, timeout=30)
        time.sleep(0.5)
        running.process.send_signal(signal.SIGTERM)
        answer = in_flight.result()
    assert answer.status_code == 200 and answer.json() == {"slept": 1.5}
    # uvicorn re-raises the signal once it has shut down cleanly
    assert running.process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert "Finished server process" in running.log.read_text()


# -- memory under a flood of rejected bodies ------------------------------------------------------


def resident_mib(pid: int) -> float:
    """The resident memory of process ``pid`` (VmRSS), in MiB."""
    for line in open(f"/proc/{pid}/status").read().splitlines():  # noqa: SIM115 - tiny file
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def rejected_bodies() -> list[tuple[bytes, int]]:
    """Bodies under LORE_API_MAX_BODY (10 MB) that the server must refuse, and their status."""
    record = b'{"city": "oslo", "plan": "pro", "age": 1}'
    deep = "[" * 1000 + "1" + "]" * 1000
    return [
        (b"[" + b",".join([record] * 10_001) + b"]", 413),  # one row too many, 420 kB
        (b"[" + b"{}," * 3_000_000 + b"{}]", 413),  # 3 million empty records, 9 MB
        (b'[{"junk": [' + b"[]," * 3_000_000 + b"[]]}]", 413),  # 3 million values in one row
        (b'{"city": "' + b"x" * 9_000_000 + b'", "plan": "pro", "age": "y"}', 422),  # 9 MB value
        (f'{{"city": "oslo", "plan": "pro", "age": {deep}}}'.encode(), 422),  # nested 1,000 deep
        (b"[" + b",".join([record] * 9_999) + b', {"city": 1, "plan": "pro", "age": 1}]', 422),
    ]


@pytest.mark.slow
def test_a_flood_of_rejected_bodies_keeps_memory_under_twice_the_idle_server(launch, rows):
    """Each body is refused; the server's resident memory stays under 2x its idle size throughout."""
    running = launch("flood", LORE_API_BATCHING="0")
    for _ in range(3):
        assert post(running, PREDICT, rows).status_code == 200
    idle = resident_mib(running.process.pid)
    peak, stop = [idle], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak.append(resident_mib(running.process.pid))
            time.sleep(0.02)

    bodies = rejected_bodies()
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(lambda job: (post(running, PREDICT, content=job[0]), job[1]), bodies * 25)
            )
        assert post(running, PREDICT, rows).status_code == 200
    finally:
        stop.set()
        sampler.join()
    for answer, status in answers:
        assert answer.status_code == status, answer.text[:300]
        assert len(answer.content) < 400  # no body is echoed back
    print("CURVE", [round(x) for x in peak[::25]])
    assert max(peak) < 2 * idle, f"idle {idle:.0f} MiB, peak {max(peak):.0f} MiB"


def test_large_bodies_held_at_once_are_bounded_and_given_back(launch, rows):
    """Past 4 x LORE_API_MAX_BODY bytes of bodies in flight, a request is a 503; then all is let go."""
    running = launch("pending", LORE_API_BATCHING="0", LORE_API_MAX_BODY="1000000", LORE_API_READ_TIMEOUT="3")
    address = urlparse(running.url)
    head = (
        f"POST {PREDICT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000000\r\n\r\n"
    ).encode()
    sockets = [socket.create_connection((address.hostname, address.port), timeout=30) for _ in range(6)]
    try:
        for sock in sockets:
            sock.sendall(head + b"[" + b" " * 900_000)  # most of a body, then silence
        answers = []
        for sock in sockets:
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
            answers.append(answer.split(b" ", 2)[1])
    finally:
        for sock in sockets:
            sock.close()
    assert b"503" in answers and set(answers) <= {b"503", b"408"}, answers
    assert post(running, PREDICT, rows * 2000).status_code == 200  # a large body: nothing is still held


# -- the garbage collector -----------------------------------------------------------------------


def test_a_serving_process_freezes_its_heap_once_the_models_are_loaded():
    import asyncio
    import gc

    from lore.server.app import Server
    from lore.server.settings import Settings

    for freeze in (False, True):
        server = Server([], Settings(), freeze=freeze)
        try:
            asyncio.run(server.load_all())
            assert (gc.get_freeze_count() > 0) is freeze
        finally:
            gc.unfreeze()
            asyncio.run(server.close())


def test_settling_again_frees_a_cycle_that_was_frozen():
    """After a reload the previous fitting's cycles are found: the heap is thawed, collected, refrozen."""
    import gc
    import weakref

    from lore.server.app import settle_heap

    class Node:
        pass

    node = Node()
    node.self = node  # a reference cycle: only the cyclic collector frees it
    gone = weakref.ref(node)
    gc.freeze()
    del node
    try:
        gc.collect()
        assert gone() is not None  # frozen: no collection sees it
        settle_heap()
        assert gone() is None
    finally:
        gc.unfreeze()
