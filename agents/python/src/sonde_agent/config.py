"""The agent's settings, from the same SONDE_* environment variables as every Sonde agent."""

from __future__ import annotations

import os
import secrets
import socket
import site
import sys
import sysconfig
from dataclasses import dataclass, field


@dataclass
class Config:
    #: Gateway base URL (SONDE_GATEWAY_URL), e.g. http://127.0.0.1:8790; without it the agent stays idle.
    gateway_url: str = ""
    #: Agent key (SONDE_AGENT_KEY), sent as a bearer credential.
    agent_key: str = ""
    #: Tags such as "production" (SONDE_TAGS, a comma list).
    tags: list[str] = field(default_factory=list)
    #: App name (SONDE_APP_NAME); defaults to the main script's folder name.
    app_name: str = ""
    #: This process's agent id (SONDE_AGENT_ID); defaults to python-host-pid-random.
    agent_id: str = ""
    #: Folders under which the app's sources live: the working folder, the main script's, and site-packages.
    roots: list[str] = field(default_factory=list)
    #: Probes held at once (SONDE_MAX_PROBES, default 5000); past it an action waits with reason probe-limit.
    max_probes: int = 5000


def _roots() -> list[str]:
    roots = [os.getcwd()]
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if isinstance(main, str):
        roots.append(os.path.dirname(os.path.abspath(main)))
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.append(path)
    try:
        roots.extend(site.getsitepackages())
    except AttributeError:  # a virtualenv's old site module
        pass
    seen: list[str] = []
    for r in roots:
        real = os.path.realpath(r)
        if os.path.isdir(real) and real not in seen:
            seen.append(real)
    return seen


def from_env(env: "dict[str, str] | os._Environ[str]" = os.environ) -> Config:
    host = socket.gethostname()
    return Config(
        gateway_url=env.get("SONDE_GATEWAY_URL", "").rstrip("/"),
        agent_key=env.get("SONDE_AGENT_KEY", ""),
        tags=[t.strip() for t in env.get("SONDE_TAGS", "").split(",") if t.strip()],
        app_name=env.get("SONDE_APP_NAME", "") or os.path.basename(os.getcwd()),
        agent_id=env.get("SONDE_AGENT_ID", "") or f"python-{host}-{os.getpid()}-{secrets.token_hex(2)}",
        roots=_roots(),
        max_probes=_positive_int(env.get("SONDE_MAX_PROBES", ""), 5000, "SONDE_MAX_PROBES"),
    )


def _positive_int(raw: str, default: int, name: str) -> int:
    if not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        sys.stderr.write(f"sonde agent: {name}={raw!r} is not a whole number above 0; using {default}\n")
        return default
    return value
