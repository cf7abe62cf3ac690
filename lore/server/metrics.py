"""Prometheus metrics of one server: requests, latency and predictions per model.

Each app gets its own registry (so several apps can live in one process, as tests
do); ``GET /metrics`` renders it in the Prometheus text format. With several
uvicorn workers each worker counts its own requests; set
``PROMETHEUS_MULTIPROC_DIR`` to a writable empty folder to have them summed
(prometheus-client's multiprocess mode).

>>> metrics = Metrics()
>>> metrics.observe("POST", "/models/{name}/predict", 200, 0.004)
>>> metrics.predictions.labels(model="demo.Model").inc(3)
>>> b'lore_api_predictions_total{model="demo.Model"} 3.0' in metrics.render()[0]
True
"""

from __future__ import annotations

import math
import os
from typing import Any

#: Latency buckets in seconds, fine-grained where a fast model answers.
BUCKETS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The server's counters and histograms, in a registry of their own."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lore_api_requests",
            "HTTP requests answered",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "lore_api_request_seconds",
            "Time to answer a request, in seconds",
            ("method", "route"),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.predictions = Counter(
            "lore_api_predictions", "Rows predicted", ("model",), registry=self.registry
        )
        self.fitting = Gauge(
            "lore_api_model_fitting",
            "The fitting number each model serves",
            ("model",),
            registry=self.registry,
        )

    def watch(self, log: Any, live: Any, short_names: dict[str, str]) -> None:
        """Expose the prediction log's counters and the live drift of each model.

        ``log`` is a :class:`lore.monitoring.log.PredictionLog`, ``live`` a
        :class:`lore.monitoring.live.LiveDrift`; both are read at scrape time.
        """
        self.registry.register(_Watched(log, live, short_names))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its latency."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> tuple[bytes, str]:
        """``(body, content type)`` of the Prometheus text exposition."""
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

        registry = self.registry
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()  # every worker's values, from the shared folder
            multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST


#: The live drift gauges: score key of :meth:`lore.monitoring.live.LiveDrift.snapshot` ->
#: (metric name, description); each is labelled by model and feature.
DRIFT_GAUGES = {
    "distance": (
        "lore_model_drift_distance",
        "Drift distance of each input (and of the predictions) over the last hour of logged "
        "traffic: normed Wasserstein for numbers, Jensen-Shannon for categories",
    ),
    "psi": (
        "lore_model_drift_psi",
        "PSI of each input (and of the predictions) over the last hour of logged traffic",
    ),
    "missing": ("lore_model_missing_share", "Share of each input's values missing, over the last hour"),
    "unseen": (
        "lore_model_unseen_share",
        "Share of a categorical input's values the reference never saw, over the last hour",
    ),
    "drifted": (
        "lore_model_drifted",
        "1 when an input (or the predictions) drifted over the last hour, by lore monitor's "
        "rules ([DRIFT] of config/monitoring.cfg: distance, p_value, min_rows), else 0",
    ),
    "missing_changed": (
        "lore_model_missing_changed",
        "1 when an input's share of missing values changed over the last hour, by lore "
        "monitor's rules ([DRIFT] missing, p_value, min_rows), else 0",
    ),
}


class _Watched:
    """A collector of the prediction log's counters and the live drift gauges."""

    def __init__(self, log: Any, live: Any, short_names: dict[str, str]) -> None:
        self.log = log
        self.live = live
        self.short_names = short_names

    def collect(self) -> Any:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        written = CounterMetricFamily("lore_prediction_log_rows", "Predicted rows written to the log")
        written.add_metric([], self.log.written)
        dropped = CounterMetricFamily(
            "lore_prediction_log_dropped",
            "Requests not logged: queue (full), sink (down) or rate (above either per-second cap)",
            labels=("reason",),
        )
        for reason in ("queue", "sink", "rate"):
            dropped.add_metric([reason], self.log.dropped[reason])
        errors = CounterMetricFamily("lore_prediction_log_sink_errors", "Batches the sink failed to write")
        errors.add_metric([], self.log.sink_errors)
        queued = GaugeMetricFamily("lore_prediction_log_queued", "Requests waiting to be logged")
        queued.add_metric([], len(self.log.pending))
        gauges = {  # score key -> gauge, from the same sketches and rules as lore monitor
            key: GaugeMetricFamily(name, description, labels=("model", "feature"))
            for key, (name, description) in DRIFT_GAUGES.items()
        }
        for model, scores in self.live.snapshot().items():
            name = self.short_names.get(model, model)
            for feature, score in scores.items():
                for key, gauge in gauges.items():
                    if not math.isnan(score[key]):
                        gauge.add_metric([name, feature], float(score[key]))
        yield from (written, dropped, errors, queued, *gauges.values())
