// The format a new log gets when the user gives none: the values the line
// reads, `name={name}`. JavaScript and TypeScript lines go through acorn's
// tokenizer (a line alone is often not a complete statement, so errors are
// tolerated); other languages use a plain identifier scan. Heuristic by
// nature: the user can always edit the format.
import { tokenizer } from 'acorn';
import type { Options } from 'acorn';

export type LanguageFamily = 'js' | 'ts' | 'other';

/** At most this many values, so that a busy line does not make a huge log. */
export const MAX_IDENTIFIERS = 6;

/**
 * Longer lines get the plain default without being scanned. A line a person
 * writes is a few hundred characters at most; longer ones are minified or
 * generated code, whose names make no useful log, and scanning them costs
 * time and memory without bound (a 50 MB line took gigabytes in the tokenizer).
 */
export const MAX_SCANNED_LINE_CHARS = 10_000;

const tsIds = new Set(['typescript', 'typescriptreact', 'ts', 'tsx', 'mts', 'cts']);
const jsIds = new Set(['javascript', 'javascriptreact', 'js', 'jsx', 'mjs', 'cjs']);

/** The family of a document, from its LSP languageId or else its file extension. */
export function languageFamily(languageId: string | undefined, file: string): LanguageFamily {
  const id = languageId?.toLowerCase();
  if (id && tsIds.has(id)) return 'ts';
  if (id && jsIds.has(id)) return 'js';
  if (id) return 'other';
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  if (tsIds.has(ext)) return 'ts';
  if (jsIds.has(ext)) return 'js';
  return 'other';
}

/** `a={a}, req.url={req.url}`, or `reached <file>:<line>` for a line that reads nothing. */
export function defaultFormat(lineText: string, where: { file: string; line: number; languageId?: string }): string {
  const names = identifiersRead(lineText, languageFamily(where.languageId, where.file));
  if (names.length === 0) return `reached ${where.file}:${where.line}`;
  return names.map((n) => `${n}={${n}}`).join(', ');
}

export function identifiersRead(lineText: string, family: LanguageFamily): string[] {
  if (lineText.length > MAX_SCANNED_LINE_CHARS) return [];
  const names = family === 'other' ? scanOther(lineText) : scanJs(lineText, family === 'ts');
  return [...new Set(names)].slice(0, MAX_IDENTIFIERS);
}

// ---- JavaScript and TypeScript -------------------------------------------

interface Tok {
  /** acorn's token label: `name`, `.`, `(`, `string`, … */
  label: string;
  keyword: boolean;
  text: string;
}

const acornOptions: Options = {
  ecmaVersion: 'latest',
  sourceType: 'module',
  allowHashBang: true,
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  allowImportExportEverywhere: true,
};

// Each restart after a tokenizer error costs a new acorn parser (~25 µs); a
// line of junk could otherwise cost one per character.
const MAX_RESTARTS = 100;

/** Tokens of a line; after an error, goes on past the offending character unless it opened a string, template or regex. */
function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  let offset = 0;
  let restarts = 0;
  while (offset < text.length && restarts++ <= MAX_RESTARTS) {
    const rest = text.slice(offset);
    try {
      for (const t of tokenizer(rest, acornOptions)) {
        out.push({ label: t.type.label, keyword: t.type.keyword !== undefined, text: rest.slice(t.start, t.end) });
      }
      break;
    } catch (err) {
      const pos = (err as { pos?: number }).pos;
      if (pos === undefined) break;
      const at = offset + pos;
      // The rest of an unterminated string is not code; decorators (`@`) and JSX text are.
      if (`'"\`/`.includes(text[at] ?? '')) break;
      offset = at + 1;
    }
  }
  return out;
}

// Names that are not values worth logging: contextual keywords and globals.
const notValues = new Set(['undefined', 'NaN', 'Infinity', 'async', 'await', 'of', 'let', 'static', 'get', 'set', 'yield', 'as', 'from', 'constructor']);
const globals = new Set(['console', 'Math', 'JSON', 'Object', 'Array', 'Number', 'String', 'Boolean', 'Promise', 'Symbol', 'Date', 'Error', 'Reflect', 'Map', 'Set', 'RegExp', 'globalThis', 'window', 'document', 'require', 'module', 'exports']);
const tsOnly = new Set(['declare', 'readonly', 'private', 'public', 'protected', 'abstract', 'override', 'interface', 'namespace', 'keyof', 'infer', 'satisfies', 'implements', 'asserts', 'string', 'number', 'boolean', 'any', 'unknown', 'never', 'object', 'symbol', 'bigint']);
// Ends a type annotation at its own bracket depth.
const typeEnd = new Set([',', '=', ';', '=>', '{']);

