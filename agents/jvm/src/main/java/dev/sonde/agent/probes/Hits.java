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
    Site s = site < all.length ? all[site] : null;
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
