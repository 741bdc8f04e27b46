"""The packaged CloudFormation stack: lints clean and matches what the code uses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from chalice.app import SQSEventConfig

from chalicelib.store.table import TTL_ATTRIBUTE, table_definition
from tests.infra import checks

LAMBDA_ZIP_LIMIT = 50_000_000  # direct upload limit; we stay far below it


def test_cfn_lint_finds_no_errors(packaged):
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(packaged / "sam.yaml")], capture_output=True, text=True,
                            env={**os.environ, "AWS_DEFAULT_REGION": "eu-north-1"})
    assert result.returncode & 2 == 0, result.stdout  # bit 2: errors (4 warnings, 8 info)


def test_table_has_exactly_the_keys_and_indexes_of_table_py(template):
    table = template["Resources"]["Table"]["Properties"]
    expected = table_definition("any")
    assert table["KeySchema"] == expected["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(expected["AttributeDefinitions"], key=str)
    assert table["GlobalSecondaryIndexes"] == expected["GlobalSecondaryIndexes"]
    assert table["BillingMode"] == expected["BillingMode"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}


def test_table_is_protected_recoverable_and_encrypted_with_the_stacks_key(template):
    resource = template["Resources"]["Table"]
    table = resource["Properties"]
    assert resource["DeletionPolicy"] == "Retain"
    assert table["DeletionProtectionEnabled"] is True
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Ref": "DataKey"}}
    assert template["Resources"]["DataKey"]["Properties"]["EnableKeyRotation"] is True


def test_every_queue_the_code_names_exists_with_a_dead_letter_queue(template):
    from app import app

    named = {source.queue for source in app.event_sources if isinstance(source, SQSEventConfig)}
    assert checks.queue_problems(template, named) == []


def test_every_function_has_a_least_privilege_policy_of_its_own(template):
    assert checks.functions(template)  # the API handler at least
    assert checks.policy_problems(template) == []


def test_every_function_is_watched_and_every_schedule_has_a_dead_man_alarm(template):
    assert checks.alarm_problems(template) == []


def test_gateway_answers_401_and_403_in_the_contracts_error_shape(template):
    responses = template["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    for name, status, code in (("UNAUTHORIZED", 401, "unauthorized"), ("ACCESS_DENIED", 403, "forbidden")):
        assert responses[name]["StatusCode"] == status
        body = responses[name]["ResponseTemplates"]["application/json"]
        assert f'"error": {{"code": "{code}", "message": ' in body


def test_api_is_throttled(template):
    (setting,) = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert setting["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    assert setting["ThrottlingBurstLimit"] == {"Ref": "ApiBurstLimit"}


def test_deployment_package_is_small_and_leaves_botocore_to_the_runtime(packaged):
    import zipfile

    archive = packaged / "deployment.zip"
    names = zipfile.ZipFile(archive).namelist()
    assert "app.py" in names and "pynamodb/models.py" in names
    assert "tzdata/zoneinfo/Europe/Helsinki" in names  # the runtime has no zone database
    assert [n for n in names if n.startswith("icalendar/")]
    assert [n for n in names if n.startswith("msal/")]  # busy sources: imported by the sync only
    assert not [n for n in names if n.startswith("botocore/")]
    assert archive.stat().st_size < LAMBDA_ZIP_LIMIT / 2


def test_deployment_package_ships_bytecode_for_the_runtime(packaged):
    """/var/task is read-only: without .pyc files every cold start compiles the app."""
    import sys
    import zipfile

    tag = sys.implementation.cache_tag
    names = set(zipfile.ZipFile(packaged / "deployment.zip").namelist())
    assert f"__pycache__/app.{tag}.pyc" in names
    assert f"chalicelib/domain/__pycache__/availability.{tag}.pyc" in names


def test_the_wake_up_consumer_reports_partial_batch_failures_on_the_notification_queue(template):
    consumers = {function: props for function, _, props in checks.events(template, "SQS")}
    assert set(consumers) == {"DeliverNotifications", "BusySync"}
    for props in consumers.values():
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert consumers["DeliverNotifications"]["Queue"] == {"Fn::Sub": "${NotificationQueue.Arn}"}
    assert consumers["BusySync"]["Queue"] == {"Fn::Sub": "${BusySyncQueue.Arn}"}


def test_the_api_cold_start_imports_no_calendar_reader():
    """icalendar, recurring-ical-events and msal ship for the sync; the API never loads them."""
    import subprocess
    import sys

    probe = ("import sys, app; heavy = [m for m in ('icalendar', 'recurring_ical_events', "
             "'msal') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], check=True).stdout
    assert out.strip() == "[]"


def test_every_setting_the_code_reads_comes_from_the_template_or_ssm(template):
    from chalicelib.config import SSM_SETTINGS

    read = checks.env_vars_read(Path(__file__).resolve().parents[2] / "chalicelib")
    assert read >= {"TAPAAMO_PAGE_KEY", "TAPAAMO_NOTIFICATION_QUEUE_URL"}  # the scan works
    provided = set(template["Globals"]["Function"]["Environment"]["Variables"])
    provided |= set(SSM_SETTINGS.values())
    provided |= set(checks.stage_variables("prod"))
    assert sorted(read - provided - checks.LOCAL_ONLY_SETTINGS) == []


def test_amazon_connect_may_invoke_the_on_call_lookup_when_an_instance_is_given(template):
    permission = template["Resources"]["ConnectInvokesOncallLookup"]
    assert permission["Condition"] == "HasConnect"
    props = permission["Properties"]
    assert props["FunctionName"] == {"Fn::GetAtt": ["ConnectOncall", "Arn"]}
    assert props["Principal"] == "connect.amazonaws.com"
    assert props["SourceArn"] == {"Ref": "ConnectInstanceArn"}


def test_alarms_watch_the_metrics_the_code_emits_in_its_namespace(template):
    import json as _json
    from datetime import UTC, datetime

    from chalicelib.notify.metrics import emf_line

    alarms = {r["Properties"].get("MetricName"): r["Properties"] for r in template["Resources"].values()
              if r["Type"] == "AWS::CloudWatch::Alarm"}
    globals_env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert globals_env["TAPAAMO_METRICS_NAMESPACE"] == {"Ref": "MetricsNamespace"}
    for name in ("NotificationsFailed", "NotificationsResent"):
        assert alarms[name]["Namespace"] == {"Ref": "MetricsNamespace"}
        assert "Dimensions" not in alarms[name]  # so the EMF line must carry a dimensionless set
        directive = _json.loads(emf_line(name, 1, datetime(2026, 1, 1, tzinfo=UTC), Kind="reminder"))
        assert [] in directive["_aws"]["CloudWatchMetrics"][0]["Dimensions"]


def test_inbound_sms_reaches_its_handler_from_this_accounts_two_way_sms_only(template):
    resources = template["Resources"]
    topic = resources["InboundSmsTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "DataKey"}
    [source] = resources["InboundSms"]["Properties"]["Events"].values()
    assert source["Type"] == "SNS"
    assert topic["TopicName"] in json.dumps(source["Properties"]["Topic"])
    [statement] = resources["InboundSmsTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "sms-voice.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    permission = resources["ConnectInvokesPageAck"]
    assert permission["Condition"] == "HasConnect"
    assert permission["Properties"]["FunctionName"] == {"Fn::GetAtt": ["ConnectAck", "Arn"]}


def test_an_unknown_route_is_404_in_the_contracts_shape_and_echoes_nothing(template):
    from chalicelib.local.gateway import NO_ROUTE_BODY

    responses = template["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    for name in ("MISSING_AUTHENTICATION_TOKEN", "INVALID_SIGNATURE"):
        assert responses[name]["StatusCode"] == 404, name
        body = responses[name]["ResponseTemplates"]["application/json"]
        # A fixed body, the one the local stack sends: no $context.error.messageString,
        # which for these responses can quote the Authorization header.
        assert "$" not in body and json.loads(body) == json.loads(NO_ROUTE_BODY)
