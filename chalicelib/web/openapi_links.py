"""The OpenAPI links of the document (``chalicelib/web/openapi.py``): how one answer leads to
the next call. They follow a family's booking from opening the case to cancelling the time;
tools follow them, and ``make fuzz`` walks them statefully (tests/fuzz/stateful.py).

Keyed by ``(method, path)`` of the answering operation; each value is that operation's
first success response's ``links`` (OpenAPI 3.1 Link Objects, by ``operationId``).
"""

_FAMILY = {"token": "$request.path.token"}
_BOOKED = {**_FAMILY, "appointment_id": "$response.body#/id"}
LINKS = {
    ("POST", "/cases"): {"IssueBookingLink": {
        "operationId": "post /cases/{case_id}/booking-links",
        "parameters": {"case_id": "$response.body#/id"}}},
    ("POST", "/cases/{case_id}/booking-links"): {"FreeSlots": {
        "operationId": "get /book/{token}/slots", "parameters": {"token": "$response.body#/token"}}},
    ("GET", "/book/{token}/slots"): {"BookTheFirstSlot": {
        "operationId": "post /book/{token}/appointments", "parameters": _FAMILY,
        "requestBody": {"start": "$response.body#/slots/0/start",
                        "location": "$response.body#/slots/0/locations/0"}}},
    ("POST", "/book/{token}/appointments"): {
        "MoveRightAfter": {"operationId": "post /book/{token}/appointments/{appointment_id}/move",
                           "parameters": _BOOKED,
                           "requestBody": {"start": "$response.body#/end",
                                           "location": "$response.body#/location"}},
        "Cancel": {"operationId": "post /book/{token}/appointments/{appointment_id}/cancel",
                   "parameters": _BOOKED}},
    ("POST", "/book/{token}/appointments/{appointment_id}/move"): {"CancelTheMoved": {
        "operationId": "post /book/{token}/appointments/{appointment_id}/cancel",
        "parameters": _BOOKED}},
}
