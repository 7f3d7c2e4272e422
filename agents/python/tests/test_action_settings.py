"""What the gateway sends beside the line: an action's capture limits and the policy's per-kind quotas, taken from protobuf by the agent and applied by its engine."""

import textwrap

import pytest

from engines import module
from sonde_agent._proto.sonde.v1 import action_pb2, agent_pb2, common_pb2, policy_pb2
from sonde_agent.agent import Agent
from sonde_agent.config import Config
from sonde_agent.probes.capture import Capture, Limits

SOURCE = textwrap.dedent('''\
    def order(customer, items):
        note = "deliver before noon, ring twice"
        return len(items)
    ''')


@pytest.fixture()
def shop(tmp_path, monkeypatch):
    with module(tmp_path, monkeypatch, "settings_shop", SOURCE) as m:
        yield m


@pytest.fixture()
def agent(tmp_path):
    return Agent(Config(agent_id="python-test", roots=[str(tmp_path)]), log=lambda msg: None)


def action(kind, line, **fields):
    return action_pb2.Action(id=f"{kind}-1", kind=kind, location=common_pb2.Location(file="settings_shop.py", line=line), **fields)


def events(agent, kind):
    return [e for e in agent.events if e[0] == kind]


def test_a_snapshot_takes_the_actions_capture_limits_and_zero_keeps_each_default(shop, agent):
    limits = action_pb2.CaptureLimits(max_depth=1, max_collection_items=2, max_string_length=7)
    agent._upsert(action(action_pb2.ACTION_KIND_SNAPSHOT, 3, limits=limits))
    assert events(agent, "state")[-1][3] == "active"
    shop.order({"name": "Ada", "address": {"city": "Paris"}}, ["tea", "milk", "bread"])
    _, _, _, frames, _, _ = events(agent, "snapshot")[-1]
    local = {v.name: v for v in frames[0][3]}
    assert local["note"].value == "deliver\u2026" and local["note"].truncated, "strings cut at 7"
    assert [c.name for c in local["items"].children] == ["0", "1"] and local["items"].truncated, "2 items of 3"
    assert local["customer"].children and all(not c.children for c in local["customer"].children), "one level below the local, no more"
    assert Limits.of(0, 0, 0, 0, 0) == Limits(), "zero is the default"
    assert Limits.of(-1, 5) == Limits(fields=5), "what is not a positive whole number is the default"


def test_the_policys_quota_for_a_kind_reaches_probes_already_in_and_ends_when_the_policy_drops_it(shop, agent):
    agent._upsert(action(action_pb2.ACTION_KIND_LOG, 3, format="{customer}"))
    agent._policy(policy_pb2.Policy(quotas=[policy_pb2.KindQuota(kind=action_pb2.ACTION_KIND_LOG, per_probe_per_second=1, per_probe_burst=2)]))
    for _ in range(5):
        shop.order("ada", [])
    assert len(events(agent, "log")) == 2, "two lines, the policy's burst"
    assert events(agent, "state")[-1][3:] == ("paused", "quota", "Logpoint is paused due to high call rate until log quota is restored")
    agent._policy(policy_pb2.Policy())
    quota = agent.engine.quotas.per_probe["log"]
    assert (quota.per_second, quota.burst) == (50, 200), "a policy without the quota gives the agent's own budget back"


def test_a_quota_given_as_zero_keeps_the_agents_default_for_that_field(agent):
    agent._policy(policy_pb2.Policy(quotas=[policy_pb2.KindQuota(kind=action_pb2.ACTION_KIND_SNAPSHOT, per_probe_burst=3)]))
    own, shared = agent.engine.quotas.per_probe["snapshot"], agent.engine.quotas.per_agent["snapshot"]
    assert (own.per_second, own.burst, shared.per_second, shared.burst) == (1, 3, 20, 20)


def test_capture_limits_bound_the_tree_a_walk_builds(agent):
    deep = {"a": {"b": {"c": {"d": 1}}}}
    v = Capture(Limits(depth=2)).variable("deep", deep)
    assert v.children[0].children[0].truncated and not v.children[0].children[0].children


def test_on_reconnecting_the_gateways_set_takes_out_what_was_removed_while_the_agent_was_away(shop, agent):
    original = shop.order.__code__
    log = action(action_pb2.ACTION_KIND_LOG, 3, format="{customer}")
    agent._set_all(agent_pb2.ActionSet(actions=[log]))
    shop.order("ada", [])
    assert [e[3] for e in events(agent, "log")] == ["ada"]
    agent._set_all(agent_pb2.ActionSet(actions=[]))
    shop.order("bob", [])
    assert [e[3] for e in events(agent, "log")] == ["ada"], "no line from an action the gateway no longer holds"
    assert shop.order.__code__ is original and agent.engine.probes() == []


def test_stopping_takes_every_probe_out_and_installs_none_after(shop, agent):
    original = shop.order.__code__
    agent._upsert(action(action_pb2.ACTION_KIND_COUNTER, 3))
    assert shop.order.__code__ is not original
    agent.stop()
    assert shop.order.__code__ is original
    agent._upsert(action(action_pb2.ACTION_KIND_COUNTER, 3))
    assert events(agent, "state")[-1][3:] == ("error", "agent-unavailable", "the probe engine was stopped; start a new one to install probes")
