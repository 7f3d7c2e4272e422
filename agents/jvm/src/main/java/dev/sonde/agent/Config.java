package dev.sonde.agent;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The agent's settings: the same SONDE_* environment variables as every Sonde agent, or -Dsonde.* properties (which win). */
public record Config(String gatewayUrl, String agentKey, List<String> tags, String appName, String agentId, int maxProbes, String jdwpPort, int metricIntervalMs) {
  public static final int DEFAULT_MAX_PROBES = 5000;

  static Config fromEnvironment(String agentArgs) {
    java.util.Properties props = new java.util.Properties();
    props.putAll(System.getProperties());
    // Settings given with the agent (attach passes the attaching shell's SONDE_* this way) win over the JVM's own.
    if (agentArgs != null) {
      for (String pair : agentArgs.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.startsWith("SONDE_")) props.setProperty("sonde." + pair.substring(6, eq).toLowerCase().replace('_', '.'), pair.substring(eq + 1));
      }
    }
    return from(System.getenv(), props);
  }

  /** The SONDE_* variables of this environment as an agent's argument string: SONDE_GATEWAY_URL=…;SONDE_TAGS=…. */
  static String argsFrom(Map<String, String> env) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith("SONDE_") || e.getValue().contains(";")) continue;
      if (out.length() > 0) out.append(';');
      out.append(e.getKey()).append('=').append(e.getValue());
    }
    return out.toString();
  }

  static Config from(Map<String, String> env, java.util.Properties props) {
    String gateway = setting(env, props, "GATEWAY_URL", "");
    while (gateway.endsWith("/")) gateway = gateway.substring(0, gateway.length() - 1);
    List<String> tags = new ArrayList<>();
    for (String t : setting(env, props, "TAGS", "").split(",")) if (!t.isBlank()) tags.add(t.strip());
    String app = setting(env, props, "APP_NAME", "");
    if (app.isEmpty()) app = defaultAppName();
    String id = setting(env, props, "AGENT_ID", "");
    if (id.isEmpty()) id = "jvm-" + host() + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
    return new Config(gateway, setting(env, props, "AGENT_KEY", ""), List.copyOf(tags), app, id, positive(setting(env, props, "MAX_PROBES", ""), DEFAULT_MAX_PROBES, "SONDE_MAX_PROBES"), setting(env, props, "JDWP_PORT", ""), positive(setting(env, props, "METRIC_INTERVAL_MS", ""), 5000, "SONDE_METRIC_INTERVAL_MS"));
  }

  /** SONDE_NAME from the environment, or the property sonde.name (GATEWAY_URL → sonde.gateway.url). */
  private static String setting(Map<String, String> env, java.util.Properties props, String name, String fallback) {
    String property = props.getProperty("sonde." + name.toLowerCase().replace('_', '.'));
    if (property != null) return property.strip();
    String value = env.get("SONDE_" + name);
    return value != null ? value.strip() : fallback;
  }

  private static int positive(String raw, int fallback, String name) {
    if (raw.isEmpty()) return fallback;
    try {
      int v = Integer.parseInt(raw);
      if (v > 0) return v;
    } catch (NumberFormatException ignored) {
      // said below
    }
    System.err.println("sonde agent: " + name + "=" + raw + " is not a whole number above 0; using " + fallback);
    return fallback;
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  /** The main class's simple name, from the command line the JVM was started with. */
  private static String defaultAppName() {
    String command = System.getProperty("sun.java.command", "");
    String main = command.split(" ")[0];
    if (main.endsWith(".jar")) main = main.substring(Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1, main.length() - 4);
    else main = main.substring(main.lastIndexOf('.') + 1);
    return main.isEmpty() ? ManagementFactory.getRuntimeMXBean().getName() : main;
  }
}
