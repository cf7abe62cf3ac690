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

from lore.monitoring.log import ParquetSink, read

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
