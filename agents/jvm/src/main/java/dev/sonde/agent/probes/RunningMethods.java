package dev.sonde.agent.probes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** What the program's threads are running now: the methods on their stacks (the agent's own threads left out). */
final class RunningMethods {
  private RunningMethods() {}

  /** Class name → the methods of it on some thread's stack. */
  static Map<String, Set<String>> now() {
    Map<String, Set<String>> out = new HashMap<>();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getName().startsWith("sonde-")) continue;
      for (StackTraceElement f : e.getValue()) out.computeIfAbsent(f.getClassName(), k -> new HashSet<>()).add(f.getMethodName());
    }
    return out;
  }

  /** "Class.method is running now in thread main", for a state. */
  static String described(List<Site> held) {
    Set<String> methods = new TreeSet<>();
    for (Site s : held) methods.add(s.className + "." + s.method);
    Set<String> threads = new TreeSet<>();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      for (StackTraceElement f : e.getValue()) for (Site s : held) if (f.getClassName().equals(s.className) && f.getMethodName().equals(s.method)) threads.add(e.getKey().getName());
    }
    return String.join(", ", methods) + " is running now in " + (threads.isEmpty() ? "a thread" : "thread " + String.join(", ", threads));
  }
}
