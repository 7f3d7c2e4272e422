// Redaction inside the agent, before anything is queued: values whose name
// says they are secret (by name segment, so `userPassword`, `api_key` and
// `X-Api-Key` match but `tokenizer` does not) and strings whose content looks
// like one (card numbers passing Luhn, e-mail addresses, JWTs, bearer tokens,
// AWS-style access keys), plus the operator's own names and patterns. The
// defaults are protocol/conformance/redaction.json, which every agent runs.

export const REDACTED = '[redacted]';

/** Name terms redacted by default, each as its segments ("api key" matches apiKey, api_key, X-Api-Key, apikey). */
export const DEFAULT_NAMES: readonly string[] = [
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'authorization', 'auth', 'cookie', 'session',
  'api key', 'private key', 'secret key', 'access key', 'client secret', 'credential', 'ssn', 'credit card', 'card number', 'cvv',
];

interface ValuePattern {
  readonly re: RegExp;
  /** Text that every match contains: a line without any of it skips the pattern (an indexOf, not a regex run, per line). */
  readonly hint?: readonly string[];
  /** A check on the match beyond the pattern (Luhn for card numbers). */
  readonly accept?: (match: string) => boolean;
  /** The shortest text the pattern can match: a shorter value (most numbers, ids, names) skips it without a regex run. */
  readonly minLength?: number;
}

/** The fewest digits the card pattern matches; no other default pattern matches a number's text. */
const CARD_MIN_DIGITS = 12;

