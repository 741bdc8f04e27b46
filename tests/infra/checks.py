"""Rules every packaged template must keep; each returns the problems it found (none = ok).

They read the template as a dict, so tests can also feed them small made-up templates and
see them fail.
"""

from __future__ import annotations

import json
from pathlib import Path

FUNCTION = "AWS::Serverless::Function"
# The only actions AWS offers no resource ARN for, each narrowed by a condition instead:
# SMS to a phone number has no ARN; PutMetricData is limited by cloudwatch:namespace.
STAR_RESOURCE_ACTIONS = {"sns:Publish", "cloudwatch:PutMetricData"}
DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "infra" / "policies" / "default.json"


def functions(template: dict) -> dict[str, dict]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == FUNCTION}


def role_of(function: dict) -> str | None:
    role = function["Properties"].get("Role")
    return role["Fn::GetAtt"][0] if isinstance(role, dict) and "Fn::GetAtt" in role else None


def policy_problems(template: dict) -> list[str]:
    """Each function has a role of its own with its own hand-written least-privilege policy."""
    problems, seen = [], {}
    default = json.loads(DEFAULT_POLICY.read_text())
    for name, function in sorted(functions(template).items()):
        role = role_of(function)
        if role is None or role not in template["Resources"]:
            problems.append(f"{name}: no role of its own in the template")
            continue
        if role in seen:
            problems.append(f"{name}: shares role {role} with {seen[role]}")
        seen[role] = name
        documents = [p["PolicyDocument"] for p in template["Resources"][role]["Properties"].get("Policies", [])]
        if not documents or documents == [default]:
            problems.append(f"{name}: no policy of its own (add lambda_functions.<name>.iam_policy_file "
                            "to .chalice/config.json stage prod)")
        problems += [f"{name}: {p}" for d in documents for p in statement_problems(d)]
    return problems


def statement_problems(document: dict) -> list[str]:
    problems = []
    for statement in document["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        actions = _as_list(statement["Action"])
        resources = _as_list(statement["Resource"])
        problems += [f"wildcard action {a}" for a in actions if "*" in a]
        if "*" in resources:
            broad = [a for a in actions if a not in STAR_RESOURCE_ACTIONS]
            if broad:
                problems.append(f"Resource '*' for {broad}")
            elif "Condition" not in statement:
                problems.append(f"Resource '*' for {actions} without a condition")
    return problems


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def events(template: dict, kind: str) -> list[tuple[str, str, dict]]:
    """(function, event name, event properties) for every event of ``kind`` (Schedule, SQS)."""
    return [(name, event_name, event["Properties"])
            for name, function in sorted(functions(template).items())
            for event_name, event in function["Properties"].get("Events", {}).items()
            if event["Type"] == kind]


def queue_problems(template: dict, queue_names: set[str]) -> list[str]:
    """Every queue the code names exists with a dead-letter queue; consumers report partial failures."""
    queues = {r["Properties"].get("QueueName"): logical for logical, r in template["Resources"].items()
              if r["Type"] == "AWS::SQS::Queue"}
    problems = [f"queue {q} is named in the code but not in the template" for q in sorted(queue_names - set(queues))]
    for name in sorted(queue_names & set(queues)):
        if "RedrivePolicy" not in template["Resources"][queues[name]]["Properties"]:
            problems.append(f"queue {name} has no dead-letter queue")
    for function, event, props in events(template, "SQS"):
        if props.get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
            problems.append(f"{function}.{event}: set FunctionResponseTypes [ReportBatchItemFailures]")
        if _queue_reference(props["Queue"]) not in queues.values():
            problems.append(f"{function}.{event}: Queue must be !GetAtt <queue>.Arn or "
                            "!Sub ${<queue>.Arn} (creation order)")
    return problems


def _queue_reference(queue) -> str | None:
    """The logical id a queue ARN refers to: only ``{Fn::GetAtt: [Q, Arn]}`` or
    ``{Fn::Sub: "${Q.Arn}"}`` count (a map with two intrinsics is a broken merge)."""
    if not isinstance(queue, dict) or len(queue) != 1:
        return None
    if queue.get("Fn::GetAtt", [None, None])[1:] == ["Arn"]:
        return queue["Fn::GetAtt"][0]
    sub = queue.get("Fn::Sub")
    if isinstance(sub, str) and sub.startswith("${") and sub.endswith(".Arn}"):
        return sub[2:-5]
    return None


def alarm_problems(template: dict) -> list[str]:
    """Every function is in FunctionErrorsAlarm; every scheduled one has a dead-man alarm."""
    alarms = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    errors = template["Resources"]["FunctionErrorsAlarm"]["Properties"]["Metrics"]
    watched = {_function_dimension(m["MetricStat"]["Metric"]) for m in errors if "MetricStat" in m}
    problems = [f"{name}: not in FunctionErrorsAlarm" for name in sorted(functions(template)) if name not in watched]
    for function, event, _ in events(template, "Schedule"):
        if not any(_is_dead_man(alarm, function) for alarm in alarms):
            problems.append(f"{function}: scheduled but no alarm on Invocations < 1 (TreatMissingData breaching)")
    return problems


def _function_dimension(metric: dict) -> str | None:
    for dimension in metric.get("Dimensions", []):
        if dimension["Name"] == "FunctionName" and isinstance(dimension["Value"], dict):
            return dimension["Value"].get("Ref")
    return None


def _is_dead_man(alarm: dict, function: str) -> bool:
    return (alarm.get("MetricName") == "Invocations"
            and _function_dimension(alarm) == function
            and alarm.get("ComparisonOperator") == "LessThanThreshold"
            and alarm.get("TreatMissingData") == "breaching")


# Settings only the local stage reads (the prod stack never needs them).
# The Graph URLs and the extra CA file point busy sources at local fakes; config.py ignores
# them in the prod stage.
LOCAL_ONLY_SETTINGS = {"TAPAAMO_LOCAL_DIR", "TAPAAMO_DDB_ENDPOINT", "TAPAAMO_GRAPH_URL",
                       "TAPAAMO_GRAPH_LOGIN_URL", "TAPAAMO_SOURCE_CA_FILE"}
CONFIG = Path(__file__).resolve().parents[2] / ".chalice" / "config.json"


def env_vars_read(package: Path) -> set[str]:
    """Every ``TAPAAMO_*`` name in string literals of the app's code (the local stack aside)."""
    import ast
    import re

    names = set()
    for path in package.rglob("*.py"):
        if "local" in path.relative_to(package).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names |= set(re.findall(r"^TAPAAMO_[A-Z_]+$", node.value))
    return names


def stage_variables(stage: str) -> dict:
    config = json.loads(CONFIG.read_text())
    return {**config.get("environment_variables", {}),
            **config["stages"][stage].get("environment_variables", {})}
