"""The local stack's folders, ports and environment, and how it reads the Java version."""

import socket
from pathlib import Path

import pytest

from chalicelib.local.dynamodb import parse_java_version
from chalicelib.local.settings import StackSettings, dynamodb_port, free_port, port_is_free


@pytest.mark.parametrize(
    ("banner", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_292"', 8),
        ("bash: java: command not found", None),
    ],
)
def test_the_java_major_version_is_read_from_the_version_banner(banner, major):
    assert parse_java_version(banner) == major


def test_each_port_has_its_own_folder_and_its_own_local_dir_in_the_environment(tmp_path):
    a, b = StackSettings(Path("/p"), 8000, tmp_path), StackSettings(Path("/p"), 8001, tmp_path)

    assert a.stack_dir != b.stack_dir
    assert a.environment("http://127.0.0.1:9000")["TAPAAMO_LOCAL_DIR"] == str(tmp_path / "8000")
    assert b.environment("http://127.0.0.1:9001")["TAPAAMO_PUBLIC_URL"] == "http://127.0.0.1:8001"


def test_the_environment_names_the_local_stage_table_and_engine(tmp_path):
    env = StackSettings(Path("/p"), 8000, tmp_path).environment("http://127.0.0.1:9000")

    assert env["TAPAAMO_STAGE"] == "local"
    assert env["TAPAAMO_TABLE"] == "tapaamo"
    assert env["TAPAAMO_DDB_ENDPOINT"] == "http://127.0.0.1:9000"
    assert env["AWS_DEFAULT_REGION"] == "eu-north-1"


def test_the_engine_port_is_derived_from_the_api_port_unless_that_is_taken():
    api_port = free_port()
    if api_port + 1000 > 65535 or not port_is_free(api_port + 1000):
        pytest.skip("the derived port is not free on this machine right now")
    assert dynamodb_port(api_port) == api_port + 1000

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", api_port + 1000))
        squatter.listen()
        other = dynamodb_port(api_port)

    assert other != api_port + 1000
