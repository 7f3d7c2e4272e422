package dev.sonde.agent;

import dev.sonde.agent.files.PathMatch;
import dev.sonde.agent.link.Connection;
import dev.sonde.agent.link.Wire;
import dev.sonde.agent.probes.Engine;
import dev.sonde.agent.probes.Probe;
import dev.sonde.agent.probes.Sink;
import java.lang.instrument.Instrumentation;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import sonde.v1.ActionOuterClass.Action;
import sonde.v1.ActionOuterClass.ActionKind;
import sonde.v1.Agent.FileQuery;
import sonde.v1.Agent.FileQueryResult;
import sonde.v1.Agent.Hello;
import sonde.v1.Agent.LoadedFile;
import sonde.v1.Common.Runtime;
import sonde.v1.EnvelopeOuterClass.Envelope;
import sonde.v1.EventOuterClass.Event;
import sonde.v1.EventOuterClass.EventBatch;
import sonde.v1.EventOuterClass.HitCount;
import sonde.v1.EventOuterClass.MetricSample;
import dev.sonde.agent.probes.AggregateProbes;

/**
 * The agent in this JVM: one daemon thread that keeps a connection to the gateway (reconnecting with
 * backoff), installs what the gateway sends, and sends what the probes produced in batches every 100 ms
 * from a bounded queue. Never throws into the program, never blocks its threads.
 */
public final class Agent implements Sink {
  public static final String VERSION = "0.1.0";
  static final String NAME = "the JVM agent " + VERSION;
  private static final int QUEUE = 10_000;
  private static final int MAX_HELLO_FILES = 20_000;
  private static final long FLUSH_MS = 100;
  private static volatile Agent running;

  private final Config config;
  private final Engine engine;
  private final String instanceId = HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
  /** Bounded by ``queued``: a full queue refuses a line with one read, no lock (the program's threads never wait on it). */
  private final java.util.concurrent.ConcurrentLinkedQueue<Wire.Item> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
  private final Map<String, long[]> sentCounts = new HashMap<>();
  /** The name each aggregating action's samples carry. */
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private long intervalStart = System.currentTimeMillis();
  private int nextId = 1;
  private long ticks;

  private Agent(Instrumentation inst, Config config) {
    this.config = config;
    this.engine = new Engine(inst, this, config.maxProbes(), config.jdwpPort());
  }

  private static volatile Instrumentation instrumentation;

  /** The Instrumentation the agent was started with, or null: the engine's tests make engines of their own with it. */
  public static Instrumentation instrumentation() {
    return instrumentation;
  }

  /** The engine of the agent running in this JVM, or null: tests and benchmarks drive it directly. */
  public static Engine engine() {
    Agent a = running;
    return a == null ? null : a.engine;
  }

  static synchronized void start(Instrumentation inst, Config config) {
    if (running != null) return;
    instrumentation = inst;
    try {
      if (!inst.isRetransformClassesSupported()) throw new IllegalStateException("this JVM cannot retransform classes");
      Agent agent = new Agent(inst, config);
      running = agent;
      if (config.gatewayUrl().isEmpty()) {
        System.err.println("sonde agent: no SONDE_GATEWAY_URL: the agent stays idle");
        return;
      }
      URI uri = Wire.agentUri(config.gatewayUrl());
      Thread t = new Thread(() -> agent.run(uri), "sonde-agent");
      t.setDaemon(true);
      t.start();
    } catch (Throwable t) {
      System.err.println("sonde agent: could not start (" + t + "); the program runs without it");
    }
  }

  @Override
  public void line(String actionId, String text) {
    push(actionId, new Wire.Line(actionId, System.currentTimeMillis(), text));
  }

  @Override
  public void state(String actionId, String state, String code, String message) {
    // States are few and must not be lost behind lines: queued past the bound too.
    queued.incrementAndGet();
    events.offer(new Wire.State(actionId, System.currentTimeMillis(), state, code, message));
  }

  @Override
  public void lineLater(String actionId, java.util.function.Supplier<String> text) {
    push(actionId, new Wire.LazyLine(actionId, System.currentTimeMillis(), text));
  }

  @Override
  public void snapshot(String actionId, List<dev.sonde.agent.probes.SnapshotProbe.Frame> frames, List<dev.sonde.agent.values.Capture.Variable> watches, boolean truncated) {
    push(actionId, new Wire.Snapshot(actionId, System.currentTimeMillis(), frames, watches, truncated));
  }

  private void push(String actionId, Wire.Item item) {
    if (queued.get() >= QUEUE) {
      AtomicLong n = dropped.get(actionId);
      (n != null ? n : dropped.computeIfAbsent(actionId, k -> new AtomicLong())).incrementAndGet();
      return;
    }
    queued.incrementAndGet();
    events.offer(item);
  }

