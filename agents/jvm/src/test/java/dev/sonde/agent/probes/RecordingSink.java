package dev.sonde.agent.probes;

import dev.sonde.agent.values.Capture;
import java.util.ArrayList;
import java.util.List;

/** A probe sink for the tests: what the probes produced, in order (lines, states as "state code message", snapshots' frames). */
public final class RecordingSink implements Sink {
  public final List<String> lines = new ArrayList<>();
  public final List<String> states = new ArrayList<>();
  public final List<String[]> stateParts = new ArrayList<>();
  public final List<List<SnapshotProbe.Frame>> snapshots = new ArrayList<>();

  @Override
  public synchronized void line(String actionId, String text) {
    lines.add(text);
  }

  @Override
  public synchronized void state(String actionId, String state, String code, String message) {
    states.add(state + " " + code + " " + message);
    stateParts.add(new String[] {actionId, state, code, message});
  }

  @Override
  public synchronized void snapshot(String actionId, List<SnapshotProbe.Frame> frames, List<Capture.Variable> watches, boolean truncated) {
    snapshots.add(frames);
    lines.add("snapshot " + frames.size());
  }

  /** The last state, as {action id, state, code, message}. */
  public synchronized String[] last() {
    return stateParts.get(stateParts.size() - 1);
  }
}
