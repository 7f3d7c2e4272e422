package dev.sonde.agent.probes;

/** Where probes put what they produce: the agent's bounded queue. Called on the program's threads: never blocks. */
public interface Sink {
  void line(String actionId, String text);

  /**
   * A line whose text is made later, on the agent's thread (its values are immutable, so the text is the
   * same then): the program's thread only queues it. A sink without a thread of its own makes it now.
   */
  default void lineLater(String actionId, java.util.function.Supplier<String> text) {
    line(actionId, text.get());
  }

  void state(String actionId, String state, String code, String message);

  void snapshot(String actionId, java.util.List<SnapshotProbe.Frame> frames, java.util.List<dev.sonde.agent.values.Capture.Variable> watches, boolean truncated);
}
