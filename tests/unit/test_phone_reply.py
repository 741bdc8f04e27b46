"""Reading a paged worker's reply: which words acknowledge, resolve, or ask for help."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.phone_reply import Reply, read_reply, same_number


@pytest.mark.parametrize("text", ["OK", "ok", " Ok. ", "1", "kuittaa", "KVITTERA", "ack"])
def test_the_acknowledging_words_acknowledge_the_newest_page(text):
    assert read_reply(text) == Reply("acknowledge")


@pytest.mark.parametrize("text, reply", [
    ("3fa9c1", Reply("acknowledge", "3FA9C1")),
    ("OK 3FA9C1", Reply("acknowledge", "3FA9C1")),
    ("lopeta", Reply("resolve")),
    ("RESOLVE 3fa9c1", Reply("resolve", "3FA9C1")),
])
def test_a_short_code_names_the_page(text, reply):
    assert read_reply(text) == reply


@pytest.mark.parametrize("text", ["", None, "soitan kohta", "OK OK", "2", "OK 3FA9C1 nyt",
                                  "LOPETA kohta"])
def test_anything_else_is_a_request_for_help(text):
    assert read_reply(text) == Reply("help")


@given(st.text(max_size=40))
def test_any_text_reads_as_one_of_the_three_actions(text):
    reply = read_reply(text)
    assert reply.action in ("acknowledge", "resolve", "help")
    assert reply.code is None or (len(reply.code) == 6 and reply.code.upper() == reply.code)


@pytest.mark.parametrize("a, b, same", [
    ("+358401110001", "+358 40 111 0001", True), ("0401110001", "+358401110001", True),
    ("00358401110001", "+358401110001", True), ("+358401110001", "+358401110002", False),
    ("", "", False), (None, "+358401110001", False)])
def test_numbers_match_however_they_are_written(a, b, same):
    assert same_number(a, b) is same
