"""Local key files: many threads and processes asking at once get one key."""

from __future__ import annotations

import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from chalicelib.keyfile import read_or_create
from chalicelib.web import csrf


def test_forty_threads_creating_one_key_all_read_the_same_key(tmp_path):
    path = tmp_path / "stack" / "page-key"
    counter = iter(range(1000))

    def make() -> bytes:
        return f"key-{next(counter)}".encode()

    with ThreadPoolExecutor(max_workers=40) as pool:
        keys = list(pool.map(lambda _: read_or_create(path, make), range(40)))
    assert len(set(keys)) == 1
    assert path.read_bytes() == keys[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["page-key"]  # no temporary left


def test_an_existing_key_is_read_not_replaced(tmp_path):
    path = tmp_path / "page-key"
    path.write_bytes(b"kept")
    assert read_or_create(path, lambda: b"new") == b"kept"


def test_processes_starting_together_share_one_page_key(tmp_path):
    code = ("import sys; from pathlib import Path; from chalicelib.web import csrf; "
            "print(csrf._local_key(Path(sys.argv[1])).decode())")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True) for _ in range(4)]
    keys = {p.communicate()[0].strip() for p in procs}
    assert len(keys) == 1
    assert keys == {csrf._local_key(tmp_path).decode()}