function scanJs(lineText: string, ts: boolean): string[] {
  const trimmed = lineText.trimStart();
  // A line inside a block comment.
  if (/^\*(\s|\/|$)/.test(trimmed)) return [];
  const toks = tokens(lineText);
  if (toks[0]?.text === 'import') return [];
  const inParams = parameterLists(toks);
  const found: string[] = [];
  const bound = new Set<string>();
  const stack: string[] = [];
  let ternaries = 0;
  let cases = 0;
  // A declaration (`const a = …, b = …`): names before `=` are bound, not read.
  let declDepth: number | undefined;
  let binding = false;
  // A TypeScript annotation, until this bracket depth ends it: names in it are types.
  let typeDepth: number | undefined;
  let afterNew = false;
  let classHeader = false;

  const isName = (t: Tok | undefined): boolean => t !== undefined && (t.label === 'name' || t.label === 'privateId');
  const closes = (label: string): boolean => label === ')' || label === ']' || label === '}';

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const prev = toks[i - 1];
    const depth = stack.length;

    if (typeDepth !== undefined) {
      if (depth === typeDepth && (typeEnd.has(t.label) || closes(t.label))) typeDepth = undefined;
      else {
        track(t);
        continue;
      }
    }
    if (declDepth !== undefined) {
      if (depth < declDepth || (depth === declDepth && (t.label === ';' || closes(t.label)))) declDepth = undefined;
      else if (depth === declDepth && binding && (t.label === '=' || t.text === 'of' || t.text === 'in')) binding = false;
      else if (depth === declDepth && !binding && t.label === ',') binding = true;
    }

    if (t.keyword || (t.text === 'let' && t.label === 'name')) {
      if (t.text === 'const' || t.text === 'var' || (t.text === 'let' && (isName(toks[i + 1]) || ['{', '['].includes(toks[i + 1]?.label ?? '')))) {
        declDepth = depth;
        binding = true;
      } else if (t.text === 'case') cases++;
      else if (t.text === 'new') afterNew = true;
      else if (t.text === 'class') classHeader = true;
      if (t.text !== 'this') {
        track(t);
        continue;
      }
    }
    if (t.label === '{') classHeader = false;

    if (t.label === ':') {
      if (ternaries > 0) ternaries--;
      else if (cases > 0) cases--;
      // TypeScript: a parameter's type, or a return type after `)`. At the
      // top level a `key: value` line of a multi-line object is likelier.
      else if (ts && ((stack.length > 0 && stack[stack.length - 1] !== '{') || prev?.label === ')')) typeDepth = depth;
      track(t);
      continue;
    }
    if (t.label === '?') ternaries++;
    if (ts && t.label === 'name' && (t.text === 'as' || t.text === 'satisfies') && i > 0) {
      typeDepth = depth;
      continue;
    }

    const startsChain = (t.label === 'name' || t.text === 'this') && prev?.label !== '.' && prev?.label !== '?.';
    if (!startsChain) {
      track(t);
      continue;
    }
    // The whole chain: a, a.b, a?.b.c, this.x
    let chain = t.text;
    let j = i;
    while ((toks[j + 1]?.label === '.' || toks[j + 1]?.label === '?.') && isName(toks[j + 2])) {
      chain += toks[j + 1]!.text + toks[j + 2]!.text;
      j += 2;
    }
    const next = toks[j + 1];
    const head = t.text;
    const skip =
      afterNew ||
      classHeader ||
      inParams[i] === true ||
      (declDepth !== undefined && binding) ||
      chain === 'this' ||
      notValues.has(head) ||
      globals.has(head) ||
      (ts && tsOnly.has(head) && chain === head) ||
      next?.label === '(' ||
      next?.label === '`' ||
      (next?.label === '?.' && toks[j + 2]?.label === '(') ||
      next?.label === '=>' ||
      // A key in an object literal (or a label).
      (next?.label === ':' && chain === head && ternaries === 0 && cases === 0 && (stack[stack.length - 1] === '{' || stack.length === 0));
    afterNew = false;
    // Parameters and names this line declares do not exist before it runs (a `const` is in its dead zone).
    if (inParams[i] === true || next?.label === '=>' || (declDepth !== undefined && binding)) bound.add(head);
    i = j;
    if (!skip) found.push(chain);
  }
  // Nor are they when read later on the same line.
  return found.filter((chain) => !bound.has(chain.split(/\??\./)[0] ?? chain));

  function track(t: Tok): void {
    if (t.label === '(' || t.label === '[' || t.label === '{' || t.label === '${') stack.push(t.label);
    else if (closes(t.label) && stack.length > 0) stack.pop();
  }
}

