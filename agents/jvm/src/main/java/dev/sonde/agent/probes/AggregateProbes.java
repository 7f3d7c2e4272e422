package dev.sonde.agent.probes;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.expr.Node;
import dev.sonde.agent.expr.Parser;
import java.util.concurrent.atomic.AtomicLong;

/** Probes that aggregate in place, sent once an interval by the agent: counters, metrics and tic-tocs. */
public final class AggregateProbes {
  private AggregateProbes() {}

  /** Counts the hits where its condition holds; the agent sends each interval's count. */
  public static final class Counter extends Probe {
    private final AtomicLong count = new AtomicLong();

    public Counter(String actionId, String condition, Sink sink) throws ExpressionError {
      super(actionId, condition, null, sink);
    }

    @Override
    void produce(Site site, Object[] values) {
      count.incrementAndGet();
    }

    public long takeCount() {
      return count.getAndSet(0);
    }
  }

  /** One interval's values: count, sum, min, max, and a DDSketch for the quantiles (within 1 %, the other agents' sketch). */
  public static final class Aggregate {
    public long count;
    public double sum;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;
    private final DDSketch sketch = DDSketches.unboundedDense(0.01);

    synchronized void add(double v) {
      count++;
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sketch.accept(v);
    }

    public synchronized double quantile(double q) {
      return count == 0 ? 0 : sketch.getValueAtQuantile(q);
    }
  }

  /** A probe whose hits add to an interval's aggregate, taken by the agent each interval. */
  public abstract static class Aggregating extends Probe {
    private volatile Aggregate current = new Aggregate();

    Aggregating(String actionId, String condition, Sink sink) throws ExpressionError {
      super(actionId, condition, null, sink);
    }

    void add(double v) {
      current.add(v);
    }

    public Aggregate takeAggregate() {
      Aggregate taken = current;
      current = new Aggregate();
      return taken;
    }
  }

  /** A numeric expression read at the line, aggregated per interval. */
  public static final class Metric extends Aggregating {
    private final Node value;
    private final String source;

    public Metric(String actionId, String expression, String condition, Sink sink) throws ExpressionError {
      super(actionId, condition, sink);
      if (expression == null || expression.isBlank()) throw new ExpressionError("invalid-action", "a metric needs an expression whose value is a number (expressions[0]), e.g. cart.total");
      source = expression.strip();
      try {
        value = Parser.parse(source);
      } catch (ExpressionError e) {
        throw new ExpressionError(e.code(), "expression: " + e.getMessage() + "; nothing was installed");
      }
      collectNames(value, names);
    }

    @Override
    void produce(Site site, Object[] values) throws Evaluator.EvalError {
      Object v = new Evaluator(site, values, scope).eval(value);
      if (!Numbers.isNumber(v)) throw new Evaluator.EvalError(source + " is " + dev.sonde.agent.values.Values.render(v) + ", not a number");
      double d = v instanceof Character c ? c : ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new Evaluator.EvalError(source + " is " + d + ", not a finite number");
      add(d);
    }
  }

  /** The time from its line to its end line in the same call, per thread, in milliseconds, aggregated per interval. */
  public static final class TicToc extends Aggregating {
    public final int endLine;
    /** No end line: each whole call of the method that starts at the line, every return and exception ending it. */
    public final boolean wholeMethod;
    /** Per thread, the starts of the spans open now (a stack: a recursive call opens one inside another). */
    private final ThreadLocal<long[]> started = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});
    private final ThreadLocal<java.util.ArrayDeque<Long>> open = ThreadLocal.withInitial(java.util.ArrayDeque::new);

    public TicToc(String actionId, int line, int endLine, String condition, Sink sink) throws ExpressionError {
      super(actionId, condition, sink);
      if (endLine == -1) throw new ExpressionError("invalid-action", "a tic-toc ends in the file where it starts: give an end line in the same file");
      if (endLine < 0) throw new ExpressionError("invalid-action", "end line " + endLine + " is not a line number (0, or none, times the function that starts on the line)");
      if (endLine != 0 && endLine <= line) throw new ExpressionError("invalid-action", "the end line (" + endLine + ") must come after the start line (" + line + "); to time a function, give its first line and no end");
      this.endLine = endLine;
      this.wholeMethod = endLine == 0;
    }

    @Override
    void produce(Site site, Object[] values) {
      if (wholeMethod) {
        java.util.ArrayDeque<Long> stack = open.get();
        if (stack.size() < 1000) stack.push(System.nanoTime());
        return;
      }
      started.get()[0] = System.nanoTime();
    }

    /** A whole method's call whose condition was false: marked, so that its return pairs with it and times nothing. */
    @Override
    void skipped() {
      if (wholeMethod && open.get().size() < 1000) open.get().push(Long.MIN_VALUE);
    }

    /** The end line, or a return or exception of the whole method: pairs the start of this thread's span, if any. */
    @Override
    void toc() {
      if (wholeMethod) {
        Long start = open.get().poll();
        if (start != null && start != Long.MIN_VALUE) add((System.nanoTime() - start) / 1e6);
        return;
      }
      long[] s = started.get();
      if (s[0] == Long.MIN_VALUE) return;
      add((System.nanoTime() - s[0]) / 1e6);
      s[0] = Long.MIN_VALUE;
    }
  }
}
