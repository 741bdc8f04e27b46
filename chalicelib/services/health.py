"""The deep health check: does the table answer (``GET /health?deep=1``)."""

from chalicelib.store.tx import probe_table


def check_table() -> None:
    """One cheap read that needs the table; raises what the client raises when it does
    not answer (a timeout, a refused connection: the route answers 503)."""
    probe_table()