/**
 * Marks the tokens inside parameter lists: `(a, b) =>`, `function f(a)`,
 * `method(a) {`. Parameters are bound when the function is called, not when
 * its line runs (a probe on `app.get('/', (req, res) => {` fires at
 * registration, where `req` does not exist).
 */
function parameterLists(toks: Tok[]): boolean[] {
  const marks: boolean[] = [];
  const open: number[] = [];
  for (let k = 0; k < toks.length; k++) {
    const label = toks[k]!.label;
    if (label === '(') open.push(k);
    else if (label === ')' && open.length > 0) {
      const i = open.pop()!;
      const before = toks[i - 1];
      const after = toks[k + 1];
      const isParams =
        after?.label === '=>' ||
        before?.text === 'function' ||
        (before?.label === 'name' && (toks[i - 2]?.text === 'function' || (toks[i - 2]?.label === '*' && toks[i - 3]?.text === 'function'))) ||
        (before?.label === 'name' && toks[i - 2]?.label !== '.' && toks[i - 2]?.label !== '?.' && after?.label === '{');
      if (isParams) for (let m = i + 1; m < k; m++) marks[m] = true;
    }
  }
  return marks;
}

// ---- Other languages -------------------------------------------------------

const otherKeywords = new Set(
  (
    'and as assert async await break case catch class const continue def default del do elif else enum except extends false final finally for from fun func go ' +
    'if import in interface is lambda let match new nil none nonlocal not null object or package pass private protected public raise return self static struct super ' +
    'switch this throw throws true try type val var void when while with yield fn impl mut pub use mod where loop end then unless until begin module require ' +
    'int long short byte char float double boolean bool string str'
  ).split(' '),
);
const declaresNext = new Set(['def', 'class', 'fun', 'func', 'fn', 'import', 'from', 'as', 'package', 'new', 'val', 'var', 'let', 'struct', 'interface', 'type']);

function scanOther(lineText: string): string[] {
  // Strings hold no names worth reading; comments neither.
  const code = lineText
    .replace(/"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?/g, (m) => ' '.repeat(m.length))
    .replace(/(\/\/|#(?![{\[])).*$/, '');
  const found: string[] = [];
  const re = /(?<![\w$.@])[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*/g;
  let prevWord: string | undefined;
  for (let m = re.exec(code); m !== null; m = re.exec(code)) {
    const chain = m[0];
    const head = chain.split(/\??\./)[0] ?? chain;
    const after = code.slice(m.index + chain.length);
    const declared = prevWord !== undefined && declaresNext.has(prevWord);
    prevWord = chain;
    if (declared) continue;
    if (otherKeywords.has(head.toLowerCase()) && chain === head) continue;
    if (/^\s*\(/.test(after)) {
      // A call runs code a probe will not run; its receiver is a value worth reading (`pc.isPrime()` reads pc).
      const receiver = chain.replace(/\??\.[A-Za-z_$][\w$]*$/, '');
      if (receiver !== chain && receiver !== 'self' && receiver !== 'this') found.push(receiver);
      continue;
    }
    if (/^\s*=(?!=)/.test(after)) continue; // assigned, or a keyword argument
    if (/^\s*:(?!:)\s*\S/.test(after) && chain === head) continue; // a key (`key: value`), not a block's colon
    const nextWord = /^\s+([A-Za-z_$][\w$]*)/.exec(after)?.[1];
    if (nextWord !== undefined && !otherKeywords.has(nextWord.toLowerCase())) continue; // a type before a name: `String name`
    if (chain === 'self' || chain === 'this') continue;
    found.push(chain);
  }
  return found;
}
