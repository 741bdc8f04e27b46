"""Tokens: what is stored is the SHA-256, derived tokens are stable, comparing never raises."""

from hypothesis import given
from hypothesis import strategies as st

from chalicelib import tokens


def test_the_stored_form_of_a_token_is_its_sha256_hex():
    assert tokens.token_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_a_derived_token_is_the_same_for_the_same_inputs_and_differs_by_key():
    key = tokens.sub_key(b"server key", b"label")
    first = tokens.derive(key, "esc-1|0.1")
    assert first == tokens.derive(key, "esc-1|0.1") and len(first) == 32
    assert first != tokens.derive(tokens.sub_key(b"server key", b"other"), "esc-1|0.1")
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_drawn_token_is_new_each_time():
    assert tokens.draw(18) != tokens.draw(18) and len(tokens.draw(18)) == 24


@given(st.text(max_size=40), st.text(max_size=40))
def test_comparing_any_text_answers_equality_and_never_raises(given_text, expected):
    assert tokens.same(given_text, expected) == (given_text == expected)


def test_nothing_given_is_never_the_same():
    assert not tokens.same(None, "")
