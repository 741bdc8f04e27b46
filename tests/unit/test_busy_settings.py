"""Where Graph is and which certificates a fetch trusts can be changed only locally."""

from chalicelib.config import load_settings


def test_the_prod_stage_ignores_the_local_graph_fake_and_extra_certificates(monkeypatch):
    monkeypatch.delenv("TAPAAMO_PARAMETER_PATH", raising=False)
    for name, value in {"TAPAAMO_GRAPH_URL": "https://localhost:1",
                        "TAPAAMO_GRAPH_LOGIN_URL": "https://localhost:1",
                        "TAPAAMO_SOURCE_CA_FILE": "/tmp/evil.pem"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TAPAAMO_STAGE", "prod")
    prod = load_settings()
    assert (prod.graph_url, prod.graph_login_url, prod.source_ca_file) == (
        "https://graph.microsoft.com", "https://login.microsoftonline.com", None)
    monkeypatch.setenv("TAPAAMO_STAGE", "local")
    assert load_settings().graph_url == "https://localhost:1"
