"""Sonde's Python agent: dynamic logs in a running Python program, from any editor.

``sonde_agent.start()`` starts it in this process (settings from the
SONDE_* environment variables), ``sonde_agent.stop()`` takes it out again; ``python -m sonde_agent app.py`` runs a
program with it; ``@sonde_agent.task()`` makes a short-lived task wait until
its probes are in.
"""

from __future__ import annotations

import functools
import os

__version__ = "0.1.0"

#: How long a task waits for its probes by default (SONDE_STARTUP_WAIT_MS overrides it).
TASK_WAIT_SECONDS = 2.0


def _wait_seconds(default: float) -> float:
    raw = os.environ.get("SONDE_STARTUP_WAIT_MS", "")
    try:
        return max(0.0, float(raw) / 1000) if raw else default
    except ValueError:
        return default

_agent = None


def start(extra_roots=(), **overrides):
    """Starts the agent once for this process; returns it. Never raises into the program: a failure is said on stderr."""
    global _agent
    if _agent is not None:
        return _agent
    try:
        from .agent import Agent
        from .config import from_env

        config = from_env()
        for key, value in overrides.items():
            setattr(config, key, value)
        config.roots = [*(r for r in extra_roots if r not in config.roots), *config.roots]
        _agent = Agent(config)
        _agent.start()
        wait = _wait_seconds(0.0)
        if wait:
            _agent.wait_ready(wait)
    except Exception as err:  # noqa: BLE001
        import sys

        sys.stderr.write(f"sonde agent: could not start ({err}); the program runs without it\n")
    return _agent


def stop() -> None:
    """Stops the agent of this process, if it runs: disconnects and takes every probe out (each function runs its original code). It does not start again in this process."""
    if _agent is not None:
        try:
            _agent.stop()
        except Exception as err:  # noqa: BLE001
            import sys

            sys.stderr.write(f"sonde agent: could not stop cleanly ({err})\n")


def task(wait_seconds: "float | None" = None):
    """Marks a short-lived task (an Airflow task, a job): before its body runs, the agent is started and
    waits, at most ``wait_seconds`` (default 2 s, or SONDE_STARTUP_WAIT_MS), until the gateway's actions
    for this process are installed, so that probes in the body fire on its one run."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            agent = start()
            if agent is not None:
                agent.wait_ready(wait_seconds if wait_seconds is not None else _wait_seconds(TASK_WAIT_SECONDS))
            return fn(*args, **kwargs)

        return run

    return decorate
