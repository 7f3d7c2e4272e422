"""The agent: one daemon thread that keeps a WebSocket to the gateway, says
hello with the files this process has loaded, turns the gateway's actions
into probes, answers its file queries, and sends what the probes produce in
batches. Probes run in the program's threads and only append to a bounded
queue; everything that waits (the network, hashing files) is on the agent's
thread, which never keeps the program alive.
"""

from __future__ import annotations

import atexit
import collections
import os
import platform
import secrets
import sys
import threading
import time

from websockets.sync.client import connect

from . import __version__
from . import wire
from ._proto.sonde.v1 import action_pb2, agent_pb2, common_pb2, event_pb2
from .config import Config
from .files.file_query import answer, sha256_of
from .files.line_match import EditorLine
from .probes.aggregate_probes import AggregateProbe, CounterProbe
from .probes.capture import Limits
from .probes.engine import ERROR, ProbeEngine
from .probes.quota import BUDGET_FIELDS
from .probes.where import loaded_files
from .wire import Envelope

AGENT_NAME = f"the Python agent {__version__}"
FLUSH_SECONDS = 0.1
BUFFER_CAPACITY = 10_000
MAX_FRAME = 4 * 1024 * 1024
MAX_HELLO_FILES = 5_000
#: How long the program's exit waits for queued lines to be sent.
DRAIN_SECONDS = 1.0
_KINDS = {
    action_pb2.ACTION_KIND_LOG: "log", action_pb2.ACTION_KIND_SNAPSHOT: "snapshot", action_pb2.ACTION_KIND_COUNTER: "counter",
    action_pb2.ACTION_KIND_METRIC: "metric", action_pb2.ACTION_KIND_TICTOC: "tictoc",
}
#: How often counters send the count of their interval (SONDE_METRIC_INTERVAL_MS).
METRIC_SECONDS = float(os.environ.get("SONDE_METRIC_INTERVAL_MS", "5000") or 5000) / 1000


def agent_url(base: str) -> str:
    if base.startswith("https://"):
        base = "wss://" + base[len("https://"):]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://"):]
    elif not base.startswith(("ws://", "wss://")):
        raise ValueError(f"SONDE_GATEWAY_URL {base!r} is not an http(s) or ws(s) URL; give one such as http://127.0.0.1:8790")
    return base.rstrip("/") + "/v1/agent"


