"""A throwaway PostgreSQL cluster for the team-mode tests, as tests/server.rs makes one for
the Rust suite: `initdb` in a temporary folder (owned by `postgres` when the tests run as
root), a free port on 127.0.0.1, trusted logins on loopback, stopped and removed afterwards.
The shop's catalog gets there through `shelf server push`, and each person gets a login role
in the staff or owner group with their `users` row, as `shelf server add-person` makes them."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ADMIN = "shelfadmin"


def _bindir():
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(out) / "initdb").exists():
            return Path(out)
    except (OSError, subprocess.CalledProcessError):
        pass
    return Path("/usr/lib/postgresql/15/bin")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(args):
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class TeamServer:
    def __init__(self):
        self.bin = _bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="shelf-e2e-pg-", dir="/tmp"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = _free_port()
        subprocess.run(_as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-U", ADMIN, "--auth=trust",
                                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True)
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                                  "-w", "start"]),
                       check=True, capture_output=True)
        self.sql("postgres", "CREATE DATABASE shop")

    def url(self, login, database="shop"):
        return f"postgresql://{login}@127.0.0.1:{self.port}/{database}"

    def sql(self, database, statement):
        result = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                                 "-p", str(self.port), "-U", ADMIN, "-d", database, "-c", statement],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise AssertionError(f"psql {statement!r} failed: {result.stderr}")
        return result.stdout.strip()

    def add_person(self, username, role):
        self.sql("shop", f'CREATE ROLE "{username}" LOGIN; GRANT shelf_{role} TO "{username}"; '
                         f"INSERT INTO users (username, display_name, role) VALUES ('{username}', '{username.title()}', '{role}')")

    def stop(self):
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def start_again(self):
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                                  "-w", "start"]),
                       check=True, capture_output=True)

    def pause(self):
        """Stops the server (fast shutdown) but keeps its data, to be started again."""
        subprocess.run(_as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                       check=True, capture_output=True)