  private void run(URI uri) {
    // Reach the JVM's debugger interface before any probe needs it, outside the engine's lock.
    if (dev.sonde.agent.debug.JdwpAddress.loaded() || !config.jdwpPort().isEmpty()) {
      if (dev.sonde.agent.debug.Debugger.get(config.jdwpPort()) == null) System.err.println("sonde agent: the JVM's debugger interface cannot serve running methods: " + dev.sonde.agent.debug.Debugger.why());
    }
    long delay = 250;
    while (true) {
      try (Connection c = Connection.open(uri, config.agentKey(), Duration.ofSeconds(10))) {
        session(c, uri);
        delay = 250;
      } catch (Throwable t) {
        System.err.println("sonde agent: cannot reach the gateway at " + uri + " (" + t.getMessage() + "); retrying in " + delay / 1000.0 + " s");
      }
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        return;
      }
      delay = Math.min(delay * 2, 5000);
    }
  }

  private void session(Connection c, URI uri) throws Exception {
    long helloId = send(c, Envelope.newBuilder().setHello(hello()), true);
    long lastFlush = System.nanoTime();
    for (;;) {
      Envelope e = c.receive(FLUSH_MS);
      if (e != null) {
        if (e.getReplyTo() == helloId && e.hasActionSet()) {
          System.err.println("sonde agent: connected to " + uri + " as " + config.agentId());
          policy(e.getActionSet().getPolicy());
          setAll(e.getActionSet().getActionsList());
        } else if (e.getReplyTo() == helloId && e.hasError()) {
          throw new IllegalStateException("the gateway refused the agent's hello: " + e.getError().getMessage());
        } else {
          handle(c, e);
        }
      }
      if (System.nanoTime() - lastFlush >= FLUSH_MS * 1_000_000) {
        flush(c);
        lastFlush = System.nanoTime();
        if (++ticks % 10 == 0) engine.handOver();
      }
    }
  }

  private long send(Connection c, Envelope.Builder e, boolean request) throws Exception {
    if (request) e.setId(nextId++);
    c.send(e.build());
    return e.getId();
  }

  private Hello hello() {
    List<String> paths = engine.sources.paths();
    Hello.Builder h = Hello.newBuilder()
        .setAgentId(config.agentId()).setRuntime(Runtime.RUNTIME_JVM).setRuntimeVersion(System.getProperty("java.version"))
        .setHost(Config.host()).setPid((int) ProcessHandle.current().pid()).setAppName(config.appName()).addAllTags(config.tags())
        .setAgentVersion(VERSION).setInstanceId(instanceId);
    for (String p : paths.subList(0, Math.min(paths.size(), MAX_HELLO_FILES))) h.addFiles(LoadedFile.newBuilder().setPath(p));
    return h.build();
  }

  private void handle(Connection c, Envelope e) throws Exception {
    switch (e.getBodyCase()) {
      case ACTION_UPSERT -> upsert(e.getActionUpsert().getAction());
      case ACTION_REMOVED -> {
        sentCounts.remove(e.getActionRemoved().getActionId());
        engine.remove(e.getActionRemoved().getActionId());
      }
      case ACTION_SET -> {
        policy(e.getActionSet().getPolicy());
        setAll(e.getActionSet().getActionsList());
      }
      case POLICY -> policy(e.getPolicy());
      case FILE_QUERY -> send(c, Envelope.newBuilder().setReplyTo(e.getId()).setFileQueryResult(answer(e.getFileQuery())), false);
      default -> { }
    }
  }

  /** The operator's policy, applied before any action and live to the probes already in. */
  private void policy(sonde.v1.PolicyOuterClass.Policy p) {
    for (String why : engine.setPolicy(p.getRedactNamesList(), p.getRedactPatternsList(), p.getBlockedFilesList(), p.getBlockedFunctionsList())) System.err.println("sonde agent: the policy's redaction pattern " + why + "; it is left out");
    engine.budgets().setLog(0, 0, 0, 0);
    engine.budgets().setSnapshot(0, 0, 0, 0);
    for (sonde.v1.PolicyOuterClass.KindQuota q : p.getQuotasList()) {
      if (q.getKind() == ActionKind.ACTION_KIND_LOG) engine.budgets().setLog(q.getPerProbePerSecond(), q.getPerProbeBurst(), q.getPerAgentPerSecond(), q.getPerAgentBurst());
      if (q.getKind() == ActionKind.ACTION_KIND_SNAPSHOT) engine.budgets().setSnapshot(q.getPerProbePerSecond(), q.getPerProbeBurst(), q.getPerAgentPerSecond(), q.getPerAgentBurst());
    }
  }

  private void setAll(List<Action> actions) {
    Set<String> keep = new HashSet<>();
    for (Action a : actions) keep.add(a.getId());
    sentCounts.keySet().retainAll(keep);
    engine.retain(keep);
    for (Action a : actions) upsert(a);
  }

  private void upsert(Action a) {
    String kind = switch (a.getKind()) {
      case ACTION_KIND_LOG -> "log";
      case ACTION_KIND_SNAPSHOT -> "snapshot";
      case ACTION_KIND_COUNTER -> "counter";
      case ACTION_KIND_METRIC -> "metric";
      case ACTION_KIND_TICTOC -> "tictoc";
      default -> a.getKind() == ActionKind.UNRECOGNIZED ? "action kind " + a.getKindValue() : a.getKind().name();
    };
    String where = a.getLocation().getFile() + ":" + a.getLocation().getLine();
    sonde.v1.Common.Location end = a.getEndLocation();
    int endLine = end.getLine() == 0 ? 0 : !end.getFile().isEmpty() && !end.getFile().equals(a.getLocation().getFile()) ? -1 : end.getLine();
    String name = switch (kind) {
      case "metric" -> a.getExpressionsCount() > 0 ? a.getExpressions(0).strip() : where;
      case "tictoc" -> endLine > 0 ? where + "-" + endLine : where + " (function)";
      default -> where;
    };
    names.put(a.getId(), a.getMetricName().isEmpty() ? name : a.getMetricName());
    sonde.v1.ActionOuterClass.CaptureLimits l = a.getLimits();
    dev.sonde.agent.values.Capture.Limits limits = dev.sonde.agent.values.Capture.Limits.of(l.getMaxDepth(), l.getMaxFields(), l.getMaxCollectionItems(), l.getMaxStringLength(), l.getMaxSnapshotBytes());
    engine.upsert(a.getId(), kind, a.getLocation().getFile(), a.getLocation().getLine(), a.getFormat(), a.getCondition(), a.getExpressionsList(), a.getHitLimit(), limits, endLine);
  }

  /** The loaded source file a workspace path means (the JVM has no source files to compare lines with). */
  private FileQueryResult answer(FileQuery q) {
    PathMatch.Result m = PathMatch.match(q.getPath(), engine.sources.paths());
    if (m.matched()) return FileQueryResult.newBuilder().setLoadedPath(m.path()).build();
    return FileQueryResult.newBuilder().addAllCandidates(m.candidates()).build();
  }

  private void flush(Connection c) throws Exception {
    List<Event> batch = new ArrayList<>();
    for (Wire.Item item; batch.size() < 1000 && (item = events.poll()) != null; ) {
      queued.decrementAndGet();
      batch.add(Wire.event(item, config.agentId()));
    }
    for (Map.Entry<String, Probe> p : engine.probes().entrySet()) {
      long drops = dropped.getOrDefault(p.getKey(), new AtomicLong()).get();
      long[] counts = {p.getValue().hits(), drops, p.getValue().suppressed(), (long) p.getValue().costNsPerHit()};
      long[] sent = sentCounts.get(p.getKey());
      if (sent != null && java.util.Arrays.equals(sent, counts)) continue;
      sentCounts.put(p.getKey(), counts);
      batch.add(Event.newBuilder().setHits(HitCount.newBuilder().setActionId(p.getKey()).setAgentId(config.agentId()).setHits(counts[0]).setDropped(counts[1]).setSuppressed(counts[2]).setCostNsPerHit(p.getValue().costNsPerHit())).build());
    }
    long now = System.currentTimeMillis();
    if (now - intervalStart >= config.metricIntervalMs()) {
      long start = intervalStart;
      intervalStart = now;
      for (Map.Entry<String, Probe> p : engine.probes().entrySet()) {
        MetricSample.Builder m = MetricSample.newBuilder().setActionId(p.getKey()).setAgentId(config.agentId()).setName(names.getOrDefault(p.getKey(), "")).setIntervalStartMs(start).setIntervalEndMs(now);
        if (p.getValue() instanceof AggregateProbes.Counter counter) {
          m.setCount(counter.takeCount());
        } else if (p.getValue() instanceof AggregateProbes.Aggregating agg) {
          AggregateProbes.Aggregate a = agg.takeAggregate();
          m.setCount(a.count);
          if (a.count > 0) m.setSum(a.sum).setMin(a.min).setMax(a.max).setP50(a.quantile(0.5)).setP90(a.quantile(0.9)).setP99(a.quantile(0.99));
        } else {
          continue;
        }
        batch.add(Event.newBuilder().setMetric(m).build());
      }
    }
    if (!batch.isEmpty()) send(c, Envelope.newBuilder().setEvents(EventBatch.newBuilder().addAllEvents(batch)), false);
  }
}