class Agent:
    def __init__(self, config: Config, log=lambda msg: sys.stderr.write(f"sonde agent: {msg}\n")) -> None:
        self.config = config
        self.log = log
        self.instance_id = secrets.token_hex(8)
        self.events: collections.deque = collections.deque()
        self.dropped: dict[str, int] = {}
        self._sent_hits: dict[str, tuple[int, int, int]] = {}
        self.engine = ProbeEngine(config.roots, self, config.max_probes)
        self._names: dict[str, str] = {}
        #: When each action expires (ms since the epoch): the agent removes it then, with or without the gateway.
        self._expires: dict[str, int] = {}
        self._interval_start = time.time()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._registered = False
        self.connected = threading.Event()
        #: Set once the gateway's actions for this process have been turned into probes (after each hello).
        self.ready = threading.Event()
        self._next_id = 1

    # The probes' sink, called in the program's threads: a tuple appended to a bounded queue, nothing more
    # (building a protobuf message costs the program more than the line; the agent's thread builds it).
    def _push(self, action_id: str, item: tuple) -> None:
        if len(self.events) >= BUFFER_CAPACITY:
            self.dropped[action_id] = self.dropped.get(action_id, 0) + 1
            return
        self.events.append(item)

    def line(self, action_id: str, text: str) -> None:
        self._push(action_id, ("log", action_id, time.time(), text))

    def snapshot(self, action_id: str, frames, watches, truncated: bool) -> None:
        self._push(action_id, ("snapshot", action_id, time.time(), frames, watches, truncated))

    def state(self, action_id: str, state: str, code: str, message: str) -> None:
        # States are few and must not be lost behind lines: past the queue's bound too.
        self.events.append(("state", action_id, time.time(), state, code, message))

    def start(self) -> None:
        if self._thread is not None:
            return
        if not self.config.gateway_url:
            self.log("no SONDE_GATEWAY_URL: the agent stays idle")
            return
        self._thread = threading.Thread(target=self._run, name="sonde-agent", daemon=True)
        self._thread.start()
        if not self._registered:
            self._registered = True
            atexit.register(self.drain)
            # A forked child (gunicorn's workers) has the probes but not the thread: it starts its own, as its own agent.
            os.register_at_fork(after_in_child=self._forked)

    def _forked(self) -> None:
        try:
            self.config.agent_id = f"{self.config.agent_id.rsplit('-fork', 1)[0]}-fork{os.getpid()}"
            self.instance_id = secrets.token_hex(8)
            self.events.clear()
            self._sent_hits.clear()
            self._thread = None
            self._stop = threading.Event()
            self.connected.clear()
            self.ready.clear()
            self.start()
        except Exception:  # noqa: BLE001 - the child runs without the agent rather than not at all
            pass

    def wait_ready(self, seconds: float) -> bool:
        """Waits, at most ``seconds``, until the gateway's actions for this process are installed; whether they are."""
        return self.ready.wait(seconds) if self._thread is not None else False

    def drain(self, seconds: float = DRAIN_SECONDS) -> None:
        """At exit: gives the agent's thread up to ``seconds`` to send what the probes produced (a short task's lines)."""
        deadline = time.monotonic() + seconds
        while self.connected.is_set() and (self.events or self._unsent_counts()) and time.monotonic() < deadline:
            time.sleep(0.02)
        # The last batch left the queue; let its send finish.
        time.sleep(min(FLUSH_SECONDS, max(0.0, deadline - time.monotonic())))

    def _unsent_counts(self) -> bool:
        return any(self._sent_hits.get(a) != (p.hits, self.dropped.get(a, 0), p.suppressed) for a, p in self.engine.probes())

    def stop(self) -> None:
        """Disconnects and takes every probe out: the program runs its original code, and no probe goes in again."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.engine.stop()

    def _run(self) -> None:
        delay = 0.25
        url = agent_url(self.config.gateway_url)
        while not self._stop.is_set():
            try:
                headers = {"Authorization": f"Bearer {self.config.agent_key}"} if self.config.agent_key else {}
                with connect(url, additional_headers=headers, open_timeout=10, max_size=MAX_FRAME, close_timeout=1) as ws:
                    self._session(ws, url)
                    delay = 0.25
            except Exception as err:  # noqa: BLE001 - the agent's own failures stay on its thread
                self.connected.clear()
                if self._stop.is_set():
                    return
                self.log(f"cannot reach the gateway at {url} ({err}); retrying in {delay:.2f} s")
            self._stop.wait(delay)
            delay = min(delay * 2, 5.0)

    def _session(self, ws, url: str) -> None:
        hello_id = self._send(ws, Envelope(hello=self._hello()), request=True)
        while not self._stop.is_set():
            try:
                data = ws.recv(timeout=FLUSH_SECONDS)
            except TimeoutError:
                data = None
            if data is not None:
                envelope = Envelope.FromString(data if isinstance(data, bytes) else data.encode())
                if envelope.reply_to == hello_id and envelope.WhichOneof("body") == "action_set":
                    self.connected.set()
                    self.log(f"connected to {url} as {self.config.agent_id}")
                    self._set_all(envelope.action_set)
                    self.ready.set()
                elif envelope.reply_to == hello_id and envelope.WhichOneof("body") == "error":
                    raise ConnectionError(f"the gateway refused the agent's hello: {envelope.error.message}")
                else:
                    self._handle(ws, envelope)
            self._flush(ws)

    def _send(self, ws, envelope: Envelope, request: bool = False) -> int:
        if request:
            envelope.id = self._next_id
            self._next_id += 1
        ws.send(envelope.SerializeToString())
        return envelope.id

    def _hello(self) -> agent_pb2.Hello:
        files = [agent_pb2.LoadedFile(path=p, content_hash=sha256_of(p)) for p in loaded_files()[:MAX_HELLO_FILES]]
        c = self.config
        return agent_pb2.Hello(
            agent_id=c.agent_id, runtime=common_pb2.RUNTIME_PYTHON, runtime_version=platform.python_version(), host=platform.node(), pid=os.getpid(),
            app_name=c.app_name, tags=c.tags, agent_version=__version__, files=files, roots=c.roots, instance_id=self.instance_id,
        )

    def _handle(self, ws, envelope: Envelope) -> None:
        body = envelope.WhichOneof("body")
        if body == "action_upsert":
            self._upsert(envelope.action_upsert.action)
        elif body == "action_removed":
            self._forget(envelope.action_removed.action_id)
            self.engine.remove(envelope.action_removed.action_id)
        elif body == "file_query":
            self._send(ws, Envelope(reply_to=envelope.id, file_query_result=answer(envelope.file_query, loaded_files(), self.config.roots)))
        elif body == "action_set":
            self._set_all(envelope.action_set)
        elif body == "policy":
            self._policy(envelope.policy)

    def _set_all(self, action_set) -> None:
        """The gateway's whole set: its policy, its actions, and none of those it no longer holds (removed while the agent was away)."""
        self._policy(action_set.policy)
        keep = {a.id for a in action_set.actions}
        for gone in [a for a in self._names if a not in keep]:
            self._forget(gone)
        self.engine.retain(keep)
        for action in action_set.actions:
            self._upsert(action)

    def _forget(self, action_id: str) -> None:
        self._names.pop(action_id, None)
        self._expires.pop(action_id, None)
        self._sent_hits.pop(action_id, None)
        self.dropped.pop(action_id, None)

    def _policy(self, policy) -> None:
        """The operator's policy, applied before any action and live to the probes already in."""
        quotas = {_KINDS[q.kind]: {f: getattr(q, f) for f in BUDGET_FIELDS} for q in policy.quotas if q.kind in _KINDS}
        refused = self.engine.set_policy(policy.redact_names, policy.redact_patterns, policy.blocked_files, policy.blocked_functions, quotas)
        for why in refused:
            self.log(f"the policy's redaction pattern {why}; it is left out")

    def _upsert(self, action: action_pb2.Action) -> None:
        kind = _KINDS.get(action.kind)
        if kind is None:
            named = action_pb2.ActionKind.Name(action.kind) if action.kind in action_pb2.ActionKind.values() else f"action kind {action.kind}"  # a kind newer than this agent
            self.state(action.id, ERROR, "unsupported-kind", f"{named} is not supported by {AGENT_NAME} yet; only logs, snapshots, counters, metrics and tic-tocs are")
            return
        where = f"{action.location.file}:{action.location.line}"
        end = action.end_location
        end_line = (-1 if end.file and end.file != action.location.file else end.line) if end.line else 0
        default_name = {"metric": (action.expressions[0].strip() if action.expressions else where), "tictoc": f"{where}-{end_line}" if end_line else f"{where} (function)"}.get(kind, where)
        self._names[action.id] = action.metric_name or default_name
        if action.expires_at_ms:
            self._expires[action.id] = action.expires_at_ms
        editor = EditorLine(action.location.line, action.line_text, list(action.lines_before), list(action.lines_after)) if action.line_text or action.lines_before or action.lines_after else None
        l = action.limits
        limits = Limits.of(l.max_depth, l.max_fields, l.max_collection_items, l.max_string_length, l.max_snapshot_bytes)
        self.engine.upsert(action.id, kind, action.location.file, action.location.line, action.format, action.condition, list(action.expressions), action.hit_limit, end_line, editor, limits)

    def _expire_due(self) -> None:
        now = time.time() * 1000
        for action_id, at in list(self._expires.items()):
            if at <= now:
                self._forget(action_id)
                self.engine.remove(action_id)
                self.log(f"action {action_id} expired")

    def _flush(self, ws) -> None:
        self._expire_due()
        batch = []
        while self.events and len(batch) < 1000:
            batch.append(wire.event(self.events.popleft(), self.config.agent_id))
        for action_id, probe in self.engine.probes():
            counts = (probe.hits, self.dropped.get(action_id, 0), probe.suppressed)
            if self._sent_hits.get(action_id) != counts:
                self._sent_hits[action_id] = counts
                batch.append(event_pb2.Event(hits=event_pb2.HitCount(action_id=action_id, agent_id=self.config.agent_id, hits=counts[0], dropped=counts[1], suppressed=counts[2])))
        now = time.time()
        if now - self._interval_start >= METRIC_SECONDS:
            start, self._interval_start = self._interval_start, now
            for action_id, probe in self.engine.probes():
                sample = event_pb2.MetricSample(action_id=action_id, agent_id=self.config.agent_id, name=self._names.get(action_id, ""), interval_start_ms=int(start * 1000), interval_end_ms=int(now * 1000))
                if isinstance(probe, CounterProbe):
                    sample.count = probe.take_count()
                elif isinstance(probe, AggregateProbe):
                    a = probe.take_aggregate()
                    sample.count = a.count
                    if a.count:
                        sample.sum, sample.min, sample.max = a.sum, a.min, a.max
                        sample.p50, sample.p90, sample.p99 = a.quantiles()
                else:
                    continue
                batch.append(event_pb2.Event(metric=sample))
        if batch:
            self._send(ws, Envelope(events=event_pb2.EventBatch(events=batch)))
