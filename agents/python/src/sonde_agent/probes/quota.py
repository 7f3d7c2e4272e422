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


class Rate:
    """A bucket's rate, shared by every bucket of a kind so that a policy change reaches installed probes."""

    __slots__ = ("per_second", "burst")

    def __init__(self, per_second: float, burst: float) -> None:
        self.per_second = per_second
        self.burst = burst


class TokenBucket:
    __slots__ = ("rate", "tokens", "last")

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self.tokens = rate.burst
        #: When the tokens were last counted; None until the first take, so that the time a probe waited to be installed refills nothing.
        self.last: "float | None" = None

    @property
    def burst(self) -> float:
        return self.rate.burst

    def level(self, now: float) -> float:
        if self.last is None:
            self.last = now
        rate = self.rate
        if rate.per_second == INF:
            self.tokens = rate.burst
        elif now > self.last:
            self.tokens = min(rate.burst, self.tokens + (now - self.last) * rate.per_second)
            self.last = now
        return self.tokens

    def take(self, now: float) -> bool:
        if self.last is None:
            # The full bucket starts at the first take, at the burst then in force.
            self.last = now
            self.tokens = min(self.tokens, self.rate.burst)
        if self.tokens < 1 and self.level(now) < 1:
            return False
        if self.rate.burst != INF:
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


#: The fields of a kind's budget an operator's policy may set (policy.proto's KindQuota).
BUDGET_FIELDS = ("per_probe_per_second", "per_probe_burst", "per_agent_per_second", "per_agent_burst")


class Quotas:
    """Each kind's rates and shared bucket, and a quota for each new probe; apply() changes the rates live."""

    def __init__(self) -> None:
        self.per_probe = {kind: Rate(b.per_probe_per_second, b.per_probe_burst) for kind, b in BUDGETS.items()}
        self.per_agent = {kind: Rate(b.per_agent_per_second, b.per_agent_burst) for kind, b in BUDGETS.items()}
        self.shared = {kind: TokenBucket(rate) for kind, rate in self.per_agent.items()}

    def apply(self, budgets: "dict[str, dict[str, float]]") -> None:
        """The policy's budgets, whole: a kind or field it leaves out (or gives as 0) is the agent's own again."""
        for kind, own in BUDGETS.items():
            given = budgets.get(kind, {})
            value = {f: given.get(f) or getattr(own, f) for f in BUDGET_FIELDS}
            self.per_probe[kind].per_second, self.per_probe[kind].burst = value["per_probe_per_second"], value["per_probe_burst"]
            self.per_agent[kind].per_second, self.per_agent[kind].burst = value["per_agent_per_second"], value["per_agent_burst"]

    def for_probe(self, kind: str) -> "ProbeQuota | None":
        """The probe's quota; None for a kind without one now (every hit is admitted; a policy that sets one later reaches probes made after it)."""
        own, shared = self.per_probe[kind], self.per_agent[kind]
        if own.per_second == INF and shared.per_second == INF:
            return None
        return ProbeQuota(TokenBucket(own), self.shared[kind], paused_reason(kind))
