"""The packaged CloudFormation stack: lints clean and matches what the code uses."""

from __future__ import annotations

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
    assert not [n for n in names if n.startswith("botocore/")]
    assert archive.stat().st_size < LAMBDA_ZIP_LIMIT / 2
