"""Review rules: their JSON form for PUT /review-rules/{service}, validation and defaults."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import Invalid, Rejected
from chalicelib.domain.review_rules import (
    ANCHORS,
    DEFAULT_RULES,
    MAX_REMINDER_DAYS,
    REVIEW_KINDS,
    SERVICES,
    AfterDays,
    AfterMeeting,
    AfterMonths,
    AfterWorkingDays,
    ByEnd,
    Recurring,
    rule_from_dict,
    rule_to_dict,
    rules_from_payload,
    rules_to_payload,
)

ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,39}", fullmatch=True)
kinds = st.sampled_from(REVIEW_KINDS)
days = st.integers(min_value=0, max_value=3660)
months = st.integers(min_value=1, max_value=120)
# As stored: distinct whole days, largest first.
reminders = st.sets(st.integers(min_value=0, max_value=MAX_REMINDER_DAYS), max_size=10).map(
    lambda found: tuple(sorted(found, reverse=True)))
rules = st.one_of(
    st.builds(AfterDays, ids, kinds, days, reminders),
    st.builds(AfterWorkingDays, ids, kinds, days, reminders),
    st.builds(AfterMonths, ids, kinds, months, reminders),
    st.builds(Recurring, ids, kinds, months, st.sampled_from(ANCHORS), reminders),
    st.builds(AfterMeeting, ids, kinds, st.integers(min_value=1, max_value=500), days, reminders),
    st.builds(ByEnd, ids, kinds, st.none() | months, st.none() | months, reminders),
)


@given(rules)
def test_a_rule_survives_its_json_form(rule):
    assert rule_from_dict(rule_to_dict(rule)) == rule


def test_the_json_form_names_the_type_and_leaves_out_unset_parameters():
    assert rule_to_dict(ByEnd("final", "final", min_months=6)) == {
        "id": "final", "kind": "final", "type": "by_end", "min_months": 6,
        "reminder_days": [14, 3],
    }
    assert rule_to_dict(Recurring("review", "review", 4, "last_completion", (30,))) == {
        "id": "review", "kind": "review", "type": "recurring", "months": 4, "anchor": "last_completion",
        "reminder_days": [30],
    }


def test_reminder_days_default_to_14_and_3_and_are_kept_largest_first():
    plan = {"id": "plan", "kind": "plan", "type": "after_days", "days": 14}
    assert rule_from_dict(plan).reminder_days == (14, 3)
    assert rule_from_dict({**plan, "reminder_days": [1, 30, 7]}).reminder_days == (30, 7, 1)
    assert rule_from_dict({**plan, "reminder_days": [0]}).reminder_days == (0,)
    assert rule_from_dict({**plan, "reminder_days": []}).reminder_days == ()


@given(st.lists(st.integers(min_value=0, max_value=MAX_REMINDER_DAYS), unique=True, max_size=10))
def test_any_distinct_reminder_days_read_back_the_same_whatever_their_order(given_days):
    plan = {"id": "plan", "kind": "plan", "type": "after_days", "days": 14,
            "reminder_days": given_days}
    stored = rule_to_dict(rule_from_dict(plan))["reminder_days"]
    assert stored == sorted(given_days, reverse=True)
    assert rule_from_dict({**plan, "reminder_days": stored}) == rule_from_dict(plan)


@pytest.mark.parametrize(
    ("value", "error", "code"),
    [
        (14, Invalid, "invalid_rule"),
        ([14, "3"], Invalid, "invalid_rule"),
        ([14, 3.5], Invalid, "invalid_rule"),
        ([True], Invalid, "invalid_rule"),
        ([14, -1], Rejected, "out_of_range"),
        ([MAX_REMINDER_DAYS + 1], Rejected, "out_of_range"),
        ([14, 3, 14], Rejected, "duplicate_reminder_day"),
        (list(range(11)), Rejected, "out_of_range"),
    ],
)
def test_bad_reminder_days_are_refused(value, error, code):
    plan = {"id": "plan", "kind": "plan", "type": "after_days", "days": 14,
            "reminder_days": value}
    with pytest.raises(error) as raised:
        rule_from_dict(plan)
    assert (raised.value.code, raised.value.field) == (code, "reminder_days")


def test_every_service_has_defaults_that_survive_a_put_and_get():
    assert set(DEFAULT_RULES) == set(SERVICES)
    for service_rules in DEFAULT_RULES.values():
        assert rules_from_payload(rules_to_payload(service_rules)) == service_rules


def test_every_service_reviews_the_client_plan_at_least_yearly():
    for service_rules in DEFAULT_RULES.values():
        assert Recurring("client-plan-review", "client-plan-review", 12, "last_completion") in service_rules


@pytest.mark.parametrize(
    ("data", "error", "code", "field"),
    [
        ([], Invalid, "invalid_rule", None),
        ({"id": "plan", "kind": "plan", "days": 14}, Invalid, "invalid_rule", "type"),
        ({"id": "plan", "kind": "plan", "type": "weekly", "days": 14}, Rejected, "unknown_rule_type", "type"),
        ({"id": "plan", "kind": "plan", "type": "after_days"}, Invalid, "invalid_rule", "days"),
        ({"id": "plan", "kind": "plan", "type": "after_days", "days": 14, "month": 1},
         Invalid, "invalid_rule", "month"),
        ({"id": "plan", "kind": "plan", "type": "after_days", "days": "14"}, Invalid, "invalid_rule", "days"),
        ({"id": "plan", "kind": "plan", "type": "after_days", "days": True}, Invalid, "invalid_rule", "days"),
        ({"id": "plan", "kind": "plan", "type": "after_days", "days": 14.5}, Invalid, "invalid_rule", "days"),
        ({"id": "plan", "kind": "plan", "type": "after_days", "days": -1}, Rejected, "out_of_range", "days"),
        ({"id": "plan", "kind": "plan", "type": "after_months", "months": 0}, Rejected, "out_of_range", "months"),
        ({"id": "plan", "kind": "lunch", "type": "after_days", "days": 14},
         Rejected, "unknown_kind", "kind"),
        ({"id": "Plan 1", "kind": "plan", "type": "after_days", "days": 14},
         Rejected, "invalid_rule_id", "id"),
        ({"id": "r", "kind": "review", "type": "recurring", "months": 4, "anchor": "end"},
         Rejected, "unknown_anchor", "anchor"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(data, error, code, field):
    with pytest.raises(error) as raised:
        rule_from_dict(data)
    assert (raised.value.code, raised.value.field) == (code, field)


def test_a_payload_error_names_the_rule_by_position():
    body = {"rules": [{"id": "plan", "kind": "plan", "type": "after_days", "days": 14},
                      {"id": "review", "kind": "review", "type": "recurring", "months": 400,
                       "anchor": "start"}]}
    with pytest.raises(Rejected) as raised:
        rules_from_payload(body)
    assert raised.value.field == "rules[1].months"


def test_a_rule_id_used_twice_is_refused():
    rule = {"id": "plan", "kind": "plan", "type": "after_days", "days": 14}
    with pytest.raises(Rejected) as raised:
        rules_from_payload({"rules": [rule, rule]})
    assert (raised.value.code, raised.value.field) == ("duplicate_rule_id", "rules[1].id")


@pytest.mark.parametrize("body", [None, [], {"rules": {}}, {"rule": []}])
def test_a_payload_without_a_rules_list_is_malformed(body):
    with pytest.raises(Invalid):
        rules_from_payload(body)


def test_an_empty_rule_list_is_allowed():
    assert rules_from_payload({"rules": []}) == ()


def test_an_end_rule_accepts_explicit_nulls():
    data = {"id": "final", "kind": "final", "type": "by_end", "max_months": None, "min_months": 6}
    assert rule_from_dict(data) == ByEnd("final", "final", min_months=6)
