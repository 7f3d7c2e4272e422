import com.sun.jdi.Bootstrap;
import com.sun.jdi.IntegerValue;
import com.sun.jdi.Location;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.EventRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The JVM agent's cost a call, against no probe and against a remote debugger's logpoint (a JDI
 * breakpoint with SUSPEND_EVENT_THREAD that reads two locals, formats them and resumes), in one run.
 * Each row has its own copy of work(i, x) in its own class, so no row touches another's code; the probe
 * sits on its second line, where it reads i and x. Run by run.mjs, under -javaagent with no gateway.
 */
public final class Bench {
  static final int CALLS = 2_000_000;
  static final int ROUNDS = 7;
  static final int JDI_CALLS = 2_000;
  static volatile int sink;

  // One copy of the function per row (line numbers matter: the probe goes on the second line of each body).
  static final class NoProbe { static int work(int i, int x) {
      int total = i + x;
      return total; } }
  static final class Log { static int work(int i, int x) {
      int total = i + x;
      return total; } }
  static final class LogFalse { static int work(int i, int x) {
      int total = i + x;
      return total; } }
  static final class Snap { static int work(int i, int x) {
      int total = i + x;
      return total; } }
  static final class Removed { static int work(int i, int x) {
      int total = i + x;
      return total; } }
  static final class Jdi { static int work(int i, int x) {
      int total = i + x;
      return total; } }

  /** The agent's queue without the network: lines queued on the program's thread, made and counted on the drainer's. */
  static final class DrainedSink implements dev.sonde.agent.probes.Sink {
    final java.util.concurrent.ConcurrentLinkedQueue<Object> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    volatile long made;
    volatile long dropped;

    DrainedSink() {
      Thread t = new Thread(() -> {
        for (;;) {
          Object o = queue.poll();
          if (o == null) {
            Thread.onSpinWait();
            continue;
          }
          queued.decrementAndGet();
          if (o instanceof java.util.function.Supplier<?> text) text.get();
          made++;
        }
      }, "bench-drainer");
      t.setDaemon(true);
      t.start();
    }

    private void push(Object o) {
      if (queued.get() >= 10_000) {
        dropped++;
        return;
      }
      queued.incrementAndGet();
      queue.offer(o);
    }

    @Override
    public void line(String actionId, String text) {
      push(text);
    }

    @Override
    public void lineLater(String actionId, java.util.function.Supplier<String> text) {
      push(text);
    }

    @Override
    public void state(String actionId, String state, String code, String message) {}

    @Override
    public void snapshot(String actionId, List<dev.sonde.agent.probes.SnapshotProbe.Frame> frames, List<dev.sonde.agent.values.Capture.Variable> watches, boolean truncated) {
      push(frames);
    }
  }

  interface Work {
    int call(int i, int x);
  }

