package dev.sonde.agent;

import java.lang.instrument.Instrumentation;

/** The agent in this JVM: started once, on its own daemon thread; never throws into the program. */
public final class Agent {
  private static volatile Agent running;

  private Agent() {}

  static synchronized void start(Instrumentation inst, Config config) {
    if (running != null) return;
    try {
      running = new Agent();
    } catch (Throwable t) {
      System.err.println("sonde agent: could not start (" + t + "); the program runs without it");
    }
  }
}
