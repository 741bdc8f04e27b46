"""The template rules catch the mistakes they are for (on small made-up templates)."""

from __future__ import annotations

import json

from tests.infra import checks

GOOD = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": {"Fn::GetAtt": ["Table", "Arn"]}}]}


def stack(*, policy=GOOD, events=None, shared_role=False):
    resources = {
        "ApiHandlerRole": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": GOOD}]}},
        "APIHandler": _function("ApiHandlerRole"),
        "SweepRole": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": policy}]}},
        "Sweep": _function("ApiHandlerRole" if shared_role else "SweepRole", events),
        "FunctionErrorsAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Metrics": [
            {"MetricStat": {"Metric": {"Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "APIHandler"}}]}}}]}},
    }
    return {"Resources": resources}


def _function(role, events=None):
    props = {"Role": {"Fn::GetAtt": [role, "Arn"]}}
    if events:
        props["Events"] = events
    return {"Type": "AWS::Serverless::Function", "Properties": props}


def test_a_handler_left_on_the_default_policy_fails():
    default = json.loads(checks.DEFAULT_POLICY.read_text())
    assert checks.policy_problems(stack(policy=default)) == [
        "Sweep: no policy of its own (add lambda_functions.<name>.iam_policy_file to .chalice/config.json stage prod)"]


def test_two_handlers_sharing_one_role_fail():
    assert checks.policy_problems(stack(shared_role=True)) == ["Sweep: shares role ApiHandlerRole with APIHandler"]


def test_wildcard_actions_and_star_resources_on_data_services_fail():
    policy = {"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}
    assert checks.policy_problems(stack(policy=policy)) == [
        "Sweep: wildcard action dynamodb:*", "Sweep: Resource '*' for ['dynamodb:*']"]


def test_sms_publish_on_star_passes_only_with_a_condition():
    bare = {"Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}
    narrowed = {"Statement": [{**bare["Statement"][0], "Condition": {"StringEquals": {"aws:RequestedRegion": "x"}}}]}
    assert checks.policy_problems(stack(policy=bare)) == [
        "Sweep: Resource '*' for ['sns:Publish'] without a condition"]
    assert checks.policy_problems(stack(policy=narrowed)) == []


def test_a_function_missing_from_the_errors_alarm_and_a_schedule_without_dead_man_fail():
    template = stack(events={"Every": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}}})
    assert checks.alarm_problems(template) == [
        "Sweep: not in FunctionErrorsAlarm",
        "Sweep: scheduled but no alarm on Invocations < 1 (TreatMissingData breaching)"]


def test_a_queue_consumer_without_partial_batch_failures_or_queue_fails():
    sqs = {"Type": "SQS", "Properties": {"Queue": {"Fn::Sub": "arn:...:wakeups"}}}
    template = stack(events={"Wake": sqs})
    assert checks.queue_problems(template, {"wakeups"}) == [
        "queue wakeups is named in the code but not in the template",
        "Sweep.Wake: set FunctionResponseTypes [ReportBatchItemFailures]",
        "Sweep.Wake: Queue must be !GetAtt <queue>.Arn or !Sub ${<queue>.Arn} (creation order)"]


def test_a_queue_merged_beside_chalices_own_arn_fails():
    broken = {"Fn::GetAtt": ["Wakeups", "Arn"], "Fn::Sub": "arn:${AWS::Partition}:sqs:...:wakeups"}
    template = stack(events={"Wake": {"Type": "SQS", "Properties": {
        "Queue": broken, "FunctionResponseTypes": ["ReportBatchItemFailures"]}}})
    template["Resources"]["Wakeups"] = {"Type": "AWS::SQS::Queue",
                                        "Properties": {"QueueName": "wakeups", "RedrivePolicy": {}}}
    assert checks.queue_problems(template, {"wakeups"}) == [
        "Sweep.Wake: Queue must be !GetAtt <queue>.Arn or !Sub ${<queue>.Arn} (creation order)"]
    template["Resources"]["Sweep"]["Properties"]["Events"]["Wake"]["Properties"]["Queue"] = {
        "Fn::Sub": "${Wakeups.Arn}"}
    assert checks.queue_problems(template, {"wakeups"}) == []
