package dev.sonde.agent.debug;

import com.sun.jdi.LocalVariable;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.ClassType;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.PrimitiveValue;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.EventRequest;
import dev.sonde.agent.probes.Site;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves a line whose method is running now (a loop in main never re-enters its new bytecode) through
 * the JVM's own debugger interface, reached from inside the process: a breakpoint that suspends only the
 * thread that hits it, whose handler reads the site's locals and calls the same probe entry the injected
 * code calls (Hits.fallback), in that thread, with the real values. Hundreds of microseconds a hit, so
 * the quota trips early; the injected probe takes over once the running call has returned.
 */
public final class Debugger {
  private static Debugger instance;
  private static String unavailable;

  private final VirtualMachine vm;
  private final ClassType hits;
  private final Method entry;

  private Debugger(VirtualMachine vm) {
    this.vm = vm;
    // The debugger sees prepared classes only: the entry's class is initialised first (site -1 is no site).
    dev.sonde.agent.probes.Hits.hit(-1, null);
    List<ReferenceType> found = vm.classesByName("dev.sonde.agent.probes.Hits");
    if (found.isEmpty()) throw new IllegalStateException("the debugger does not see the agent's class dev.sonde.agent.probes.Hits (" + vm.allClasses().size() + " classes seen)");
    this.hits = (ClassType) found.get(0);
    List<Method> entries = hits.methodsByName("fallback");
    if (entries.isEmpty()) throw new IllegalStateException("the agent's class Hits has no fallback method");
    this.entry = entries.get(0);
    Thread t = new Thread(this::events, "sonde-debugger");
    t.setDaemon(true);
    t.start();
  }

  /** The debugger of this JVM, connected once; null when it cannot be, and why() says why. */
  public static synchronized Debugger get(String configuredPort) {
    if (instance != null || unavailable != null) return instance;
    try {
      int port = JdwpAddress.port(configuredPort);
      AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream().filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
      Map<String, Connector.Argument> args = socket.defaultArguments();
      args.get("hostname").setValue("127.0.0.1");
      args.get("port").setValue(String.valueOf(port));
      instance = new Debugger(socket.attach(args));
    } catch (Throwable t) {
      unavailable = t.getMessage() == null ? t.toString() : t.getMessage();
    }
    return instance;
  }

  public static synchronized String why() {
    return unavailable;
  }

  /** Breakpoints at the site's line in its method; false when the class or the line is not there. */
  public synchronized boolean serve(Site site) {
    boolean placed = false;
    for (ReferenceType type : vm.classesByName(site.className)) {
      try {
        // The "Java" stratum: the bytecode's own line numbers (a Kotlin class's default stratum maps them through its SMAP).
        for (Location loc : type.locationsOfLine("Java", null, site.bytecodeLine > 0 ? site.bytecodeLine : site.line)) {
          if (!loc.method().name().equals(site.method)) continue;
          BreakpointRequest req = vm.eventRequestManager().createBreakpointRequest(loc);
          req.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
          req.putProperty(Site.class, site);
          req.enable();
          placed = true;
          // A new call of the method would run new bytecode: watch for one (the class's entries only, no suspension).
          com.sun.jdi.request.MethodEntryRequest entries = vm.eventRequestManager().createMethodEntryRequest();
          entries.addClassFilter(type);
          entries.setSuspendPolicy(EventRequest.SUSPEND_NONE);
          entries.putProperty(Site.class, site);
          entries.enable();
          break; // the line's first location, as the injected probe's
        }
      } catch (Exception e) {
        // a class without line numbers: not served
      }
    }
    return placed;
  }

  public synchronized void stop(Site site) {
    List<EventRequest> gone2 = new ArrayList<>();
    for (BreakpointRequest r : vm.eventRequestManager().breakpointRequests()) if (r.getProperty(Site.class) == site) gone2.add(r);
    for (com.sun.jdi.request.MethodEntryRequest r : vm.eventRequestManager().methodEntryRequests()) if (r.getProperty(Site.class) == site) gone2.add(r);
    vm.eventRequestManager().deleteEventRequests(gone2);
  }

  private void events() {
    try {
      for (;;) {
        EventSet set = vm.eventQueue().remove();
        for (Event e : set) {
          if (e instanceof BreakpointEvent b) hit(b);
          else if (e instanceof com.sun.jdi.event.MethodEntryEvent m && m.request().getProperty(Site.class) instanceof Site site && m.method().name().equals(site.method)) site.reentered = true;
        }
        set.resume();
      }
    } catch (Throwable end) {
      // the VM is going away
    }
  }

  /** Up to this many values (this and locals) go to the entry as plain arguments, in one call. */
  static final int ARGS = 6;
  private final Map<Site, List<LocalVariable>> variables = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Reads this and the site's locals from the suspended frame (one request for all the locals) and calls
   * Hits.fallback(site, kinds, o0..o5, l0..l5, d0..d5) in that thread: one invocation, no object made in it.
   */
  private void hit(BreakpointEvent b) {
    Site site = (Site) b.request().getProperty(Site.class);
    if (site == null) return;
    ThreadReference thread = b.thread();
    try {
      StackFrame frame = thread.frame(0);
      List<LocalVariable> vars = variables.computeIfAbsent(site, k -> visible(frame, k));
      Map<LocalVariable, Value> read = vars.isEmpty() ? Map.of() : frame.getValues(vars);
      List<Value> objects = new ArrayList<>();
      long[] longs = new long[ARGS];
      double[] doubles = new double[ARGS];
      int kinds = 0;
      if (site.hasThis) objects.add(frame.thisObject());
      for (int i = 0; i < vars.size(); i++) {
        int k = objects.size();
        Value v = read.get(vars.get(i));
        int kind = Kinds.of(site.locals.get(i).descriptor());
        if (v instanceof PrimitiveValue p) {
          if (kind == Kinds.FLOAT || kind == Kinds.DOUBLE) doubles[k] = p.doubleValue();
          else longs[k] = p.longValue();
          objects.add(null);
        } else {
          objects.add(v);
          kind = Kinds.OBJECT;
        }
        kinds |= kind << (3 * k);
      }
      if (objects.size() > ARGS) return; // more values than the entry takes: not served (said at install)
      while (objects.size() < ARGS) objects.add(null);
      List<Value> args = new ArrayList<>(2 + 3 * ARGS);
      args.add(vm.mirrorOf(site.id()));
      args.add(vm.mirrorOf(kinds | (site.hasThis ? 1 : 0) << 30 | (vars.size() + (site.hasThis ? 1 : 0)) << 24));
      args.addAll(objects);
      for (long l : longs) args.add(vm.mirrorOf(l));
      for (double d : doubles) args.add(vm.mirrorOf(d));
      hits.invokeMethod(thread, entry, args, ObjectReference.INVOKE_SINGLE_THREADED);
    } catch (Throwable t) {
      // a frame gone, a variable not visible: this hit is not served
    }
  }

  private static List<LocalVariable> visible(StackFrame frame, Site site) {
    List<LocalVariable> out = new ArrayList<>();
    try {
      for (Site.Local l : site.locals) {
        LocalVariable v = site.bytecodeLine != site.line ? frame.visibleVariableByName(l.name() + "$iv") : null;
        out.add(v != null ? v : frame.visibleVariableByName(l.name()));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
