package dev.sonde.agent.probes;

/** Where probes put what they produce: the agent's bounded queue. Called on the program's threads: never blocks. */
public interface Sink {
  void line(String actionId, String text);

  void state(String actionId, String state, String code, String message);

  void snapshot(String actionId, java.util.List<SnapshotProbe.Frame> frames, java.util.List<dev.sonde.agent.values.Capture.Variable> watches, boolean truncated);
}
