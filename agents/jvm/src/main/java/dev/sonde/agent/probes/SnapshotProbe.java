package dev.sonde.agent.probes;

import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.expr.Node;
import dev.sonde.agent.expr.Parser;
import dev.sonde.agent.values.Capture;
import java.util.ArrayList;
import java.util.List;

/** A snapshot action's probe: this, the locals in scope, the watches and the stack, as bounded trees; at most ``hitLimit`` times (0 means 1). */
public final class SnapshotProbe extends Probe {
  static final int MAX_FRAMES = 20;
  private final Capture.Limits limits;
  private final List<String> watchSources = new ArrayList<>();
  private final List<Node> watches = new ArrayList<>();
  private final int hitLimit;
  private int taken;

  /** A stack frame of a snapshot: the method, its file and line, and (the probed one) its values. */
  public record Frame(String function, String file, int line, List<Capture.Variable> locals) {}

  private final dev.sonde.agent.values.Redaction redaction;

  public SnapshotProbe(String actionId, List<String> watches, String condition, Quota quota, Sink sink, Capture.Limits limits, int hitLimit, dev.sonde.agent.values.Redaction redaction) throws ExpressionError {
    super(actionId, condition, quota, sink);
    this.redaction = redaction;
    this.limits = limits;
    this.hitLimit = hitLimit > 0 ? hitLimit : 1;
    int i = 1;
    for (String w : watches) {
      if (w.isBlank()) continue;
      try {
        Node n = Parser.parse(w);
        collectNames(n, names);
        this.watches.add(n);
        watchSources.add(w.strip());
      } catch (ExpressionError e) {
        throw new ExpressionError(e.code(), "expression " + i + " (" + w + "): " + e.getMessage() + "; nothing was installed");
      }
      i++;
    }
  }

  @Override
  boolean allLocals() {
    return true;
  }

  @Override
  void produce(Site site, Object[] values) {
    if (taken >= hitLimit) return;
    Capture cap = new Capture(limits, redaction);
    List<Capture.Variable> watched = new ArrayList<>();
    Evaluator eval = new Evaluator(site, values, scope);
    for (int i = 0; i < watches.size(); i++) {
      Object v;
      try {
        v = eval.eval(watches.get(i));
      } catch (Evaluator.EvalError | RuntimeException e) {
        v = new Marker("<" + message(e) + ">");
      }
      watched.add(v instanceof Marker m ? new Capture.Variable(watchSources.get(i), "error", m.text, List.of(), false, 0) : cap.variable(watchSources.get(i), v));
    }
    List<Capture.Variable> locals = new ArrayList<>();
    int base = 0;
    if (site.hasThis) {
      locals.add(cap.variable("this", values[0]));
      base = 1;
    }
    for (int i = 0; i < site.locals.size(); i++) locals.add(cap.variable(site.locals.get(i).name(), values[base + i]));
    List<Frame> frames = new ArrayList<>();
    StackTraceElement[] stack = new Throwable().getStackTrace();
    boolean found = false;
    for (StackTraceElement f : stack) {
      if (!found) {
        // The probe's own frames first: the stack starts at the probed method.
        if (!f.getClassName().equals(site.className) || !f.getMethodName().equals(site.method)) continue;
        found = true;
        frames.add(new Frame(site.className + "." + site.method, site.source(), site.line, locals));
        continue;
      }
      if (frames.size() >= MAX_FRAMES) break;
      frames.add(new Frame(f.getClassName() + "." + f.getMethodName(), f.getFileName() == null ? "" : f.getFileName(), Math.max(f.getLineNumber(), 0), List.of()));
    }
    if (frames.isEmpty()) frames.add(new Frame(site.className + "." + site.method, site.source(), site.line, locals));
    sink.snapshot(actionId, frames, watched, cap.cut());
    taken++;
    if (taken >= hitLimit) {
      enabled = false;
      sink.state(actionId, "hit-limit", "hit-limit", "hit limit reached: " + taken + " snapshot" + (taken == 1 ? "" : "s") + " taken; add the snapshot again for more");
    }
  }

  /** A watch that failed, shown as why. */
  private record Marker(String text) {}
}
