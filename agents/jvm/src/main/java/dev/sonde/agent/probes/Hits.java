package dev.sonde.agent.probes;

/**
 * What the injected code calls: {@code Hits.hit(site, values)} at the first instruction of a probed line,
 * with the values of the locals the probe reads (and {@code this} first, in an instance method). Never
 * throws into the program, and a probe's own work never re-enters a probe on the same thread.
 */
public final class Hits {
  private Hits() {}

  /** Sites by id; a slot is null once its probe is removed (old code still calling it does nothing). */
  private static volatile Site[] sites = new Site[64];

  private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

  public static void hit(int site, Object[] values) {
    Site[] all = sites;
    Site s = site >= 0 && site < all.length ? all[site] : null;
    if (s == null) return;
    boolean[] inside = INSIDE.get();
    if (inside[0]) return;
    inside[0] = true;
    try {
      s.probe.hit(s, values);
    } catch (Throwable ignored) {
      // a probe never throws into the program; its failures are its states
    } finally {
      inside[0] = false;
    }
  }

  /**
   * The entry the debugger fallback calls (Debugger), in the thread that hit the line: this and the locals
   * as the injected code would pass them, as plain arguments. ``kinds``: 3 bits a value (Kinds), the count
   * in bits 24-29.
   */
  public static void fallback(int site, int kinds, Object o0, Object o1, Object o2, Object o3, Object o4, Object o5,
      long l0, long l1, long l2, long l3, long l4, long l5, double d0, double d1, double d2, double d3, double d4, double d5) {
    int n = (kinds >>> 24) & 0x3f;
    if (n == 0) {
      hit(site, null);
      return;
    }
    Object[] o = {o0, o1, o2, o3, o4, o5};
    long[] l = {l0, l1, l2, l3, l4, l5};
    double[] d = {d0, d1, d2, d3, d4, d5};
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) values[i] = dev.sonde.agent.debug.Kinds.box((kinds >>> (3 * i)) & 7, o[i], l[i], d[i]);
    hit(site, values);
  }

  static synchronized int register(Site site) {
    Site[] all = sites;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == null) {
        all[i] = site;
        return i;
      }
    }
    Site[] grown = java.util.Arrays.copyOf(all, all.length * 2);
    grown[all.length] = site;
    sites = grown;
    return all.length;
  }

  static synchronized void release(int id) {
    if (id < sites.length) sites[id] = null;
  }
}
