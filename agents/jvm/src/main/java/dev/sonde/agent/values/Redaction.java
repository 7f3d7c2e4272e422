package dev.sonde.agent.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redaction inside the agent, before anything is queued (protocol/conformance/redaction.json): values
 * whose name says they are secret (by name segment: userPassword, api_key and X-Api-Key match, tokenizer
 * does not) and strings whose content looks like one (card numbers passing Luhn with an issuer's prefix,
 * e-mail addresses, JWTs, bearer tokens, AWS-style access keys), plus the operator's own names and
 * patterns from the gateway's policy. Every pattern is bounded; an operator's pattern that could backtrack
 * without bound is refused.
 */
public final class Redaction {
  public static final String REDACTED = "[redacted]";
  static final List<String> DEFAULT_NAMES = List.of("password", "passwd", "pwd", "passphrase", "secret", "token", "authorization", "auth", "cookie", "session",
      "api key", "private key", "secret key", "access key", "client secret", "credential", "ssn", "credit card", "card number", "cvv");
  static final int MAX_PATTERN_CHARS = 200;
  static final int MAX_SCAN_CHARS = 64 * 1024;
  static final int MAX_CACHED_NAMES = 4096;
  static final int CARD_MIN_DIGITS = 12;
  private static final Pattern SEGMENT = Pattern.compile("[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\\d+");

  private record Value(Pattern re, List<String> hint, Predicate<String> accept, int minLength) {}

  private static final List<Value> DEFAULT_VALUES = List.of(
      new Value(Pattern.compile("\\beyJ[A-Za-z0-9_-]{4,2048}\\.[A-Za-z0-9_-]{4,4096}\\.[A-Za-z0-9_-]{0,2048}"), List.of("eyJ"), null, 13),
      new Value(Pattern.compile("\\bBearer\\s{1,4}[A-Za-z0-9._~+/=-]{8,4096}", Pattern.CASE_INSENSITIVE), List.of(), null, 15),
      new Value(Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"), List.of("AKIA", "ASIA"), null, 20),
      new Value(Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}\\b"), List.of("@"), null, 6),
      // Issuer prefixes as well as Luhn: a millisecond timestamp (17..., 13 digits) passes Luhn one time in ten and is no card.
      new Value(Pattern.compile("\\b(?:4|5[1-5]|2[2-7]|3[47]|6011|65)(?:[ -]?\\d){11,17}\\b"), List.of(), Redaction::luhn, CARD_MIN_DIGITS));

  /** A key and its value in a rendered object: {@code password: 'x'}, {@code 'api-key': 12}, {@code session: { id: 1 }}. */
  private static final Pattern RENDERED_PAIR = Pattern.compile("(^|[\\s{,])([A-Za-z_$][\\w$]{0,63}|'[^'\\n]{1,64}'): ('(?:[^'\\\\\\n]|\\\\.){0,4096}'|\\{[^{}]{0,1024}\\}|\\[[^\\[\\]]{0,1024}\\]|[^\\s,{}\\[\\]]{1,256})");

  private record Term(String one, String plural, boolean single) {}

  private volatile List<Term> terms;
  private volatile List<Value> values;
  private volatile int shortest;
  private volatile int numbersSafeBelow;
  private final Map<String, Boolean> names = new ConcurrentHashMap<>();
  /** Moves on with every set(): a probe recomputes what it decided once (which of its names are secret). */
  private volatile int version;

  public int version() {
    return version;
  }

  public Redaction() {
    set(List.of(), List.of());
  }

  static boolean luhn(String text) {
    int total = 0;
    boolean twice = false;
    for (int i = text.length() - 1; i >= 0; i--) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') continue;
      int d = twice ? (c - '0') * 2 : c - '0';
      total += d > 9 ? d - 9 : d;
      twice = !twice;
    }
    return total % 10 == 0;
  }

  static List<String> segments(String name) {
    List<String> out = new ArrayList<>();
    Matcher m = SEGMENT.matcher(name);
    while (m.find()) out.add(m.group().toLowerCase(Locale.ROOT));
    return out;
  }

