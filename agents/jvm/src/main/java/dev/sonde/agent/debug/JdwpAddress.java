package dev.sonde.agent.debug;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where this JVM's own debugger interface (JDWP) listens, so that the agent can reach it from inside.
 * The JVM must have been started with -agentlib:jdwp=…,onjcmd=y (nothing listens until asked): the agent
 * asks through the JVM's DiagnosticCommand (VM.start_java_debugging), and the listening socket that
 * appeared then, among this process's own (Linux: /proc/self), is JDWP's. SONDE_JDWP_PORT names the port
 * instead, where /proc is not there or JDWP was started without onjcmd.
 */
public final class JdwpAddress {
  private JdwpAddress() {}

  static final String FLAG = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0,onjcmd=y";

  /** Whether the JVM was started with the jdwp agent at all. */
  public static boolean loaded() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp"));
  }

  static int port(String configured) throws IOException {
    if (!configured.isEmpty()) {
      try {
        return Integer.parseInt(configured);
      } catch (NumberFormatException e) {
        throw new IOException("SONDE_JDWP_PORT=" + configured + " is not a port number");
      }
    }
    if (!loaded()) throw new IOException("the JVM was not started with the jdwp agent; start it with " + FLAG);
    Set<Integer> before = listening();
    startDebugging();
    for (int tries = 0; tries < 20; tries++) {
      Set<Integer> now = listening();
      now.removeAll(before);
      if (now.size() == 1) return now.iterator().next();
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IOException("could not find the port the JVM's debugger interface listens on (started without onjcmd=y?); give it as SONDE_JDWP_PORT, or start the JVM with " + FLAG);
  }

  /**
   * VM.start_java_debugging, through the JDK's own jcmd (the DiagnosticCommand MBean does not offer it):
   * a separate process may attach to this one where the process itself may not.
   */
  private static void startDebugging() throws IOException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) throw new IOException("no jcmd in " + jcmd.getParent() + " (a JRE without the JDK's tools) to start the debugger interface with; give its port as SONDE_JDWP_PORT");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(ProcessHandle.current().pid()), "VM.start_java_debugging").redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("jcmd VM.start_java_debugging did not finish within 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the debugger interface");
    }
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0 || !(out.contains("started") || out.contains("already"))) throw new IOException("jcmd VM.start_java_debugging: " + out.replace('\n', ' '));
  }

  /** The loopback ports this process listens on (its own sockets, from /proc). */
  static Set<Integer> listening() throws IOException {
    Set<String> mine = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) mine.add(target.substring(8, target.length() - 1));
        } catch (IOException ignored) {
          // closed meanwhile
        }
      }
    }
    Set<Integer> ports = new HashSet<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) continue;
      for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && mine.contains(f[9])) ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
      }
    }
    return ports;
  }
}
