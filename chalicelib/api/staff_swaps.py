"""The staff console's shift swap forms: ask for a swap of one's own shift, accept another's.

Both are buttons on the on-call page (plain POSTs with CSRF, then back to the page); the
rota changes only on accept (``services/swaps.py``).
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.console import Visit, console_route
from chalicelib.domain.errors import Conflict
from chalicelib.domain.swaps import shift_from_dict
from chalicelib.services import swaps as use

bp = Blueprint(__name__)


@console_route(bp, "/staff/oncall/swaps", methods=("POST",))
def ask_swap(visit: Visit):
    use.require_worker(visit.actor)
    shift = shift_from_dict({name: visit.field(name) for name in ("level", "start", "end")})
    use.ask_swap(bootstrap.wiring().rota, visit.actor, shift, visit.now)
    return visit.go("/staff/oncall?notice=swap-asked")


@console_route(bp, "/staff/oncall/swaps/{swap_id}/accept", methods=("POST",))
def accept_swap(visit: Visit, swap_id: str):
    wiring = bootstrap.wiring()
    try:
        use.accept_swap(wiring.rota, wiring.directory, visit.actor, swap_id, visit.now,
                        f"{wiring.settings.public_url}/staff/oncall")
    except Conflict:  # another worker was quicker: the page says so, the list shows who
        return visit.go("/staff/oncall?notice=swap-taken")
    return visit.go("/staff/oncall?notice=swap-accepted")
