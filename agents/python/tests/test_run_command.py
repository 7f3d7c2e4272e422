"""`sonde-agent run -- COMMAND`: the command's Python processes start the agent first, and a forked child starts its own."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent('''\
    import os, sys, time
    import sonde_agent
    agent = sonde_agent._agent
    print("started", agent is not None and agent._thread is not None and agent._thread.is_alive(), agent.config.agent_id, flush=True)
    pid = os.fork()
    if pid == 0:
        time.sleep(0.2)
        child = sonde_agent._agent
        print("child", child._thread is not None and child._thread.is_alive(), child.config.agent_id, flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
    ''')


def test_run_starts_the_agent_in_the_command_and_again_in_a_forked_child(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "SONDE_GATEWAY_URL": "http://127.0.0.1:9", "SONDE_AGENT_ID": "job-1", "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    out = subprocess.run([sys.executable, "-m", "sonde_agent.cli", "run", "--", "python", str(script)], env=env, capture_output=True, text=True, timeout=60)
    lines = [l for l in out.stdout.splitlines() if l.startswith(("started", "child"))]
    assert lines[0] == "started True job-1", out.stdout + out.stderr
    assert lines[1].startswith("child True job-1-fork"), out.stdout + out.stderr
    assert lines[1] != "child True job-1"


def test_run_says_what_is_wrong_with_its_arguments():
    run = lambda *a: subprocess.run([sys.executable, "-m", "sonde_agent.cli", *a], capture_output=True, text=True, timeout=30)
    assert run("run", "--").returncode == 2 and "no command to run" in run("run", "--").stderr
    missing = run("run", "--", "no-such-command-here")
    assert missing.returncode == 127 and "is not a command on PATH" in missing.stderr
    assert "unknown command" in run("start").stderr
