"""Cursors and pages of staff lists: round trips, refusals, and pages that cover a list once."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.errors import Invalid
from chalicelib.domain.paging import decode_cursor, encode_cursor, page_of, page_size

KEYS = st.text(min_size=1, max_size=40)


@given(KEYS, st.sampled_from(["workers", "cases", "cases:worker=w-aino"]))
def test_a_cursor_gives_back_the_key_it_was_made_from(key, listing):
    assert decode_cursor(listing, encode_cursor(listing, key)) == key


@given(st.text(max_size=60))
def test_any_text_as_a_cursor_is_a_key_or_a_400(text):
    try:
        decode_cursor("workers", text)
    except Invalid as error:
        assert (error.code, error.field) == ("bad_cursor", "cursor")


def test_a_cursor_of_another_list_or_an_old_version_is_refused():
    with pytest.raises(Invalid):
        decode_cursor("cases", encode_cursor("workers", "w-a"))
    with pytest.raises(Invalid):
        decode_cursor("cases:worker=w-b", encode_cursor("cases:worker=w-a", "k1"))
    with pytest.raises(Invalid):
        decode_cursor("workers", "WzIsIndvcmtlcnMiLCJ3LWEiXQ")  # [2,"workers","w-a"]


@given(st.sets(KEYS, max_size=30), st.integers(1, 7))
def test_following_the_cursors_lists_every_item_once_in_order(keys, size):
    seen, cursor = [], None
    while True:
        page = page_of("workers", keys, str, cursor, size)
        assert len(page.items) <= size
        seen.extend(page.items)
        if page.cursor is None:
            break
        assert page.items, "a cursor never leads to an empty page"
        cursor = page.cursor
    assert seen == sorted(keys)


@pytest.mark.parametrize("value, size", [(None, 50), ("1", 1), ("100", 100)])
def test_limit_defaults_to_50_and_takes_1_to_100(value, size):
    assert page_size(value) == size


@pytest.mark.parametrize("value", ["0", "101", "-1", "ten", "", "1.5", "²"])
def test_other_limits_are_400(value):
    with pytest.raises(Invalid):
        page_size(value)


# Not base64, non-ASCII, then base64 of: a lone surrogate as the key, [], null, an empty
# key, a number as the key.
@pytest.mark.parametrize("cursor", ["", "é", "WzEsIndvcmtlcnMiLCJcdWQ4MDAiXQ", "W10", "bnVsbA",
                                    "WzEsIndvcmtlcnMiLCIiXQ", "WzEsIndvcmtlcnMiLDVd"])
def test_odd_cursors_are_refused(cursor):
    with pytest.raises(Invalid):
        decode_cursor("workers", cursor)
