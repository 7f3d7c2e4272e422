package dev.sonde.agent.probes;

/**
 * Quotas inside the agent, so that a probe on a hot line never floods the program or the network: each
 * probe has its own token bucket and shares one with every probe of its kind. Over either it pauses with
 * the seed's message and drops its hits (counted as suppressed); it resumes once its own bucket is half
 * full again. The defaults are every agent's (log: 50 a second, bursts of 200, 500 a second for all).
 */
public final class Quota {
  /** A bucket's rate, shared by the buckets of a kind so that a policy change reaches installed probes. */
  public static final class Rate {
    volatile double perSecond;
    volatile double burst;

    public Rate(double perSecond, double burst) {
      this.perSecond = perSecond;
      this.burst = burst;
    }

    public void set(double perSecond, double burst) {
      this.perSecond = perSecond;
      this.burst = burst;
    }
  }

  static final class Bucket {
    final Rate rate;
    double tokens;
    long last = Long.MIN_VALUE;

    Bucket(Rate rate) {
      this.rate = rate;
      this.tokens = rate.burst;
    }

    double level(long now) {
      if (last == Long.MIN_VALUE) last = now;
      if (Double.isInfinite(rate.perSecond)) tokens = rate.burst;
      else if (now > last) {
        tokens = Math.min(rate.burst, tokens + (now - last) / 1e9 * rate.perSecond);
        last = now;
      }
      return tokens;
    }

    /** Takes a token if there is one; refills (and reads the clock) only when empty: the hot path is a compare and a store. */
    boolean take() {
      if (tokens >= 1) {
        // Unsynchronised on purpose: under threads a lost decrement admits one line more, never an error.
        tokens -= 1;
        return true;
      }
      synchronized (this) {
        long now = System.nanoTime();
        if (last == Long.MIN_VALUE) {
          last = now;
          tokens = Math.min(tokens, rate.burst);
        }
        if (level(now) < 1) return false;
        tokens -= 1;
        return true;
      }
    }

    synchronized double levelNow() {
      return level(System.nanoTime());
    }
  }

  public static String pausedReason(String title, String kind) {
    return title + " is paused due to high call rate until " + kind + " quota is restored";
  }

  private final Bucket own;
  private final Bucket shared;
  final String reason;
  volatile boolean paused;

  Quota(Rate own, Bucket shared, String reason) {
    this.own = new Bucket(own);
    this.shared = shared;
    this.reason = reason;
  }

  /** Whether this hit may produce; flips ``paused`` as the budgets run out and refill. */
  boolean admit() {
    if (paused) {
      if (own.levelNow() < own.rate.burst / 2 || shared.levelNow() < 1) return false;
      paused = false;
    }
    if (own.take()) {
      if (shared.take()) return true;
      own.tokens += 1;
    }
    paused = true;
    return false;
  }

  /** Every kind's budget, by kind, with the shared bucket of each. */
  public static final class Budgets {
    final Rate logProbe = new Rate(50, 200);
    final Rate logAgent = new Rate(500, 1000);
    final Bucket logShared = new Bucket(logAgent);

    final Rate snapshotProbe = new Rate(1, 1);
    final Rate snapshotAgent = new Rate(20, 20);
    final Bucket snapshotShared = new Bucket(snapshotAgent);

    Quota forLog() {
      return new Quota(logProbe, logShared, pausedReason("Logpoint", "log"));
    }

    Quota forSnapshot() {
      return new Quota(snapshotProbe, snapshotShared, pausedReason("Snapshot", "snapshot"));
    }

    /** The snapshot budget; zero or absent fields are the defaults again. */
    public void setSnapshot(double perProbe, double probeBurst, double perAgent, double agentBurst) {
      snapshotProbe.set(perProbe > 0 ? perProbe : 1, probeBurst > 0 ? probeBurst : 1);
      snapshotAgent.set(perAgent > 0 ? perAgent : 20, agentBurst > 0 ? agentBurst : 20);
    }

    /** The policy's log budget; zero or absent fields are the defaults again. */
    public void setLog(double perProbe, double probeBurst, double perAgent, double agentBurst) {
      logProbe.set(perProbe > 0 ? perProbe : 50, probeBurst > 0 ? probeBurst : 200);
      logAgent.set(perAgent > 0 ? perAgent : 500, agentBurst > 0 ? agentBurst : 1000);
    }
  }
}
