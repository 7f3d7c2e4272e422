"""Quotas, inside the agent, so that a probe on a hot line never floods the program or the network.

Each probe has its own token bucket and shares one with every probe of its
kind. Over either, the probe pauses with the seed's message and drops its
hits (counted as suppressed); it resumes by itself once its own bucket is
half full again. Defaults are the Node.js agent's (log: 50 a second, bursts
of 200, 500 a second for all; snapshot: 1 a second per probe, 20 for all).
"""

from __future__ import annotations

from dataclasses import dataclass

INF = float("inf")


@dataclass(frozen=True)
class Budget:
    title: str
    per_probe_per_second: float
    per_probe_burst: float
    per_agent_per_second: float
    per_agent_burst: float


BUDGETS = {
    "log": Budget("Logpoint", 50, 200, 500, 1000),
    "snapshot": Budget("Snapshot", 1, 1, 20, 20),
    # Counters aggregate in place: no event a hit, no quota.
    "counter": Budget("Counter", INF, INF, INF, INF),
    "metric": Budget("Metric", INF, INF, INF, INF),
    "tictoc": Budget("Tic-toc", INF, INF, INF, INF),
}


def paused_reason(kind: str) -> str:
    return f"{BUDGETS[kind].title} is paused due to high call rate until {kind} quota is restored"


class TokenBucket:
    __slots__ = ("per_second", "burst", "tokens", "last")

    def __init__(self, per_second: float, burst: float) -> None:
        self.per_second = per_second
        self.burst = burst
        self.tokens = burst
        #: When the tokens were last counted; None until the first take, so that the time a probe waited to be installed refills nothing.
        self.last: "float | None" = None

    def level(self, now: float) -> float:
        if self.last is None:
            self.last = now
        if self.per_second == INF:
            self.tokens = self.burst
        elif now > self.last:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.per_second)
            self.last = now
        return self.tokens

    def take(self, now: float) -> bool:
        if self.last is None:
            self.last = now
        if self.tokens < 1 and self.level(now) < 1:
            return False
        if self.burst != INF:
            self.tokens -= 1
        return True


class ProbeQuota:
    """One probe's admission: its bucket, its kind's shared one, and whether it is paused."""

    __slots__ = ("own", "shared", "paused", "reason")

    def __init__(self, own: TokenBucket, shared: TokenBucket, reason: str) -> None:
        self.own = own
        self.shared = shared
        self.paused = False
        self.reason = reason

    def admit(self, now: float) -> bool:
        if self.paused:
            if self.own.level(now) < self.own.burst / 2 or self.shared.level(now) < 1:
                return False
            self.paused = False
        if self.own.take(now):
            if self.shared.take(now):
                return True
            self.own.tokens += 1
        self.paused = True
        return False


class Quotas:
    """The shared buckets, one per kind, and a quota for each new probe."""

    def __init__(self) -> None:
        self.shared = {kind: TokenBucket(b.per_agent_per_second, b.per_agent_burst) for kind, b in BUDGETS.items()}

    def for_probe(self, kind: str) -> "ProbeQuota | None":
        """The probe's quota; None for a kind without one (every hit is admitted)."""
        b = BUDGETS[kind]
        if b.per_probe_per_second == INF and b.per_agent_per_second == INF:
            return None
        return ProbeQuota(TokenBucket(b.per_probe_per_second, b.per_probe_burst), self.shared[kind], paused_reason(kind))
