"""Cold start: ``import app`` in a fresh interpreter against chalice + boto3 + pynamodb.

Both run with bytecode already compiled (into a private cache, as a deployment that
ships ``.pyc`` files would), so the ratio measures imports, not the compiler; the
first-ever import without any bytecode is reported beside it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import chalice, boto3, pynamodb.models"
APP = "import app"
TIMER = ("import time; t = time.perf_counter(); {code}; "
         "print((time.perf_counter() - t) * 1000)")


def _import_ms(code: str, env: dict) -> float:
    result = subprocess.run([sys.executable, "-c", TIMER.format(code=code)], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True)
    return float(result.stdout.split()[-1])


def cold_start(runs: int = 7) -> dict:
    """Median import times (ms) of the app and the baseline, alternated, and their ratio."""
    cache = tempfile.mkdtemp(prefix="tapaamo-pyc-")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TAPAAMO_", "PYTHONDONTWRITEBYTECODE"))}
    uncompiled = _import_ms(APP, {**env, "PYTHONDONTWRITEBYTECODE": "1",
                                  "PYTHONPYCACHEPREFIX": tempfile.mkdtemp()})
    env["PYTHONPYCACHEPREFIX"] = cache
    _import_ms(APP, env)  # writes the bytecode
    app, baseline = [], []
    for _ in range(runs):
        app.append(_import_ms(APP, env))
        baseline.append(_import_ms(BASELINE, env))
    app_ms, base_ms = statistics.median(app), statistics.median(baseline)
    return {"runs": runs, "app_ms": round(app_ms, 1), "baseline_ms": round(base_ms, 1),
            "ratio": round(app_ms / base_ms, 2),
            "app_without_bytecode_ms": round(uncompiled, 1)}


def deployment_zip() -> dict:
    """Build the Lambda package (``python -m infra.package build``) and size its zip."""
    build = ROOT / "build"
    result = subprocess.run([sys.executable, "-m", "infra.package", "build"], cwd=ROOT,
                            capture_output=True, text=True)
    zip_path = build / "deployment.zip"
    if result.returncode != 0 or not zip_path.exists():
        return {"error": (result.stderr or result.stdout).strip()[-500:]}
    return {"path": str(zip_path.relative_to(ROOT)), "bytes": zip_path.stat().st_size,
            "mib": round(zip_path.stat().st_size / 2**20, 2)}
