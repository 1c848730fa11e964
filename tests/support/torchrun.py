"""Launch a script on N local CPU ranks with torch.distributed.run, in its own process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
_LAUNCH_VARIABLES = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def quiet_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment minus launcher and codemill variables; one thread, offline hub, repo importable."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _LAUNCH_VARIABLES and not name.startswith("CODEMILL_")
    }
    python_path = [str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    env.update(
        OMP_NUM_THREADS="1",
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        PYTHONPATH=os.pathsep.join(python_path),
    )
    env.update(extra or {})
    return env


def run_bounded(
    command: list[str], *, env: Mapping[str, str], cwd: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run to completion or kill the whole process group (the launcher and its ranks) at `timeout`."""
    process = subprocess.Popen(
        command,
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"{command[:6]} ran past {timeout:.0f} s; stderr ends with:\n{stderr[-3000:]}")
    if process.returncode != 0:
        pytest.fail(f"{command[:6]} exited with {process.returncode}; stderr ends with:\n{stderr[-3000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def torchrun(
    script: Path, *args: str, ranks: int, env: Mapping[str, str], cwd: Path, timeout: float = 180.0
) -> subprocess.CompletedProcess[str]:
    """`python -m torch.distributed.run --nproc_per_node RANKS --master_port FREE script ARGS`."""
    launcher = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(ranks)]
    launcher += ["--master_addr", "127.0.0.1", "--master_port", str(free_port())]
    return run_bounded([*launcher, str(script), *args], env=env, cwd=cwd, timeout=timeout)