/** Content patterns; every quantifier is bounded so that no input makes one backtrack without end. */
const DEFAULT_VALUES: readonly ValuePattern[] = [
  { re: /\beyJ[A-Za-z0-9_-]{4,2048}\.[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{0,2048}/g, hint: ['eyJ'], minLength: 13 },
  { re: /\bBearer\s{1,4}[A-Za-z0-9._~+/=-]{8,4096}/gi, minLength: 15 },
  { re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, hint: ['AKIA', 'ASIA'], minLength: 20 },
  { re: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g, hint: ['@'], minLength: 6 },
  // Issuer prefixes (Visa 4, Mastercard 51-55 and 22-27, Amex 34 and 37, Discover 6011 and 65) as well as Luhn:
  // a millisecond timestamp (17…, 13 digits) passes Luhn one time in ten and is no card.
  { re: /\b(?:4|5[1-5]|2[2-7]|3[47]|6011|65)(?:[ -]?\d){11,17}\b/g, accept: luhn, minLength: CARD_MIN_DIGITS },
];

/** True when the digits of `text` pass the Luhn check (what every real card number does). */
export function luhn(text: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    let d = double ? c * 2 : c;
    if (d > 9) d -= 9;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** A name's lowercase segments: camelCase humps, runs of capitals, digits, and anything between `_ - . [ ]` or spaces. */
export function nameSegments(name: string): string[] {
  return name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g)?.map((s) => s.toLowerCase()) ?? [];
}

/** A key and its value in safeInspect's rendering of an object: `password: 'x'`, `'api-key': 12`, `session: { id: 1 }`. */
const RENDERED_PAIR = /(^|[\s{,])([A-Za-z_$][\w$]{0,63}|'[^'\n]{1,64}'): ('(?:[^'\\\n]|\\.){0,4096}'|\{[^{}]{0,1024}\}|\[[^[\]]{0,1024}\]|[^\s,{}[\]]{1,256})/g;

/** Operator patterns are bounded too: longest source, and input scanned per string. */
export const MAX_PATTERN_CHARS = 200;
const MAX_SCAN_CHARS = 64 * 1024;
/** Names whose answer is kept; past it the cache starts again (names are program identifiers and keys: few, unless keys are data). */
const MAX_CACHED_NAMES = 4096;

/** Why a pattern is refused, or undefined: too long, not a regex, or a quantified group holding a quantifier (the classic catastrophic backtracking). */
export function checkPattern(source: string): string | undefined {
  if (source.length === 0) return 'an empty pattern matches everything';
  if (source.length > MAX_PATTERN_CHARS) return `a pattern is at most ${MAX_PATTERN_CHARS} characters; this one has ${source.length}`;
  if (/\\[1-9]|\(\?<?[=!]/.test(source)) return 'back-references and lookarounds are refused: they can make a pattern backtrack without bound';
  if (/\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)(?:[+*?]|\{\d*,?\d*\})/.test(source)) {
    return 'a repeated group that itself repeats (such as (a+)+) is refused: it can backtrack without bound on some inputs';
  }
  try {
    new RegExp(source, 'g');
  } catch (err) {
    return `the pattern does not compile: ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}

export interface RedactionSettings {
  /** Extra name terms, on top of DEFAULT_NAMES. */
  names?: readonly string[];
  /** Extra value patterns (JavaScript regex sources), on top of the built-in ones. */
  patterns?: readonly string[];
}

/** The redaction in force; `version` moves on every change so that probes recompute what they decided once. */
export class Redaction {
  version = 0;
  private terms: { one: string; plural: string; single: boolean }[] = [];
  private values: ValuePattern[] = [];
  /** Number texts shorter than this can match no pattern in force (see redactValue). */
  private numbersSafeBelow = 0;
  /** The shortest text any pattern in force can match (an operator's pattern: any). */
  private shortest = 0;
  /** Answers of sensitiveName by name: a snapshot asks for every field of every hit, and field names repeat. */
  private readonly names = new Map<string, boolean>();

  constructor(settings: RedactionSettings = {}) {
    this.set(settings);
  }

  /** Applies new settings; patterns that checkPattern refuses are skipped and returned, with why. */
  set(settings: RedactionSettings): string[] {
    const refused: string[] = [];
    this.terms = [...DEFAULT_NAMES, ...(settings.names ?? [])]
      .map(nameSegments)
      .filter((t) => t.length > 0)
      .map((t) => ({ one: t.join(''), plural: `${t.join('')}s`, single: t.length === 1 }));
    this.names.clear();
    const values: ValuePattern[] = [...DEFAULT_VALUES];
    for (const p of settings.patterns ?? []) {
      const why = checkPattern(p);
      if (why !== undefined) refused.push(`${p}: ${why}`);
      else values.push({ re: new RegExp(p, 'g') });
    }
    // One shape for every pattern, so the per-value loop reads its fields monomorphically.
    this.values = values.map(({ re, hint, accept, minLength }) => ({ re, hint, accept, minLength: minLength ?? 0 }));
    this.numbersSafeBelow = values.length > DEFAULT_VALUES.length ? 0 : CARD_MIN_DIGITS;
    this.shortest = Math.min(...this.values.map((v) => v.minLength!));
    this.version++;
    return refused;
  }

  /** True when a name (or an expression such as user.password) has a redacted term among its segments; a segment may add a plural s. */
  sensitiveName(name: string): boolean {
    let known = this.names.get(name);
    if (known === undefined) {
      known = this.decide(name);
      if (this.names.size >= MAX_CACHED_NAMES) this.names.clear();
      this.names.set(name, known);
    }
    return known;
  }

  private decide(name: string): boolean {
    const segs = nameSegments(name);
    const joined = segs.map((s, i) => segs.slice(i).join(''));
    for (const { one, plural, single } of this.terms) {
      for (let i = 0; i < segs.length; i++) {
        if (single ? segs[i] === one || segs[i] === plural : joined[i]!.startsWith(one) && endsOnSegment(segs, i, one)) return true;
      }
    }
    return false;
  }

  /** An object's rendering in a log line with the values of secret keys replaced. */
  redactRendered(text: string): string {
    if (text.indexOf(': ') < 0) return text; // no key in it: the common case costs one scan
    return text.replace(RENDERED_PAIR, (all, lead: string, key: string) => (this.sensitiveName(key.replace(/'/g, '')) ? `${lead}${key}: ${REDACTED}` : all));
  }

  /**
   * A log value's text, redacted: secret keys in an object's rendering, then
   * value patterns. A number's text shorter than any default pattern can
   * match in digits (a card number's 12) skips both; an operator's pattern
   * might match digits, so with any, every value is scanned.
   */
  redactValue(text: string): string {
    if (text.length < this.numbersSafeBelow && isNumberText(text)) return text;
    return this.redactText(this.redactRendered(text));
  }

  /** The text with every match of a value pattern replaced by [redacted]. */
  redactText(text: string): string {
    if (text.length < this.shortest) return text; // no pattern in force matches so short a text
    const head = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
    let out = head;
    // Indexed loops and no closures: this runs on every value of every hit.
    const values = this.values;
    for (let p = 0; p < values.length; p++) {
      const { re, accept, hint, minLength } = values[p]!;
      if (out.length < minLength! || (hint !== undefined && !containsAny(out, hint))) continue;
      re.lastIndex = 0;
      if (!re.test(out)) continue;
      re.lastIndex = 0;
      out = out.replace(re, (m) => (accept === undefined || accept(m) ? REDACTED : m));
    }
    return out === head ? text : out + text.slice(head.length);
  }
}

/** Digits, a sign, a point, an exponent: what a finite number's text is made of. */
function isNumberText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 45 || c === 46 || c === 43 || c === 101)) return false;
  }
  return true;
}

function containsAny(text: string, parts: readonly string[]): boolean {
  for (let i = 0; i < parts.length; i++) if (text.indexOf(parts[i]!) >= 0) return true;
  return false;
}

/** A multi-segment term matches whole segments only: "apikey" in api_key_id yes, in api_keyboard no. */
function endsOnSegment(segs: readonly string[], from: number, term: string): boolean {
  let len = 0;
  for (let i = from; i < segs.length; i++) {
    len += segs[i]!.length;
    if (len === term.length || (len === term.length + 1 && segs[i]!.endsWith('s'))) return true;
    if (len > term.length) return false;
  }
  return false;
}
