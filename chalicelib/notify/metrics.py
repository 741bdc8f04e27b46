"""CloudWatch metrics as Embedded Metric Format log lines (no API call, no extra IAM).

Lambda ships stdout to CloudWatch Logs, which turns each EMF line into a metric; the
alarms on ``NotificationsFailed`` and ``NotificationsResent`` live in infra/template.yaml.
Each line also records the metric without dimensions: the alarms watch that total (a
CloudWatch alarm cannot sum over a dimension's values).
"""

from __future__ import annotations

import json
import os
from datetime import datetime

DEFAULT_NAMESPACE = "Tapaamo"


def namespace() -> str:
    """The stack's ``MetricsNamespace`` (env ``TAPAAMO_METRICS_NAMESPACE``), read per call."""
    return os.environ.get("TAPAAMO_METRICS_NAMESPACE") or DEFAULT_NAMESPACE


def emf_line(name: str, value: float, now: datetime, **dimensions: str) -> str:
    """One EMF record for metric ``name`` with ``dimensions`` (ids and kinds only)."""
    return json.dumps({
        "_aws": {
            "Timestamp": int(now.timestamp() * 1000),
            "CloudWatchMetrics": [{
                "Namespace": namespace(),
                "Dimensions": [sorted(dimensions), []],
                "Metrics": [{"Name": name, "Unit": "Count"}],
            }],
        },
        name: value,
        **dimensions,
    }, sort_keys=True)


def emit(name: str, value: float, now: datetime, **dimensions: str) -> None:
    """Write the metric to stdout (where Lambda's log agent picks it up)."""
    print(emf_line(name, value, now, **dimensions), flush=True)
