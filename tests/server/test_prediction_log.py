"""``lore api`` logs its predictions off the request path; a kill loses at most the queue.

Real servers over HTTP, serving the ``shop`` project's fitted models (see conftest).
"""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from lore.monitoring.log import ParquetSink, PredictionLog, read
from lore.server.app import Server
from lore.server.settings import Settings

PREDICT = "/models/subscribers.Subscribers/predict"
MODEL = "shop.models.subscribers.Subscribers"


def post(server: Any, body: Any, **headers: str) -> Any:
    return httpx.post(
        server.url + PREDICT,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        timeout=30,
    )


def logged(folder: Path) -> Any:
    return read(ParquetSink(folder), MODEL).frame


def eventually(condition: Any, seconds: float = 30.0) -> None:
    """Wait until ``condition()`` holds (the writer thread works at its own pace on a busy machine)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds}s"
        time.sleep(0.1)


def metric(server: Any, name: str, **labels: str) -> float:
    text = httpx.get(server.url + "/metrics", timeout=10).text
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))  # as Prometheus writes
    pattern = rf"^{name}{{{re.escape(wanted)}}} (\S+)$" if labels else rf"^{name} (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    assert found, f"{name}{{{wanted}}} not in /metrics:\n{text[-2000:]}"
    return float(found.group(1))


def test_predictions_are_logged_with_the_request_id_the_api_returns(launch, rows, tmp_path) -> None:
    server = launch("logged", LORE_PREDICTION_LOG_PATH=str(tmp_path), LORE_PREDICTION_LOG_FLUSH="0.1")
    answer = post(server, rows)
    mine = post(server, rows[0], **{"X-Request-ID": "order-17"})
    assert answer.status_code == mine.status_code == 200
    request_id = answer.json()["request_id"]
    assert answer.headers["x-request-id"] == request_id and len(request_id) == 32
    assert mine.json()["request_id"] == mine.headers["x-request-id"] == "order-17"
    eventually(lambda: len(logged(tmp_path)) == 4)
    frame = logged(tmp_path)
    assert len(frame) == 4
    batch = frame[frame["request_id"] == request_id].sort_values("row")
    assert batch["city"].tolist() == [row["city"] for row in rows]
    assert batch["prediction"].tolist() == answer.json()["predictions"]
    probabilities = read(ParquetSink(tmp_path), MODEL).probabilities[batch.index]
    assert np.allclose(probabilities, answer.json()["probabilities"])
    assert (batch["fitting"] == answer.json()["fitting"]).all()
    assert frame.loc[frame["request_id"] == "order-17", "age"].tolist() == [rows[0]["age"]]
    assert metric(server, "lore_prediction_log_rows_total") == 4


def test_concurrent_requests_are_logged_each_with_its_rows(launch, rows, tmp_path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    server = launch("concurrent", LORE_PREDICTION_LOG_PATH=str(tmp_path), LORE_PREDICTION_LOG_FLUSH="0.1")
    bodies = {f"c{index}": rows[index % 3 :] for index in range(24)}  # 1 to 3 rows each
    with ThreadPoolExecutor(8) as pool:  # several requests arrive together: micro-batched
        answers = dict(
            zip(
                bodies,
                pool.map(lambda item: post(server, item[1], **{"X-Request-ID": item[0]}), bodies.items()),
            )
        )
    assert all(answer.status_code == 200 for answer in answers.values())
    total = sum(len(body) for body in bodies.values())
    eventually(lambda: len(logged(tmp_path)) == total)
    frame = logged(tmp_path)
    for request_id, body in bodies.items():
        mine = frame[frame["request_id"] == request_id].sort_values("row")
        assert mine["row"].tolist() == list(range(len(body)))
        assert mine["city"].tolist() == [row["city"] for row in body]
        assert mine["prediction"].tolist() == answers[request_id].json()["predictions"]


def test_a_micro_batch_is_one_entry_unless_some_requests_are_not_logged() -> None:
    log = PredictionLog(None)  # not started: what is queued stays in log.pending
    server = Server([], Settings(), log)
    columns = {"age": np.array([30.0, 40.0, 50.0]), "city": ["oslo", "lima", "rome"]}
    result = {"predictions": np.array([True, False, True]), "probabilities": np.eye(3)[:, :2]}
    server.log_batch("demo.Model", columns, result, [("r1", 4), ("r2", 4)], [1, 2])
    (entry,) = log.pending
    assert entry.request_id == ["r1", "r2"] and entry.sizes == [1, 2] and entry.inputs is columns
    log.pending.clear()
    server.log_batch("demo.Model", columns, result, [None, ("r2", 4)], [1, 2])  # r1 sampled out
    (entry,) = log.pending
    assert (entry.request_id, entry.fitting, entry.sizes) == ("r2", 4, None)
    assert entry.inputs["city"] == ["lima", "rome"] and entry.predictions.tolist() == [False, True]
    assert entry.probabilities.tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_live_drift_gauges_follow_the_traffic(launch, rows, tmp_path) -> None:
    server = launch("drifting", LORE_PREDICTION_LOG_PATH=str(tmp_path), LORE_PREDICTION_LOG_FLUSH="0.1")
    old = [dict(row, age=90.0, city="rome") for row in rows] * 30  # far older than anyone trained on
    assert post(server, old).status_code == 200
    labels = {"model": "subscribers.Subscribers"}
    eventually(lambda: "lore_model_drift_psi{" in httpx.get(server.url + "/metrics", timeout=10).text)
    assert metric(server, "lore_model_drift_psi", **labels, feature="age") > 1
    assert metric(server, "lore_model_drift_distance", **labels, feature="age") > 1
    assert metric(server, "lore_model_unseen_share", **labels, feature="city") == 1.0
    assert metric(server, "lore_model_missing_share", **labels, feature="city") == 0.0
    assert metric(server, "lore_model_drift_psi", **labels, feature="plan") < 0.2
    # lore monitor's rules: 90 rows are fewer than [DRIFT] min_rows (100), not judged yet
    assert metric(server, "lore_model_drifted", **labels, feature="age") == 0.0
    assert post(server, old).status_code == 200
    eventually(lambda: metric(server, "lore_model_drifted", **labels, feature="age") == 1.0)
    assert metric(server, "lore_model_drifted", **labels, feature="plan") == 0.0


def test_killing_the_server_loses_at_most_the_queue(launch, rows, tmp_path) -> None:
    server = launch("killed", LORE_PREDICTION_LOG_PATH=str(tmp_path), LORE_PREDICTION_LOG_FLUSH="0.2")
    for _ in range(40):
        assert post(server, rows[0]).status_code == 200
    eventually(lambda: len(logged(tmp_path)) == 40)  # the writer has written these
    for _ in range(20):  # these may still be queued when the server dies
        assert post(server, rows[0]).status_code == 200
    server.stop(signal.SIGKILL)
    frame = logged(tmp_path)  # every file written is whole: they are renamed into place
    assert 40 <= len(frame) <= 60
    assert not list(tmp_path.rglob("*.tmp*"))


def test_a_sink_that_is_down_is_a_warning_and_a_counter(launch, rows) -> None:
    server = launch(
        "sink-down",
        LORE_PREDICTION_LOG="postgres",
        LORE_PREDICTION_LOG_URL="postgresql://postgres@127.0.0.1:1/nowhere",
        LORE_PREDICTION_LOG_FLUSH="0.1",
    )
    for _ in range(5):
        answer = post(server, rows)
        assert answer.status_code == 200 and len(answer.json()["predictions"]) == 3
    eventually(lambda: metric(server, "lore_prediction_log_sink_errors_total") >= 1)
    assert metric(server, "lore_prediction_log_dropped_total", reason="sink") >= 1
    server.stop()
    assert "prediction log SQLSink" in server.log.read_text()
