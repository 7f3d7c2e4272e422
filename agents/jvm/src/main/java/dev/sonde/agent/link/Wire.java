package dev.sonde.agent.link;

import sonde.v1.ActionOuterClass.ActionState;
import sonde.v1.ActionOuterClass.ActionStateKind;
import sonde.v1.ActionOuterClass.ReasonCode;
import sonde.v1.EventOuterClass.Event;
import sonde.v1.EventOuterClass.LogLine;

/** What the probes queued (plain records, made on the program's threads) turned into the protocol's events on the agent's thread. */
public final class Wire {
  private Wire() {}

  public static final String INSTALLED = "installed: a call to the probe at the line, in the method's bytecode";

  /** A queued item: a log line or a state. */
  public sealed interface Item permits Line, LazyLine, State, Snapshot {}

  /** A line whose text is made here, on the agent's thread. */
  public record LazyLine(String actionId, long timeMs, java.util.function.Supplier<String> text) implements Item {}

  public record Snapshot(String actionId, long timeMs, java.util.List<dev.sonde.agent.probes.SnapshotProbe.Frame> frames, java.util.List<dev.sonde.agent.values.Capture.Variable> watches, boolean truncated) implements Item {}

  public record Line(String actionId, long timeMs, String text) implements Item {}

  public record State(String actionId, long timeMs, String state, String code, String message) implements Item {}

  public static Event event(Item item, String agentId) {
    if (item instanceof LazyLine l) {
      String text;
      try {
        text = l.text().get();
      } catch (RuntimeException e) {
        text = "[sonde] the line could not be formatted: " + e;
      }
      return Event.newBuilder().setLog(LogLine.newBuilder().setActionId(l.actionId()).setAgentId(agentId).setTimeMs(l.timeMs()).setText(text)).build();
    }
    if (item instanceof Line l) return Event.newBuilder().setLog(LogLine.newBuilder().setActionId(l.actionId()).setAgentId(agentId).setTimeMs(l.timeMs()).setText(l.text())).build();
    if (item instanceof Snapshot s) {
      sonde.v1.EventOuterClass.Snapshot.Builder b = sonde.v1.EventOuterClass.Snapshot.newBuilder().setActionId(s.actionId()).setAgentId(agentId).setTimeMs(s.timeMs()).setTruncated(s.truncated());
      for (dev.sonde.agent.probes.SnapshotProbe.Frame f : s.frames()) {
        sonde.v1.EventOuterClass.StackFrame.Builder frame = sonde.v1.EventOuterClass.StackFrame.newBuilder().setFunction(f.function()).setLocation(sonde.v1.Common.Location.newBuilder().setFile(f.file()).setLine(f.line()));
        for (dev.sonde.agent.values.Capture.Variable v : f.locals()) frame.addLocals(variable(v));
        b.addFrames(frame);
      }
      for (dev.sonde.agent.values.Capture.Variable w : s.watches()) b.addWatches(variable(w));
      return Event.newBuilder().setSnapshot(b).build();
    }
    State s = (State) item;
    boolean plain = s.state().equals("active") && s.code().isEmpty();
    return Event.newBuilder().setState(ActionState.newBuilder()
        .setActionId(s.actionId()).setAgentId(agentId).setTimeMs(s.timeMs())
        .setState(stateKind(s.state()))
        .setReason(plain ? INSTALLED : s.message())
        .setReasonCode(plain ? ReasonCode.REASON_CODE_INSTALLED : reasonCode(s.code()))).build();
  }

  static sonde.v1.EventOuterClass.Variable variable(dev.sonde.agent.values.Capture.Variable v) {
    sonde.v1.EventOuterClass.Variable.Builder b = sonde.v1.EventOuterClass.Variable.newBuilder().setName(v.name()).setType(v.type()).setValue(v.value()).setTruncated(v.truncated()).setLeft(v.left());
    for (dev.sonde.agent.values.Capture.Variable c : v.children()) b.addChildren(variable(c));
    return b.build();
  }

  static ActionStateKind stateKind(String state) {
    return switch (state) {
      case "active" -> ActionStateKind.ACTION_STATE_KIND_ACTIVE;
      case "pending" -> ActionStateKind.ACTION_STATE_KIND_PENDING;
      case "paused" -> ActionStateKind.ACTION_STATE_KIND_PAUSED_QUOTA;
      case "hit-limit" -> ActionStateKind.ACTION_STATE_KIND_HIT_LIMIT_REACHED;
      default -> ActionStateKind.ACTION_STATE_KIND_ERROR;
    };
  }

  static ReasonCode reasonCode(String code) {
    if (code.isEmpty()) return ReasonCode.REASON_CODE_UNSPECIFIED;
    try {
      return ReasonCode.valueOf("REASON_CODE_" + code.toUpperCase().replace('-', '_'));
    } catch (IllegalArgumentException e) {
      return ReasonCode.REASON_CODE_INTERNAL_ERROR;
    }
  }

  /** The agent endpoint for a gateway base URL: http(s) becomes ws(s), and /v1/agent is added. */
  public static java.net.URI agentUri(String base) {
    String b = base;
    if (b.startsWith("https://")) b = "wss://" + b.substring(8);
    else if (b.startsWith("http://")) b = "ws://" + b.substring(7);
    else if (!b.startsWith("ws://") && !b.startsWith("wss://")) throw new IllegalArgumentException("SONDE_GATEWAY_URL " + base + " is not an http(s) or ws(s) URL; give one such as http://127.0.0.1:8790");
    while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
    return java.net.URI.create(b + "/v1/agent");
  }
}
