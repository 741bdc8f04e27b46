"""``chalice local`` with the deployed gateway's answer to an unknown route: 404 in our shape.

``chalice local`` imitates API Gateway's defaults for a path no route matches: 403
``Missing Authentication Token``, or, when the request has an ``Authorization`` header,
a 403 that quotes the header back (a bearer token in a terminal or a log). The stack's
template replaces those answers (``GatewayResponses`` in infra/template.yaml); this
server does the same locally, and is otherwise Chalice's own dev server::

    python -m chalicelib.local.gateway --port 8000 [--host 127.0.0.1] [--stage local]
"""

from __future__ import annotations

import argparse
import logging
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from chalice.local import (ChaliceRequestHandler, LocalDevServer, LocalGateway,
                           LocalGatewayException)

from chalicelib.api.errors import error_body

PROJECT_DIR = Path(__file__).resolve().parents[2]
NO_ROUTE_BODY = error_body("not_found", "no such resource")  # = the template's body


class RouteNotFound(LocalGatewayException):
    CODE = 404


class ContractGateway(LocalGateway):
    """Chalice's fake API Gateway, answering an unknown route as the deployed one does."""

    def handle_request(self, method, path, headers, body):
        try:
            self.event_converter.create_lambda_event(method=method, path=path,
                                                     headers=headers, body=body)
        except ValueError:  # Chalice's "no matching route", before any authorizer runs
            raise RouteNotFound({"Content-Type": "application/json"},
                                NO_ROUTE_BODY.encode()) from None
        return super().handle_request(method, path, headers, body)


class ContractRequestHandler(ChaliceRequestHandler):
    def __init__(self, request, client_address, server, app_object, config) -> None:
        # BaseHTTPRequestHandler serves the request inside __init__: the gateway first.
        self.local_gateway = ContractGateway(app_object, config)
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)


def server(host: str, port: int, stage: str) -> LocalDevServer:
    """The dev server for the project's app on ``host:port`` with ``stage``'s variables."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(str(PROJECT_DIR)).create_config_obj(chalice_stage_name=stage)
    return LocalDevServer(config.chalice_app, config, host, port,
                          handler_cls=ContractRequestHandler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.local.gateway",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    # As `chalice local` does: the app's log lines on stdout, like Lambda's.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    server(args.host, args.port, args.stage).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