  static double perCall(Work w, int calls, int rounds) {
    double[] t = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      int acc = 0;
      for (int i = 0; i < calls; i++) acc += w.call(i, 2);
      t[r] = (System.nanoTime() - start) / (double) calls;
      sink = acc;
    }
    Arrays.sort(t);
    return t[rounds / 2];
  }

  /** Each copy's probe line (its body's first line), read from this file: the line after "class <Name> {". */
  static final Map<Class<?>, Integer> LINE = lines();

  static Map<Class<?>, Integer> lines() {
    try {
      List<String> src = java.nio.file.Files.readAllLines(java.nio.file.Path.of("Bench.java"));
      Map<Class<?>, Integer> out = new java.util.HashMap<>();
      for (Class<?> c : new Class<?>[] {NoProbe.class, Log.class, LogFalse.class, Snap.class, Removed.class, Jdi.class}) {
        for (int k = 0; k < src.size(); k++) if (src.get(k).contains("class " + c.getSimpleName() + " {")) out.put(c, k + 2);
      }
      return out;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("run from bench/jvm-agent (Bench.java gives the probes' lines)", e);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jdi-target")) {
      jdiTarget();
      return;
    }
    boolean jsonOnly = Arrays.asList(args).contains("--json-only");
    java.lang.instrument.Instrumentation inst = dev.sonde.agent.Agent.instrumentation();
    if (inst == null) throw new IllegalStateException("run under -javaagent:sonde-agent.jar (run.mjs does)");
    // An engine of the bench's own, whose sink does what the agent's does: a bounded lock-free queue on the
    // program's thread, drained (and lines made) by another thread, as the agent's thread sends them.
    DrainedSink drained = new DrainedSink();
    dev.sonde.agent.probes.Engine e = new dev.sonde.agent.probes.Engine(inst, drained, 5000, "");
    e.budgets().setLog(1e12, 1e12, 1e12, 1e12); // no quota: every hit does the whole work
    String file = "Bench.java";
    List<String[]> rows = new ArrayList<>();
    // Warm every copy first, so that each row measures compiled code.
    for (Work w : new Work[] {NoProbe::work, Log::work, LogFalse::work, Snap::work, Removed::work}) perCall(w, CALLS, 2);
    double base = perCall(NoProbe::work, CALLS, ROUNDS);
    rows.add(new String[] {"no probe", fmt(base), "0"});
    e.upsert("log", "log", file, LINE.get(Log.class), "i={i} x={x}", "");
    double log = perCall(Log::work, CALLS, ROUNDS);
    rows.add(new String[] {"LOG \"i={i} x={x}\" (emitting)", fmt(log), fmt(log - base)});
    e.upsert("false", "log", file, LINE.get(LogFalse.class), "i={i} x={x}", "i < 0");
    double falseCond = perCall(LogFalse::work, CALLS, ROUNDS);
    rows.add(new String[] {"LOG, condition i < 0 (false)", fmt(falseCond), fmt(falseCond - base)});
    e.budgets().setSnapshot(1e12, 1e12, 1e12, 1e12); // before the upsert: the probe's bucket starts full at the burst in force
    e.upsert("snap", "snapshot", file, LINE.get(Snap.class), "", "", List.of(), Integer.MAX_VALUE, dev.sonde.agent.values.Capture.Limits.DEFAULT);
    double snap = perCall(Snap::work, CALLS / 20, ROUNDS);
    rows.add(new String[] {"SNAPSHOT (i, x, total and the stack)", fmt(snap), fmt(snap - base)});
    e.upsert("removed", "log", file, LINE.get(Removed.class), "i={i} x={x}", "");
    perCall(Removed::work, CALLS, 2);
    e.remove("removed");
    perCall(Removed::work, CALLS, 2);
    double removed = perCall(Removed::work, CALLS, ROUNDS);
    rows.add(new String[] {"after the log is removed", fmt(removed), fmt(removed - base)});
    double jdi = jdiLogpoint();
    rows.add(new String[] {"JDI logpoint (another process: breakpoint, SUSPEND_EVENT_THREAD, read i and x, format, resume)", fmt(jdi), fmt(jdi - base)});
    // From the upsert to the first hit, while a thread calls the function in a loop.
    double[] firstHit = firstHits(e);
    if (!jsonOnly) {
      System.out.println("Java " + System.getProperty("java.version") + ", " + String.format("%,d", CALLS) + " calls a round (snapshot: " + String.format("%,d", CALLS / 20) + "), median of " + ROUNDS + " rounds\n");
      System.out.println("| row | ns a call | added a hit |");
      System.out.println("| --- | ---: | ---: |");
      for (String[] r : rows) System.out.println("| " + r[0] + " | " + r[1] + " | " + r[2] + " |");
      System.out.printf("%nSonde LOG against the JDI logpoint: %.0fx cheaper a hit%n", (jdi - base) / Math.max(log - base, 0.001));
      System.out.printf("Lines made by the drainer: %,d; dropped because its queue was full: %,d%n", drained.made, drained.dropped);
      System.out.printf("From the engine's upsert to the first hit, 20 installs: p50 %.1f ms, p99 %.1f ms (in process: the gateway's share is not in it)%n%n", firstHit[0], firstHit[1]);
    }
    StringBuilder json = new StringBuilder("{\"bench\":\"jvm-agent\",\"java\":\"" + System.getProperty("java.version") + "\",\"rows\":[");
    for (int k = 0; k < rows.size(); k++) json.append(k > 0 ? "," : "").append("{\"row\":\"").append(rows.get(k)[0].replace("\"", "\\\"")).append("\",\"ns_per_call\":").append(rows.get(k)[1]).append(",\"added_ns\":").append(rows.get(k)[2]).append("}");
    json.append("],\"upsert_to_first_hit_ms\":{\"p50\":").append(String.format("%.2f", firstHit[0])).append(",\"p99\":").append(String.format("%.2f", firstHit[1])).append("}}");
    System.out.println(json);
    System.exit(0);
  }

  static String fmt(double v) {
    return String.format(v >= 100 ? "%.0f" : "%.2f", v);
  }

  /** Upsert to first hit while another thread calls Log2.work in a loop (each install a new action on the same line). */
  static double[] firstHits(dev.sonde.agent.probes.Engine e) throws Exception {
    double[] ms = new double[20];
    Thread caller = new Thread(() -> {
      for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
        sink += Log.work(i, 2);
        if ((i & 1023) == 0) Thread.onSpinWait();
      }
    });
    caller.setDaemon(true);
    caller.start();
    e.remove("log");
    for (int k = 0; k < ms.length; k++) {
      String id = "first-" + k;
      long before = currentHits(e, "log");
      long start = System.nanoTime();
      e.upsert(id, "log", "Bench.java", LINE.get(Log.class), "i={i}", "");
      while (currentHits(e, id) == 0) Thread.onSpinWait();
      ms[k] = (System.nanoTime() - start) / 1e6;
      e.remove(id);
      if (before < 0) throw new AssertionError();
    }
    caller.interrupt();
    Arrays.sort(ms);
    return new double[] {ms[ms.length / 2], ms[(int) Math.ceil(ms.length * 0.99) - 1]};
  }

  static long currentHits(dev.sonde.agent.probes.Engine e, String id) {
    dev.sonde.agent.probes.Probe p = e.probes().get(id);
    return p == null ? 0 : p.hits();
  }

  /** The remote debugger's logpoint: this program again, under JDWP, with a JDI client here doing a log per hit. */
  static double jdiLogpoint() throws Exception {
    String java = System.getProperty("java.home") + "/bin/java";
    Process child = new ProcessBuilder(java, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0", "-cp", System.getProperty("java.class.path"), "Bench", "jdi-target").redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
    String first = out.readLine();
    int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1).trim());
    AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream().filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
    Map<String, Connector.Argument> a = socket.defaultArguments();
    a.get("hostname").setValue("127.0.0.1");
    a.get("port").setValue(String.valueOf(port));
    VirtualMachine vm = socket.attach(a);
    var prepare = vm.eventRequestManager().createClassPrepareRequest();
    prepare.addClassFilter("Bench$Jdi");
    prepare.enable();
    vm.resume();
    StringBuilder logged = new StringBuilder();
    Thread events = new Thread(() -> {
      try {
        for (;;) {
          EventSet set = vm.eventQueue().remove();
          for (Event ev : set) {
            if (ev instanceof com.sun.jdi.event.ClassPrepareEvent cp) {
              ReferenceType t = cp.referenceType();
              Location loc = t.locationsOfLine(LINE.get(Jdi.class)).get(0);
              BreakpointRequest bp = vm.eventRequestManager().createBreakpointRequest(loc);
              bp.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
              bp.enable();
            } else if (ev instanceof BreakpointEvent b) {
              StackFrame f = b.thread().frame(0);
              int i = ((IntegerValue) f.getValue(f.visibleVariableByName("i"))).value();
              int x = ((IntegerValue) f.getValue(f.visibleVariableByName("x"))).value();
              logged.setLength(0);
              logged.append("i=").append(i).append(" x=").append(x);
            }
          }
          set.resume();
        }
      } catch (Exception end) {
        // the target exited
      }
    });
    events.setDaemon(true);
    events.start();
    String result = null;
    for (String line; (line = out.readLine()) != null; ) if (line.startsWith("jdi-ns ")) result = line.substring(7);
    child.waitFor();
    if (result == null) throw new IllegalStateException("the JDI target printed no result");
    return Double.parseDouble(result);
  }

  /** The JDI target: warms the copy without the breakpoint's class prepare mattering, then times JDI_CALLS calls. */
  static void jdiTarget() {
    double ns = perCall(Jdi::work, JDI_CALLS, 3);
    System.out.println("jdi-ns " + ns);
  }
}
