"""Running the git command line without prompts, with a time limit."""

from __future__ import annotations

import os
import subprocess  # nosec B404  # git runs from an argument list, never through a shell
from pathlib import Path

DEFAULT_TIMEOUT_S = 600.0


class GitFailure(Exception):
    """git failed; the message is git's error line (or why git did not run)."""


def quiet_environment() -> dict[str, str]:
    """The caller's environment with git's own prompts and LFS downloads turned off."""
    env = dict(os.environ)
    env.update(GIT_TERMINAL_PROMPT="0", GCM_INTERACTIVE="never", GIT_LFS_SKIP_SMUDGE="1", LC_ALL="C")
    return env


def network_environment() -> dict[str, str]:
    """`quiet_environment`, plus ssh in batch mode unless the user chose an ssh command."""
    env = quiet_environment()
    if "GIT_SSH_COMMAND" not in env:
        try:
            configured = run_git(["config", "--get", "core.sshCommand"], timeout_s=30, env=env)
        except GitFailure:
            configured = ""
        if not configured:
            env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
    return env


def _error_line(text: str) -> str:
    """git's first 'fatal:' or 'error:' line (later ones repeat generic advice), else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (errors or lines or ["no error message"])[0 if errors else -1]


def run_git(
    args: list[str],
    *,
    cwd: Path | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    env: dict[str, str] | None = None,
) -> str:
    """Run `git ARGS` and return its stdout, stripped; raise GitFailure when it fails."""
    try:
        done = subprocess.run(  # noqa: S603  # nosec B603, B607  # git on PATH by design; a fixed argument list, no shell
            ["git", *args],  # noqa: S607 - git is looked up on PATH on purpose
            cwd=cwd,
            env=env if env is not None else quiet_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout_s,
            check=False,
        )
    except FileNotFoundError:
        raise GitFailure("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise GitFailure(f"git {args[0]} timed out after {timeout_s:g} s") from None
    if done.returncode != 0:
        raise GitFailure(_error_line(done.stderr))
    return done.stdout.strip()


def head_commit(folder: Path) -> str:
    """The commit checked out in `folder`, or '' when it has none or git is unavailable."""
    try:
        return run_git(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=folder, timeout_s=30)
    except GitFailure:
        return ""
