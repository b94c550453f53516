"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, the server on a Unix socket
there only (no TCP port), stopped and removed at the end. As root (CI), it runs as an unprivileged user.

HELPLINE_TEST_POSTGRES_URL names a server to use instead (each test gets a database of its own on it);
HELPLINE_TEST_POSTGRES=off runs the SQLite half only.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ENV_URL = "HELPLINE_TEST_POSTGRES_URL"
SWITCH = "HELPLINE_TEST_POSTGRES"  # "off": the SQLite half only, for a quick run
PORT = 5439  # the socket's name only: listen_addresses is empty


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))  # Debian keeps them off the PATH
    return candidates[-1] if candidates else None


def _user() -> str | None:
    """As root, the user the server runs as (PostgreSQL refuses root); None: this user will do."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    return None


def missing() -> str | None:
    """Why no cluster can be started here, or None."""
    if os.environ.get(SWITCH, "").lower() == "off":
        return f"switched off ({SWITCH}=off)"
    if os.environ.get(ENV_URL):
        return None
    absent = [name for name in ("initdb", "pg_ctl") if _binary(name) is None]
    if absent:
        return f"{' and '.join(absent)} not found (install PostgreSQL, e.g. apt-get install postgresql)"
    return None


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """The URL of a running server's `postgres` database, for as long as the block lasts."""
    given = os.environ.get(ENV_URL)
    if given:
        yield given
        return
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    assert initdb is not None and pg_ctl is not None
    user = _user()
    folder = Path(tempfile.mkdtemp(prefix="helpline-pg-"))
    data = folder / "data"
    prefix = ["runuser", "-u", user, "--"] if user else []
    try:
        _start(folder, data, prefix, initdb, pg_ctl, user)
        try:
            yield f"postgresql:///postgres?host={folder}&port={PORT}&user=postgres"
        finally:
            subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],  # noqa: S603
                           capture_output=True, check=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start(folder: Path, data: Path, prefix: list[str], initdb: str, pg_ctl: str, user: str | None) -> None:
    try:
        if user:
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        subprocess.run([*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",  # noqa: S603
                        "-E", "UTF8", "--locale", "C"], check=True, capture_output=True, cwd=folder)
        options = f"-c listen_addresses='' -k {folder} -p {PORT} -c fsync=off -c full_page_writes=off"
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"),  # noqa: S603
                        "-w", "start"], check=True, capture_output=True, cwd=folder)
    except subprocess.CalledProcessError as error:
        said = (error.stderr or b"").decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"could not start a PostgreSQL cluster: {' / '.join(said)}") from None


def database_url(server: str, name: str) -> str:
    """The URL of database `name` on the server of `server` (which names the `postgres` database)."""
    base, _, query = server.partition("?")
    head = base.rsplit("/", 1)[0]
    return f"{head}/{name}" + (f"?{query}" if query else "")
