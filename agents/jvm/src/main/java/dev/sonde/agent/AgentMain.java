package dev.sonde.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: -javaagent at start-up (premain), loaded into a running JVM (agentmain), and
 * {@code java -jar sonde-agent.jar attach PID}, which loads it into that JVM with this shell's SONDE_*
 * settings (the running JVM's own environment cannot change).
 */
public final class AgentMain {
  private AgentMain() {}

  public static void premain(String args, Instrumentation inst) {
    Agent.start(inst, Config.fromEnvironment(args));
  }

  public static void agentmain(String args, Instrumentation inst) {
    Agent.start(inst, Config.fromEnvironment(args));
  }

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("attach")) {
      System.exit(Attach.attach(args[1], Config.argsFrom(System.getenv())));
    }
    System.err.println("usage: java -jar sonde-agent.jar attach PID     (loads the agent into the running JVM PID, with this shell's SONDE_* settings)\n"
        + "       java -javaagent:sonde-agent.jar -jar app.jar  (at start-up; settings from SONDE_* variables or -Dsonde.* properties)");
    System.exit(2);
  }

}