  /** Why an operator's pattern is refused, or null. */
  public static String checkPattern(String source) {
    if (source.isEmpty()) return "an empty pattern matches everything";
    if (source.length() > MAX_PATTERN_CHARS) return "a pattern is at most " + MAX_PATTERN_CHARS + " characters; this one has " + source.length();
    if (Pattern.compile("\\\\[1-9]|\\(\\?<?[=!]").matcher(source).find()) return "back-references and lookarounds are refused: they can make a pattern backtrack without bound";
    if (Pattern.compile("\\((?:[^()\\\\]|\\\\.)*(?:[+*]|\\{\\d*,\\d*\\})(?:[^()\\\\]|\\\\.)*\\)(?:[+*?]|\\{\\d*,?\\d*\\})").matcher(source).find()) {
      return "a repeated group that itself repeats (such as (a+)+) is refused: it can backtrack without bound on some inputs";
    }
    try {
      Pattern.compile(source);
    } catch (RuntimeException e) {
      return "the pattern does not compile: " + e.getMessage().split("\n")[0];
    }
    return null;
  }

  /** The operator's names and patterns on top of the defaults; returns the refused patterns, each with why. */
  public synchronized List<String> set(List<String> operatorNames, List<String> operatorPatterns) {
    List<String> refused = new ArrayList<>();
    List<Term> t = new ArrayList<>();
    for (String term : concat(DEFAULT_NAMES, operatorNames)) {
      List<String> segs = segments(term);
      if (segs.isEmpty()) continue;
      String one = String.join("", segs);
      t.add(new Term(one, one + "s", segs.size() == 1));
    }
    List<Value> v = new ArrayList<>(DEFAULT_VALUES);
    for (String p : operatorPatterns) {
      String why = checkPattern(p);
      if (why != null) refused.add(p + ": " + why);
      else v.add(new Value(Pattern.compile(p), List.of(), null, 0));
    }
    terms = t;
    values = v;
    numbersSafeBelow = v.size() > DEFAULT_VALUES.size() ? 0 : CARD_MIN_DIGITS;
    shortest = v.stream().mapToInt(Value::minLength).min().orElse(0);
    names.clear();
    version++;
    return refused;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  public boolean sensitiveName(String name) {
    Boolean known = names.get(name);
    if (known == null) {
      known = decide(name);
      if (names.size() >= MAX_CACHED_NAMES) names.clear();
      names.put(name, known);
    }
    return known;
  }

  private boolean decide(String name) {
    List<String> segs = segments(name);
    for (Term term : terms) {
      for (int i = 0; i < segs.size(); i++) {
        String seg = segs.get(i);
        if (term.single()) {
          if (seg.equals(term.one()) || seg.equals(term.plural())) return true;
        } else if (joined(segs, i).startsWith(term.one()) && endsOnSegment(segs, i, term.one())) {
          return true;
        }
      }
    }
    return false;
  }

  private static String joined(List<String> segs, int from) {
    return String.join("", segs.subList(from, segs.size()));
  }

  private static boolean endsOnSegment(List<String> segs, int start, String term) {
    int length = 0;
    for (String seg : segs.subList(start, segs.size())) {
      length += seg.length();
      if (length == term.length() || (length == term.length() + 1 && seg.endsWith("s"))) return true;
      if (length > term.length()) return false;
    }
    return false;
  }

  /** A rendered object with the values of its secret keys replaced. */
  public String redactRendered(String text) {
    if (!text.contains(": ")) return text;
    Matcher m = RENDERED_PAIR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      boolean secret = sensitiveName(m.group(2).replace("'", ""));
      m.appendReplacement(out, Matcher.quoteReplacement(secret ? m.group(1) + m.group(2) + ": " + REDACTED : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A value's text in a line: secret keys of a rendered object, then the value patterns. */
  public String redactValue(String text) {
    if (text.length() < numbersSafeBelow && numberText(text)) return text;
    return redactText(redactRendered(text));
  }

  private static boolean numberText(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < '0' || c > '9') && c != '-' && c != '.' && c != '+' && c != 'e') return false;
    }
    return true;
  }

  public String redactText(String text) {
    if (text.length() < shortest) return text;
    String head = text.length() > MAX_SCAN_CHARS ? text.substring(0, MAX_SCAN_CHARS) : text;
    String out = head;
    for (Value p : values) {
      if (out.length() < p.minLength() || (!p.hint().isEmpty() && p.hint().stream().noneMatch(out::contains))) continue;
      Matcher m = p.re().matcher(out);
      if (!m.find()) continue;
      m.reset();
      StringBuilder b = new StringBuilder();
      while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(p.accept() == null || p.accept().test(m.group()) ? REDACTED : m.group()));
      m.appendTail(b);
      out = b.toString();
    }
    return out.equals(head) ? text : out + text.substring(head.length());
  }
}
