package dev.sonde.agent;

import java.nio.file.Path;

/**
 * Loads the agent into a running JVM through the JDK's attach API (module jdk.attach). Java 21 and newer
 * print a warning in the target when an agent is loaded this way (JEP 451); the target silences it with
 * -XX:+EnableDynamicAgentLoading, and an agent given with -javaagent at start-up prints nothing.
 */
final class Attach {
  private Attach() {}

  static final String WARNING_NOTE = "on Java 21 and newer the target JVM prints a warning about a dynamically loaded agent (JEP 451); start it with -XX:+EnableDynamicAgentLoading to silence it, or give the agent with -javaagent at start-up";

  static int attach(String pid, String args) {
    if (!pid.matches("\\d+")) {
      System.err.println("sonde agent: attach takes a process id (a number), not " + pid + "; jps or jcmd lists the JVMs");
      return 2;
    }
    Path jar;
    try {
      jar = Path.of(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (Exception e) {
      System.err.println("sonde agent: cannot tell where the agent's jar is: " + e.getMessage());
      return 1;
    }
    try {
      Class<?> vmClass = Class.forName("com.sun.tools.attach.VirtualMachine");
      Object vm = vmClass.getMethod("attach", String.class).invoke(null, pid);
      try {
        vmClass.getMethod("loadAgent", String.class, String.class).invoke(vm, jar.toString(), args);
      } finally {
        vmClass.getMethod("detach").invoke(vm);
      }
    } catch (ClassNotFoundException e) {
      System.err.println("sonde agent: this Java has no attach API (module jdk.attach): run attach with a JDK's java, not a JRE's");
      return 1;
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      System.err.println("sonde agent: could not attach to " + pid + ": " + cause + (String.valueOf(cause).contains("No such process") || String.valueOf(cause).contains("AttachNotSupported") ? " (is it a JVM of this user? jps lists them)" : ""));
      return 1;
    } catch (ReflectiveOperationException e) {
      System.err.println("sonde agent: could not attach to " + pid + ": " + e);
      return 1;
    }
    System.err.println("sonde agent: loaded into " + pid + "; " + WARNING_NOTE);
    return 0;
  }
}
