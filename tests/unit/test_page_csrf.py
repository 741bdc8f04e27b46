"""CSRF tokens of the booking page's forms."""

from datetime import UTC, datetime, timedelta

from chalicelib.web.csrf import WINDOW_SECONDS, form_token, is_valid

KEY = b"k" * 32
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_token_is_accepted_for_its_own_link():
    assert is_valid(KEY, "case-1.secret", form_token(KEY, "case-1.secret", NOW), NOW)


def test_a_token_from_another_link_or_key_is_refused():
    token = form_token(KEY, "case-1.secret", NOW)
    assert not is_valid(KEY, "case-2.secret", token, NOW)
    assert not is_valid(b"x" * 32, "case-1.secret", token, NOW)
    assert not is_valid(KEY, "case-1.secret", None, NOW)
    assert not is_valid(KEY, "case-1.secret", "", NOW)


def test_a_token_lives_through_the_next_window_and_no_longer():
    token = form_token(KEY, "case-1.secret", NOW)
    assert is_valid(KEY, "case-1.secret", token, NOW + timedelta(seconds=WINDOW_SECONDS))
    assert not is_valid(KEY, "case-1.secret", token, NOW + timedelta(seconds=2 * WINDOW_SECONDS))
