"""``python -m sonde_agent app.py [args]``: runs the program with the agent started first."""

from __future__ import annotations

import os
import runpy
import sys


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: python -m sonde_agent SCRIPT [ARGS]   or   python -m sonde_agent -m MODULE [ARGS]\n")
        sys.exit(2)
    import sonde_agent

    if sys.argv[1] == "-m":
        if len(sys.argv) < 3:
            sys.stderr.write("usage: python -m sonde_agent -m MODULE [ARGS]\n")
            sys.exit(2)
        module, sys.argv = sys.argv[2], sys.argv[2:]
        sonde_agent.start()
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        # An absolute path: the script's code objects and __file__ name it so, and paths match by their ends.
        script = os.path.abspath(sys.argv[1])
        sys.argv = [script, *sys.argv[2:]]
        sys.path.insert(0, os.path.dirname(script))
        sonde_agent.start(extra_roots=[os.path.dirname(script)])
        runpy.run_path(script, run_name="__main__")


main()
