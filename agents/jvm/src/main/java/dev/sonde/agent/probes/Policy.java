package dev.sonde.agent.probes;

import dev.sonde.agent.values.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's policy as the agent applies it: redaction (names and value patterns on top of the
 * defaults), files (globs on the workspace path) and functions (a method's name, or Class.method) no probe
 * may go in. Set live: probes already installed read the redaction at their next hit, and the engine takes
 * out those the new blocklists cover.
 */
public final class Policy {
  public final Redaction redaction = new Redaction();
  private volatile List<Object[]> files = List.of();
  private volatile Set<String> functions = Set.of();

  /** Applies a policy; returns what in it was refused (a pattern that could backtrack without bound), with why. */
  public List<String> set(List<String> names, List<String> patterns, List<String> blockedFiles, List<String> blockedFunctions) {
    List<String> refused = redaction.set(names, patterns);
    List<Object[]> f = new ArrayList<>();
    for (String glob : blockedFiles) f.add(new Object[] {glob, globToRegex(glob.replace('\\', '/'))});
    files = f;
    functions = Set.copyOf(blockedFunctions);
    return refused;
  }

  /** A glob as a regex anchored on the whole path, or on a tail of whole segments when it has no slash (every agent's rule). */
  static Pattern globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        re.append(".*");
        i++;
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') i++;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(glob.contains("/") ? "^" + re + "$" : "(?:^|/)" + re + "$");
  }

  public String blockReason(String file) {
    String path = file.replace('\\', '/');
    if (path.startsWith("./")) path = path.substring(2);
    for (Object[] f : files) if (((Pattern) f[1]).matcher(path).find()) return file + " is blocklisted by the policy (" + f[0] + "); no probe goes in it";
    return null;
  }

  /** A method by its own name, or as Class.method (the class's simple name). */
  public String functionBlockReason(String className, String method) {
    if (functions.isEmpty()) return null;
    String simple = className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    for (String candidate : List.of(method, simple + "." + method, simple.substring(simple.lastIndexOf('.') + 1) + "." + method)) {
      if (functions.contains(candidate)) return "function " + candidate + " is blocklisted by the policy; no probe goes in it";
    }
    return null;
  }
}
