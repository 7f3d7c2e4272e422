package dev.sonde.agent.engine;

/** A class no test touches before its probe is added: it loads after, and takes its waiting probe as it loads. */
public final class Later {
  private Later() {}

  public static int twice(int n) {
    int doubled = n * 2;
    return doubled;
  }
}
