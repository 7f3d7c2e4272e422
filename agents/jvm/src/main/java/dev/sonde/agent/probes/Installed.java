package dev.sonde.agent.probes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One action's probe: where it goes (the workspace path, and the source path once known), and its sites by class. */
final class Installed {
  final Probe probe;
  final String file;
  final int line;
  String source;
  /** Whether its active state was sent (a waiting probe goes active with the first class of its file that has the line). */
  boolean announced;
  final Map<String, List<Site>> sites = new HashMap<>();

  Installed(Probe probe, String file, int line) {
    this.probe = probe;
    this.file = file;
    this.line = line;
  }
}
