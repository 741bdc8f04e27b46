"""CloudWatch metrics as Embedded Metric Format log lines (no API call, no extra IAM).

Lambda ships stdout to CloudWatch Logs, which turns each EMF line into a metric; the
alarm on ``Tapaamo/NotificationsFailed`` lives in infra/.
"""

from __future__ import annotations

import json
from datetime import datetime

NAMESPACE = "Tapaamo"


def emf_line(name: str, value: float, now: datetime, **dimensions: str) -> str:
    """One EMF record for metric ``name`` with ``dimensions`` (ids and kinds only)."""
    return json.dumps({
        "_aws": {
            "Timestamp": int(now.timestamp() * 1000),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [sorted(dimensions)],
                "Metrics": [{"Name": name, "Unit": "Count"}],
            }],
        },
        name: value,
        **dimensions,
    }, sort_keys=True)


def emit(name: str, value: float, now: datetime, **dimensions: str) -> None:
    """Write the metric to stdout (where Lambda's log agent picks it up)."""
    print(emf_line(name, value, now, **dimensions), flush=True)
