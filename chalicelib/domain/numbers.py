"""Exact numbers: hours and counts as ints or Decimals, never binary floats.

DynamoDB stores numbers as decimal strings; a float read back from it (``1.5``) is
refused by boto3's serializer in the next raw write, and ``33.6588`` hours would no
longer be the number the coordinator typed.
"""

from __future__ import annotations

from decimal import Decimal


def exact_number(value) -> int | Decimal:
    """``value`` (int, float, Decimal or numeric str) as an int when whole, else a Decimal.

    >>> exact_number(1.5), exact_number(Decimal("24.0")), exact_number("33.6588")
    (Decimal('1.5'), 24, Decimal('33.6588'))
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return int(number) if number == number.to_integral_value() else number
