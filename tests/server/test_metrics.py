"""Prometheus metrics: per-app registries, and summing workers in multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys

from lore.server.metrics import Metrics


def test_each_app_counts_on_its_own():
    first, second = Metrics(), Metrics()
    first.observe("POST", "/models/{name}/predict", 404, 0.002)
    first.predictions.labels(model="churn.Churn").inc(5)
    body, content_type = first.render()
    assert content_type.startswith("text/plain")
    assert b'lore_api_requests_total{method="POST",route="/models/{name}/predict",status="404"} 1.0' in body
    assert b'lore_api_predictions_total{model="churn.Churn"} 5.0' in body
    assert b"lore_api_predictions_total{" not in second.render()[0]


def test_multiprocess_mode_reads_every_workers_values(tmp_path):
    """prometheus-client picks its mode at import, so this runs in a fresh interpreter."""
    code = (
        "from lore.server.metrics import Metrics\n"
        "Metrics().predictions.labels(model='a').inc(2)\n"
        "Metrics().predictions.labels(model='a').inc(3)\n"
        "print(Metrics().render()[0].decode())\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert 'lore_api_predictions_total{model="a"} 5.0' in output.stdout


def test_the_live_drift_gauges_follow_lore_monitors_rules_and_wait_for_traffic():
    import numpy as np
    import pandas as pd

    from lore.monitoring.compare import Thresholds
    from lore.monitoring.live import LiveDrift
    from lore.monitoring.log import PredictionLog
    from lore.monitoring.reference import build

    rng = np.random.default_rng(0)
    reference = build(pd.DataFrame({"x": rng.normal(0, 1, 2000)}), rng.random(2000) > 0.5)
    metrics = Metrics()
    live = LiveDrift(lambda model, fitting: reference, Thresholds(min_rows=300))
    metrics.watch(PredictionLog(None), live, {"demo.models.Demo": "Demo"})
    body = metrics.render()[0].decode()  # no traffic yet: the log's counters, no drift gauge
    assert "lore_prediction_log_rows_total 0.0" in body and 'feature="x"' not in body
    live.update("demo.models.Demo", 1, pd.DataFrame({"x": rng.normal(3, 1, 200)}), rng.random(200) > 0.5)
    body = metrics.render()[0].decode()
    assert 'lore_model_drift_distance{feature="x",model="Demo"}' in body
    assert 'lore_model_drifted{feature="x",model="Demo"} 0.0' in body  # 200 rows: fewer than min_rows
    live.update("demo.models.Demo", 1, pd.DataFrame({"x": rng.normal(3, 1, 200)}), rng.random(200) > 0.5)
    body = metrics.render()[0].decode()
    assert 'lore_model_drifted{feature="x",model="Demo"} 1.0' in body
    assert 'lore_model_drifted{feature="prediction",model="Demo"} 0.0' in body
    assert 'lore_model_missing_changed{feature="x",model="Demo"} 0.0' in body
