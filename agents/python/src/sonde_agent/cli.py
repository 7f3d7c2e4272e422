"""``sonde-agent run -- COMMAND [ARGS]``: runs a command whose Python processes start the agent first.

    sonde-agent run -- flask --app app run
    sonde-agent run -- gunicorn -w 4 app:app      (each worker reports as its own agent)

The agent's settings are the SONDE_* environment variables, passed on to the command.
"""

from __future__ import annotations

import os
import shutil
import sys

USAGE = "usage: sonde-agent run -- COMMAND [ARGS]   (settings from SONDE_GATEWAY_URL, SONDE_AGENT_KEY, SONDE_TAGS, ...)"


def main(argv: "list[str] | None" = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if args else 2
    if args[0] != "run":
        sys.stderr.write(f"sonde-agent: unknown command {args[0]!r}\n{USAGE}\n")
        return 2
    command = args[1:]
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        sys.stderr.write(f"sonde-agent run: no command to run\n{USAGE}\n")
        return 2
    executable = shutil.which(command[0])
    if executable is None:
        sys.stderr.write(f"sonde-agent run: {command[0]!r} is not a command on PATH\n")
        return 127
    bootstrap = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bootstrap")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([bootstrap, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    os.execve(executable, command, env)
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
