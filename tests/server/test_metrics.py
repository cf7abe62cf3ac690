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
