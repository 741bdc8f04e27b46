"""`python -m chalicelib.cli token` signs with the running stack's key, as README gives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib import cli
from harness.api import call


def mint(capsys, *args) -> dict:
    assert cli.main(["token", *args]) == 0
    return {"Authorization": f"Bearer {capsys.readouterr().out.split()[-1]}"}


@pytest.fixture
def stack_dir(aws, monkeypatch, tmp_path):
    """A checkout whose stack on PORT=8123 keeps its key where the app under test reads it."""
    project = tmp_path / "checkout"
    (project / ".local").mkdir(parents=True)
    Path(aws["TAPAAMO_LOCAL_DIR"]).mkdir(parents=True, exist_ok=True)
    (project / ".local" / "8123").symlink_to(aws["TAPAAMO_LOCAL_DIR"], target_is_directory=True)
    monkeypatch.setattr(cli, "PROJECT_DIR", project)
    monkeypatch.setenv("PORT", "8123")
    return project / ".local" / "8123"


def test_without_tapaamo_local_dir_the_token_is_signed_with_the_key_of_the_stack_on_port(
        client, aws, stack_dir, capsys, monkeypatch):
    monkeypatch.delenv("TAPAAMO_LOCAL_DIR")
    headers = mint(capsys, "--role", "coordinator")
    monkeypatch.setenv("TAPAAMO_LOCAL_DIR", aws["TAPAAMO_LOCAL_DIR"])  # as the stack runs
    assert call(client, "GET", "/offices", headers)[0] == 200
    worker = mint(capsys, "--role", "worker", "--worker", "w-aino")
    assert call(client, "GET", "/workers", worker)[0] == 403  # signed, and a worker's


def test_another_port_is_another_stacks_key(client, aws, stack_dir, capsys, monkeypatch):
    monkeypatch.delenv("TAPAAMO_LOCAL_DIR")
    monkeypatch.setenv("PORT", "8124")
    headers = mint(capsys, "--role", "coordinator")
    monkeypatch.setenv("TAPAAMO_LOCAL_DIR", aws["TAPAAMO_LOCAL_DIR"])
    assert call(client, "GET", "/offices", headers)[0] == 401


def test_tapaamo_local_dir_still_wins(client, aws, capsys):
    assert call(client, "GET", "/offices", mint(capsys, "--role", "coordinator"))[0] == 200
