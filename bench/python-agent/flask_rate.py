"""Flask test-client requests a second for two seconds, printed as one number: run by run.py with and without the agent."""

import time

from flask import Flask

app = Flask("bench")


@app.route("/<name>")
def hello(name):
    return "Hello: " + name


client = app.test_client()


def rate(seconds: float) -> float:
    n, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        client.get("/aa")
        n += 1
    return n / seconds


rate(0.3)
print(rate(2.0))
