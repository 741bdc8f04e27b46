"""SMS length in segments (3GPP TS 23.038 GSM-7 alphabet, else UCS-2).

One segment holds 160 GSM-7 characters (extension-table characters count twice) or
70 UCS-2 characters. Finnish and Swedish letters ä, ö, å, Ä, Ö, Å are in the GSM-7
basic table, so Finnish and Swedish texts stay at 160.
"""

from __future__ import annotations

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    """True if every character can be sent in the GSM-7 alphabet."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def sms_units(text: str) -> int:
    """Length as the network counts it: septets for GSM-7, UTF-16 units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many SMS segments ``text`` takes (1 while it fits a single message).

    >>> sms_segments("Muistutus: tapaaminen ti 1.12. klo 9.00, kotona.")
    1
    """
    units = sms_units(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if units <= single else -(-units // multi)
