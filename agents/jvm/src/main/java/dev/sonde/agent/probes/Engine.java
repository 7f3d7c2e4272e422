package dev.sonde.agent.probes;

import dev.sonde.agent.expr.ExpressionError;
import dev.sonde.agent.files.PathMatch;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns actions into probes in this JVM and reports their states (messages.json's texts). A probe goes
 * into the classes compiled from its file: all probes of a class in one retransformation of its original
 * bytes; removing the last gives the class its original bytes back. A file none of whose classes has
 * loaded yet waits, and its probe goes into each class of it as it loads. Nothing here throws into the
 * program: the engine's own faults are internal-error states.
 */
public final class Engine {
  public static final String INSTALLED = "installed: a call to the probe at the line, in the method's bytecode";
  public static final String KINDS = "logs, snapshots, counters, metrics and tic-tocs";

  private final Instrumentation inst;
  private final Sink sink;
  private final int maxProbes;
  private final Quota.Budgets budgets = new Quota.Budgets();
  public final Policy policy = new Policy();
  public final SourceIndex sources = new SourceIndex();
  private final Object lock = new Object();
  /** Probes by action id, installed or waiting for their file. */
  private final Map<String, Installed> installed = new LinkedHashMap<>();
  /** By internal class name: what goes into it, and the sites its current bytes call. */
  private final Map<String, List<LineInjector.Want>> wants = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, List<Site>> sitesOf = new HashMap<>();
  private final Transformer transformer = new Transformer();
  /** How many probes wait for their file to load (read without the lock by class loads). */
  private volatile int waiting;
  private final String jdwpPort;
  /** The methods on a thread's stack when the engine last looked (class name → method names), and whether to hold them. */
  private Map<String, Set<String>> runningNow = Map.of();
  private boolean holdRunning = true;

  public Engine(Instrumentation inst, Sink sink, int maxProbes, String jdwpPort) {
    this.inst = inst;
    this.sink = sink;
    this.maxProbes = maxProbes;
    this.jdwpPort = jdwpPort;
    // Loaded before the transformer is in: a transformer that made a class load as it ran would see that class's own load.
    ProgramClasses.isProgram(null, null, null);
    inst.addTransformer(transformer, true);
    ProgramClasses.indexLoaded(inst, sources);
  }

  public Quota.Budgets budgets() {
    return budgets;
  }

  public void upsert(String actionId, String kind, String file, int line, String format, String condition) {
    upsert(actionId, kind, file, line, format, condition, List.of(), 0, dev.sonde.agent.values.Capture.Limits.DEFAULT, 0);
  }

  public void upsert(String actionId, String kind, String file, int line, String format, String condition, List<String> watches, int hitLimit, dev.sonde.agent.values.Capture.Limits limits) {
    upsert(actionId, kind, file, line, format, condition, watches, hitLimit, limits, 0);
  }

  /** ``endLine``: a tic-toc's end (0: none given; -1: in another file). */
  public void upsert(String actionId, String kind, String file, int line, String format, String condition, List<String> watches, int hitLimit, dev.sonde.agent.values.Capture.Limits limits, int endLine) {
    synchronized (lock) {
      try {
        remove(actionId);
        if (file == null || file.isEmpty()) throw new Refused("invalid-action", "the probe has no file: give a path relative to the workspace");
        if (line < 1) throw new Refused("invalid-action", "line " + line + " is not a line number: lines start at 1");
        if (!List.of("log", "snapshot", "counter", "metric", "tictoc").contains(kind)) throw new Refused("unsupported-kind", kind + " is not supported by the JVM agent yet; only " + KINDS + " are");
        String blocked = policy.blockReason(file);
        if (blocked != null) throw new Refused("blocked", blocked);
        if (installed.size() >= maxProbes) throw new Refused("probe-limit", "this agent already holds " + maxProbes + " probes, its limit (SONDE_MAX_PROBES); remove some actions or raise the limit (this one goes in when there is room)");
        Probe probe;
        try {
          probe = switch (kind) {
            case "log" -> new LogProbe(actionId, format, condition, budgets.forLog(), sink, policy.redaction);
            case "snapshot" -> new SnapshotProbe(actionId, watches, condition, budgets.forSnapshot(), sink, limits, hitLimit, policy.redaction);
            case "counter" -> new AggregateProbes.Counter(actionId, condition, sink);
            case "metric" -> new AggregateProbes.Metric(actionId, watches.isEmpty() ? "" : watches.get(0), condition, sink);
            default -> new AggregateProbes.TicToc(actionId, line, endLine, condition, sink);
          };
        } catch (ExpressionError e) {
          throw new Refused(e.code(), e.getMessage());
        }
        Installed in = new Installed(probe, file, line);
        PathMatch.Result found = PathMatch.match(file, sources.paths());
        if (!found.candidates().isEmpty()) throw new Refused("ambiguous-path", file + " matches several files equally well: " + shown(found.candidates()) + "; give more of the path");
        installed.put(actionId, in);
        if (!found.matched()) {
          waiting = countWaiting();
          sink.state(actionId, "pending", "file-not-loaded", file + " is not loaded yet; the probe goes in when it loads");
          return;
        }
        in.source = found.path();
        place(in);
      } catch (Refused r) {
        installed.remove(actionId);
        sink.state(actionId, "error", r.code, r.getMessage());
      } catch (Throwable t) {
        installed.remove(actionId);
        sink.state(actionId, "error", "internal-error", "internal error while installing the probe: " + t);
      }
    }
  }

  private static String shown(List<String> candidates) {
    String first = String.join(", ", candidates.subList(0, Math.min(10, candidates.size())));
    return candidates.size() > 10 ? first + " and " + (candidates.size() - 10) + " more" : first;
  }

  /** Into the loaded classes of its source file, in one retransformation; the state says how it went. */
  private void place(Installed in) throws Refused {
    List<Class<?>> classes = loadedClassesOf(in.source);
    for (Class<?> c : classes) addWants(internal(c), in);
    retransform(classes, in.probe);
    String blockedMethod = in.sites.values().stream().flatMap(List::stream).map(x -> policy.functionBlockReason(x.className, x.method)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    if (blockedMethod != null) {
      dropWants(in.probe);
      retransform(classes, in.probe);
      throw new Refused("blocked", blockedMethod);
    }
    boolean whole = in.probe instanceof AggregateProbes.TicToc w && w.wholeMethod;
    if (in.sites.values().stream().flatMap(List::stream).noneMatch(x -> !x.end)) {
      dropWants(in.probe);
      throw new Refused("no-code-at-line", whole ? "no function with statements in its body starts at line " + in.line + "; give a tic-toc's function form the line where the function starts, or give an end line"
          : "no code at line " + in.line + " of " + in.source + " (blank, comment or closing brace); put the probe on a line with a statement");
    }
    if (!whole && in.probe instanceof AggregateProbes.TicToc t && in.sites.values().stream().flatMap(List::stream).noneMatch(x -> x.end)) {
      dropWants(in.probe);
      retransform(classes, in.probe);
      throw new Refused("no-code-at-line", "the end line: no code at line " + t.endLine + " of " + in.source + " (blank, comment or closing brace); put the probe on a line with a statement");
    }
    in.announced = true;
    List<Site> held = in.sites.values().stream().flatMap(List::stream).filter(x -> x.held).toList();
    if (held.isEmpty()) {
      sink.state(in.probe.actionId, "active", "", "");
      return;
    }
    String where = RunningMethods.described(held);
    dev.sonde.agent.debug.Debugger debugger = dev.sonde.agent.debug.Debugger.get(jdwpPort);
    if (debugger != null && held.stream().allMatch(debugger::serve)) {
      in.probe.active("installed-fallback", "installed; " + where + ", whose running call keeps its old bytecode: a breakpoint of the JVM's debugger interface serves the line (milliseconds a hit) until the method is called again or that call returns, then the call in the bytecode does");
      return;
    }
    // No debugger to serve the running call: the probe goes into the bytecode, and fires from the next call.
    holdRunning = false;
    try {
      retransform(classes, in.probe);
    } finally {
      holdRunning = true;
    }
    in.probe.active("installed", "installed; " + where + ", whose running call keeps its old bytecode: the probe fires from its next call (to serve the running call too, start the JVM with "
        + "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,onjcmd=y: " + dev.sonde.agent.debug.Debugger.why() + ")");
  }

  private void retransform(List<Class<?>> classes, Probe probe) throws Refused {
    // A running method is held out of the rewrite only where the debugger can serve it: else it would only cost a second rewrite.
    runningNow = dev.sonde.agent.debug.Debugger.get(jdwpPort) == null ? Map.of() : RunningMethods.now();
    try {
      if (!classes.isEmpty()) inst.retransformClasses(classes.toArray(new Class<?>[0]));
    } catch (Throwable t) {
      dropWants(probe);
      throw new Refused("internal-error", "could not install the probe: " + t);
    }
    String failure = transformer.takeFailure();
    if (failure != null) {
      dropWants(probe);
      throw new Refused("internal-error", "could not install the probe: " + failure);
    }
  }

  /**
   * Hands a line served by the debugger over to the bytecode once its method is on no thread's stack
   * (its running call returned): called by the agent now and then.
   */
  public void handOver() {
    synchronized (lock) {
      Map<String, Set<String>> now = RunningMethods.now();
      for (Installed in : new ArrayList<>(installed.values())) {
        List<Site> held = in.sites.values().stream().flatMap(List::stream).filter(x -> x.held).toList();
        // Entered again (a new call, which would run new bytecode), or on no stack any more: the bytecode takes over.
        boolean reentered = held.stream().anyMatch(x -> x.reentered);
        if (held.isEmpty() || !reentered && held.stream().anyMatch(x -> now.getOrDefault(x.className, Set.of()).contains(x.method))) continue;
        try {
          retransform(loadedClassesOf(in.source), in.probe);
          in.probe.active("", "");
        } catch (Refused r) {
          sink.state(in.probe.actionId, "error", r.code, r.getMessage());
        }
      }
    }
  }

  /** The probe's wants in a class: its line, and a tic-toc's end line. */
  private void addWants(String className, Installed in) {
    List<LineInjector.Want> w = wants.computeIfAbsent(className, k -> new ArrayList<>());
    w.add(new LineInjector.Want(in.probe, in.line, false, in.source));
    if (in.probe instanceof AggregateProbes.TicToc t && !t.wholeMethod) w.add(new LineInjector.Want(in.probe, t.endLine, true, in.source));
  }

  private List<Class<?>> loadedClassesOf(String source) {
    Set<String> names = sources.classesOf(source);
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (names.contains(internal(c)) && inst.isModifiableClass(c)) out.add(c);
    }
    return out;
  }

  private static String internal(Class<?> c) {
    return c.getName().replace('.', '/');
  }

  private void dropWants(Probe probe) {
    for (List<LineInjector.Want> w : wants.values()) w.removeIf(x -> x.probe() == probe);
    wants.values().removeIf(List::isEmpty);
  }

  private int countWaiting() {
    int n = 0;
    for (Installed in : installed.values()) if (in.source == null) n++;
    return n;
  }

  public void remove(String actionId) {
    synchronized (lock) {
      Installed in = installed.remove(actionId);
      waiting = countWaiting();
      if (in == null) return;
      in.probe.enabled = false; // code still calling it (a frame running the old bytes) does nothing
      dropWants(in.probe);
      List<Class<?>> classes = new ArrayList<>();
      for (Class<?> c : inst.getAllLoadedClasses()) if (in.sites.containsKey(internal(c))) classes.add(c);
      try {
        if (!classes.isEmpty()) inst.retransformClasses(classes.toArray(new Class<?>[0]));
      } catch (Throwable t) {
        System.err.println("sonde agent: could not take the probe of " + actionId + " out: " + t);
      }
    }
  }

  /**
   * The gateway's policy, live: redaction for the next hit of every probe, the quotas' rates, and the
   * probes the blocklists now cover taken out, each saying why. Returns the refused redaction patterns.
   */
  public List<String> setPolicy(List<String> names, List<String> patterns, List<String> blockedFiles, List<String> blockedFunctions) {
    synchronized (lock) {
      List<String> refused = policy.set(names, patterns, blockedFiles, blockedFunctions);
      for (Installed in : new ArrayList<>(installed.values())) {
        String why = policy.blockReason(in.file);
        if (why == null) why = in.sites.values().stream().flatMap(List::stream).map(x -> policy.functionBlockReason(x.className, x.method)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (why != null) {
          remove(in.probe.actionId);
          sink.state(in.probe.actionId, "error", "blocked", why);
        }
      }
      return refused;
    }
  }

  /** Removes every probe whose action id is not among these (the gateway's whole set, on reconnecting). */
  public void retain(Set<String> ids) {
    synchronized (lock) {
      for (String id : new ArrayList<>(installed.keySet())) if (!ids.contains(id)) remove(id);
    }
  }

  /** The probes by action id, now. */
  public Map<String, Probe> probes() {
    synchronized (lock) {
      Map<String, Probe> out = new LinkedHashMap<>();
      for (Map.Entry<String, Installed> e : installed.entrySet()) out.put(e.getKey(), e.getValue().probe);
      return out;
    }
  }

  private Installed of(Probe probe) {
    Installed in = installed.get(probe.actionId);
    return in != null && in.probe == probe ? in : null;
  }

  private static void stopServing(Site site) {
    dev.sonde.agent.debug.Debugger d = dev.sonde.agent.debug.Debugger.get("");
    if (d != null) d.stop(site);
  }

  /**
   * Sees every class as it loads (to index its source file, and to put waiting probes into it) and every
   * retransformation the engine asks for. It never throws: the JVM would swallow it; a failure is kept
   * for the engine to report.
   */
  private final class Transformer implements ClassFileTransformer {
    private volatile String failure;

    String takeFailure() {
      String f = failure;
      failure = null;
      return f;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
      // The JDK's own classes (bootstrap and platform loaders) are not the program's: never indexed, never probed.
      if (name == null || !ProgramClasses.isProgram(loader, module, domain)) return null;
      try {
        if (redefined == null) {
          String source = sources.add(name, bytes);
          // Without a probe waiting, a class load takes no lock: a thread the engine waits for (the debugger's) may be loading it.
          if (source == null || waiting == 0 && !wants.containsKey(name)) return null;
          synchronized (lock) {
            waitingFor(name, source);
            if (!wants.containsKey(name)) return null;
            return rewrite(name, loader, bytes, null);
          }
        }
        synchronized (lock) {
          return rewrite(name, loader, bytes, redefined);
        }
      } catch (Throwable t) {
        failure = t.toString();
        return null;
      }
    }

    /** The probes waiting for this class's file: the file is the class's source path, whole. */
    private void waitingFor(String name, String source) {
      for (Installed in : installed.values()) {
        if (in.source != null) continue;
        PathMatch.Result m = PathMatch.match(in.file, List.of(source));
        if (m.matched() && m.segments() == source.split("/").length) {
          in.source = source;
          waiting = countWaiting();
          addWants(name, in);
        }
      }
    }

    private byte[] rewrite(String name, ClassLoader loader, byte[] original, Class<?> redefined) {
      for (Site old : sitesOf.getOrDefault(name, List.of())) {
        Hits.release(old.id);
        if (old.pair != null) Hits.release(old.pair.id);
        if (old.held) stopServing(old);
      }
      sitesOf.remove(name);
      List<LineInjector.Want> w = wants.getOrDefault(name, List.of());
      for (Installed in : installed.values()) in.sites.remove(name);
      if (w.isEmpty()) return null; // no probe left: the original bytes
      Map<String, Set<String>> run = runningNow;
      boolean hold = holdRunning && redefined != null;
      LineInjector.Result r = LineInjector.instrument(original, loader, w, (c, m) -> hold && run.getOrDefault(c, Set.of()).contains(m));
      sitesOf.put(name, r.sites());
      String source = sources.sourceOf(name);
      for (Site site : r.sites()) site.source = source == null ? "" : source;
      for (Site s : r.sites()) {
        Installed in = of(s.probe);
        if (in != null) in.sites.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
      }
      if (redefined == null) {
        // A class loading now: a waiting probe that went in is active.
        for (LineInjector.Want want : w) {
          Installed in = of(want.probe());
          if (in != null && !in.sites.getOrDefault(name, List.of()).isEmpty() && !in.announced) {
            in.announced = true;
            sink.state(in.probe.actionId, "active", "", "");
          }
        }
      }
      return r.bytes();
    }
  }
}
