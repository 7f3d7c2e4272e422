"""Started by ``sonde-agent run -- COMMAND``: this folder is put first on
PYTHONPATH, so that every Python process the command starts (gunicorn and
its workers, a Flask CLI, a script) starts the agent before its own code.
Then it hands over to any sitecustomize the environment had.
"""

import importlib.util
import os
import sys

try:
    import sonde_agent

    sonde_agent.start()
except Exception as err:  # noqa: BLE001 - the program runs without the agent rather than not at all
    sys.stderr.write(f"sonde agent: could not start ({err}); the program runs without it\n")

# The environment's own sitecustomize, which this one shadows.
_here = os.path.dirname(os.path.abspath(__file__))
for _entry in sys.path:
    if os.path.abspath(_entry or ".") == _here:
        continue
    _candidate = os.path.join(_entry or ".", "sitecustomize.py")
    if os.path.isfile(_candidate):
        _spec = importlib.util.spec_from_file_location("_sonde_shadowed_sitecustomize", _candidate)
        if _spec and _spec.loader:
            _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
        break
