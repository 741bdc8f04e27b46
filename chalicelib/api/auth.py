"""The staff authorizer: a Chalice built-in authorizer (it runs in ``chalice local`` too).

It verifies the bearer token and hands the role and worker id to the views. A bad token
is passed on marked ``error`` instead of being denied here, so the view answers 401 in
the contract's error shape (a denial at the gateway could only be a 403 in its own
shape); a missing header is refused by the gateway with 401.
"""

import logging

from chalice import AuthResponse, Blueprint

from chalicelib.auth import verify
from chalicelib.config import load_settings
from chalicelib.domain.errors import Unauthorized

bp = Blueprint(__name__)
log = logging.getLogger("tapaamo.auth")


@bp.authorizer(ttl_seconds=60)
def staff(auth_request):
    header = auth_request.token or ""
    scheme, _, token = header.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("use 'Authorization: Bearer <token>'")
        actor = verify(token.strip(), load_settings())
    except Unauthorized as error:
        return _anonymous(error.message)
    except Exception as error:  # noqa: BLE001 - an authorizer that raises drops the connection
        log.error("token verification failed: %s", type(error).__name__)
        return _anonymous("the token could not be verified")
    return AuthResponse(routes=["*"], principal_id=actor.subject,
                        context={"role": actor.role, "worker": actor.worker_id or ""})


def _anonymous(reason: str) -> AuthResponse:
    return AuthResponse(routes=["*"], principal_id="anonymous", context={"error": reason})
