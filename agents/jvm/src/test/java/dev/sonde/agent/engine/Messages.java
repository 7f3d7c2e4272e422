package dev.sonde.agent.engine;

/** A program the engine tests put probes into: loaded by the test's class loader, so the agent indexes it as it loads. */
public final class Messages {
  private Messages() {}

  public static int f(int a) {
    int b = a + 1;

    return b;
  }

  public static int g(int x) {
    return x;
  }
}
