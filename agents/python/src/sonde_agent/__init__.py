"""Sonde's Python agent: dynamic logs in a running Python program, from any editor.

``sonde_agent.start()`` starts it in this process (settings from the
SONDE_* environment variables); ``python -m sonde_agent app.py`` runs a
program with it.
"""

from __future__ import annotations

__version__ = "0.1.0"

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
    except Exception as err:  # noqa: BLE001
        import sys

        sys.stderr.write(f"sonde agent: could not start ({err}); the program runs without it\n")
    return _agent
