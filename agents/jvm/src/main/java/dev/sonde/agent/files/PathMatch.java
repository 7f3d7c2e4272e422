package dev.sonde.agent.files;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which loaded file a workspace path means (protocol/conformance/path-match.json): split both into
 * segments; the candidate sharing the longest run of trailing segments wins, and at least the file name
 * must be shared. A tie goes to the one candidate under the app's roots, else it is an answer listing the
 * tied candidates. A workspace path with a ".." segment, once decoded, matches nothing. A JVM's candidates
 * are its classes' source paths (package folders and the SourceFile: com/acme/Service.java).
 */
public final class PathMatch {
  private PathMatch() {}

  /** One best candidate (``path``), or a tie (``candidates``, sorted), or neither (no match). */
  public record Result(String path, List<String> candidates, int segments) {
    public static final Result NONE = new Result(null, List.of(), 0);

    public boolean matched() {
      return path != null;
    }
  }

  private static final Pattern SEPARATORS = Pattern.compile("[\\\\/]+");
  private static final Pattern PERCENT = Pattern.compile("%[0-9A-Fa-f]{2}");
  private static final Pattern BAD_PERCENT = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  /** Percent-decoding that, like decodeURIComponent, gives the text back unchanged when it is not valid. */
  static String decoded(String text) {
    if (BAD_PERCENT.matcher(text).find()) return text;
    try {
      ByteBuffer bytes = ByteBuffer.wrap(URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1));
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
    } catch (CharacterCodingException | IllegalArgumentException e) {
      return text;
    }
  }

  static List<String> segments(String path) {
    String p = path;
    if (p.startsWith("file://")) {
      String local = urlPath(p);
      if (local != null) p = local;
    } else if (PERCENT.matcher(p).find()) {
      p = decoded(p);
    }
    List<String> out = new ArrayList<>();
    for (String s : SEPARATORS.split(p)) if (!s.isEmpty() && !s.equals(".")) out.add(s);
    return out;
  }

  private static String urlPath(String url) {
    try {
      URI u = new URI(url);
      String host = u.getRawAuthority();
      if (host != null && !host.isEmpty() && !host.equals("localhost")) return null;
      String raw = u.getRawPath();
      if (raw == null || raw.toLowerCase().contains("%2f")) return null;
      String path = decoded(raw);
      return path.startsWith("/") ? path : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** A workspace path's segments; null when one is ".." (a file:// URL is checked before its parsing could resolve one away). */
  static List<String> workspaceSegments(String path) {
    if (path.startsWith("file://") && Arrays.asList(SEPARATORS.split(decoded(path.substring("file://".length())))).contains("..")) return null;
    List<String> s = segments(path);
    return s.contains("..") ? null : s;
  }

  private static int commonSuffix(List<String> a, List<String> b) {
    int n = 0;
    while (n < a.size() && n < b.size() && a.get(a.size() - 1 - n).equals(b.get(b.size() - 1 - n))) n++;
    return n;
  }

  public static Result match(String workspacePath, Iterable<String> candidates) {
    List<String> rel = workspaceSegments(workspacePath);
    if (rel == null || rel.isEmpty()) return Result.NONE;
    int best = 0;
    List<String> bestPaths = new ArrayList<>();
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String c : candidates) unique.add(c);
    for (String c : unique) {
      int n = commonSuffix(rel, segments(c));
      if (n == 0 || n < best) continue;
      if (n > best) {
        best = n;
        bestPaths.clear();
      }
      bestPaths.add(c);
    }
    if (bestPaths.isEmpty()) return Result.NONE;
    if (bestPaths.size() > 1) {
      bestPaths.sort(null); // String's order is UTF-16 code units, as every agent sorts
      return new Result(null, List.copyOf(bestPaths), best);
    }
    return new Result(bestPaths.get(0), List.of(), best);
  }

  /** match, where of equally good candidates those under the app's roots win. */
  public static Result matchUnder(String workspacePath, Iterable<String> candidates, List<String> roots) {
    Result m = match(workspacePath, candidates);
    if (m.candidates().isEmpty()) return m;
    List<String> inside = new ArrayList<>();
    for (String c : m.candidates()) {
      for (String r : roots) {
        String root = r.endsWith("/") ? r : r + "/";
        if (c.startsWith(root)) {
          inside.add(c);
          break;
        }
      }
    }
    if (inside.size() == 1) return new Result(inside.get(0), List.of(), m.segments());
    return inside.isEmpty() ? m : new Result(null, List.copyOf(inside), m.segments());
  }
}
