package dev.sonde.agent;

import java.lang.instrument.Instrumentation;

/** The agent's entry points: -javaagent (premain), attach (agentmain), and java -jar (attach PID). */
public final class AgentMain {
  private AgentMain() {}

  public static void premain(String args, Instrumentation inst) {
    Agent.start(inst, Config.fromEnvironment(args));
  }

  public static void agentmain(String args, Instrumentation inst) {
    Agent.start(inst, Config.fromEnvironment(args));
  }

  public static void main(String[] args) {
    System.err.println("sonde agent: usage: java -javaagent:sonde-agent.jar -jar app.jar (settings from SONDE_* variables)");
    System.exit(2);
  }
}
