// Finds where a probe goes in a script and inserts it there without moving
// any line: the probe statement is placed in front of the first statement
// that starts on the line, on that same line, and no newline is ever added.
// A statement that is the direct body of if/else/for/while/do/with is wrapped
// as {probe;statement} so the probe stays inside the branch or loop.
//
// When top-level code (already run once, at load) and a function body both
// start on the line, as in `app.get('/', (req, res) => res.send(req.ip))`,
// the probe goes in the function: that is the code that runs again. An
// arrow's expression body is a site too, but V8 (11.3, Node 20) never
// applies a live edit to such an arrow (setScriptSource answers Ok and the
// closure keeps its old code), so it is marked `concise` and served by a
// breakpoint at the body.
//
// Node 20 shows the inspector CommonJS sources without the module wrapper, so
// CommonJS parses as a script that may `return` at top level.

import { parse, type Node, type Program } from 'acorn';
import { isNode, type AnyNode } from './ast-node.js';
import { functionNamesAt } from './function-names.js';
import { originalColumns, type ColumnMap } from './patched-columns.js';
export { columnOf } from './patched-columns.js';
import { visibleNames, type VisibleNames } from './scope-names.js';

/** Where a probe can go: the statement's span in the original source. */
export interface StatementSite {
  /** 1-based line. */
  line: number;
  /** 0-based column of the statement's first character. */
  column: number;
  start: number;
  end: number;
  /** The statement is a branch or loop body without braces: wrap it. */
  wrap: boolean;
  /** An arrow function's expression body: V8 cannot hot-patch it, so a breakpoint serves it. */
  concise?: boolean;
  /** Inside a function (or class body); false for top-level code, which runs once at load. */
  inFunction: boolean;
  /** A function's whole body (a tic-toc's function form): code goes before it and after it, never on a breakpoint. */
  around?: boolean;
}

export type SiteResult = { ok: true; site: StatementSite } | { ok: false; reason: string };

/** Fields whose statements run in sequence: a probe can go in front of any of them. */
const LIST_FIELDS: Record<string, string> = {
  Program: 'body',
  BlockStatement: 'body',
  StaticBlock: 'body',
  SwitchCase: 'consequent',
};

/** Fields holding a single statement as a body: a probe there must be wrapped in a block. */
const BODY_FIELDS: Record<string, readonly string[]> = {
  IfStatement: ['consequent', 'alternate'],
  ForStatement: ['body'],
  ForInStatement: ['body'],
  ForOfStatement: ['body'],
  WhileStatement: ['body'],
  DoWhileStatement: ['body'],
  WithStatement: ['body'],
};


/** Nodes whose body is compiled as its own function: code there is not top-level. */
const FUNCTION_LIKE = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'StaticBlock', 'PropertyDefinition']);


function parseScript(source: string, isModule: boolean): Program {
  const common = { ecmaVersion: 'latest' as const, locations: true, allowHashBang: true };
  const asModule = () => parse(source, { ...common, sourceType: 'module' });
  const asScript = () => parse(source, { ...common, sourceType: 'script', allowReturnOutsideFunction: true });
  try {
    return isModule ? asModule() : asScript();
  } catch (first) {
    try {
      return isModule ? asScript() : asModule();
    } catch {
      throw first;
    }
  }
}

/** Per line, the first statement that starts there; built once per original source. */
export class StatementIndex {
  private readonly sites = new Map<number, StatementSite>();
  /** Every statement start, per line, in source order: a source map can point at any of them. */
  private readonly allSites = new Map<number, StatementSite[]>();
  readonly parseError: string | undefined;
  private program: Program | undefined;
  private readonly names = new Map<number, VisibleNames>();

  private lineStarts: number[] | undefined;
  /** Per line, the block-bodied functions that start there, outermost first. */
  private readonly functions = new Map<number, StatementSite[]>();

  constructor(
    private readonly source: string,
    isModule: boolean,
  ) {
    let program: Program;
    try {
      program = this.program = parseScript(source, isModule);
    } catch (err) {
      this.parseError = err instanceof Error ? err.message : String(err);
      return;
    }
    this.visit(program as unknown as AnyNode, false);
  }

  /**
   * The site for a line. With a column (from a source map), the first
   * statement that starts at or after it on that line, since generated code
   * may hold several original lines on one.
   */
  siteAt(line: number, column?: number): SiteResult {
    if (this.parseError !== undefined) {
      return { ok: false, reason: `the script does not parse (${this.parseError}), so no statement can be located` };
    }
    if (column !== undefined && column > 0) {
      const at = (this.allSites.get(line) ?? []).filter((s) => s.column >= column).sort((a, b) => a.column - b.column)[0];
      if (at !== undefined) return { ok: true, site: at };
    }
    const site = this.sites.get(line);
    if (site === undefined) return { ok: false, reason: `no statement starts at line ${line}` };
    return { ok: true, site };
  }

  /**
   * The body of the function that starts on a line (at or after `column`,
   * from a source map), as a site that wraps all of it: after its directives
   * ("use strict" stays first), up to its closing brace.
   */
  functionAt(line: number, column?: number): SiteResult {
    if (this.parseError !== undefined) return this.siteAt(line);
    const all = this.functions.get(line) ?? [];
    const at = column !== undefined && column > 0 ? all.find((s) => s.column >= column) ?? all[0] : all[0];
    if (at === undefined) return { ok: false, reason: `no function with statements in its body starts at line ${line}; give a tic-toc's function form the line where the function starts, or give an end line` };
    return { ok: true, site: at };
  }

  /** The identifier that starts at a 1-based line and 0-based column (a source map's named position), if one does. */
  identifierAt(line: number, column: number): string | undefined {
    const start = this.offsetOf(line);
    if (start === undefined) return undefined;
    return /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/u.exec(this.source.slice(start + column, start + column + 256))?.[0];
  }

  /** The functions around a site (or a line's start, where no statement starts), innermost first (function-names.ts). */
  functionsAround(line: number, site: StatementSite | undefined): string[] {
    const offset = site?.start ?? this.offsetOf(line);
    return this.program === undefined || offset === undefined ? [] : functionNamesAt(this.program, offset);
  }

  private offsetOf(line: number): number | undefined {
    if (this.lineStarts === undefined) {
      this.lineStarts = [0];
      for (let i = this.source.indexOf('\n'); i >= 0; i = this.source.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    }
    return this.lineStarts[line - 1];
  }

  /** The names the statement at `site` can see; worked out once per site (thousands of probes may share a few). */
  namesAt(site: StatementSite): VisibleNames {
    let names = this.names.get(site.start);
    if (names === undefined) {
      names = this.program === undefined ? { names: [], hasThis: false, declared: new Set(), unreachable: new Set() } : visibleNames(this.program, site.start);
      this.names.set(site.start, names);
    }
    return names;
  }

  private consider(node: AnyNode, wrap: boolean, inFunction: boolean, concise = false): void {
    if (node.type === 'ExpressionStatement' && typeof node['directive'] === 'string') return; // "use strict" must stay first
    const loc = node.loc!.start;
    const site: StatementSite = { line: loc.line, column: loc.column, start: node.start, end: node.end, wrap, inFunction, concise };
    const onLine = this.allSites.get(loc.line);
    if (onLine === undefined) this.allSites.set(loc.line, [site]);
    else onLine.push(site);
    const known = this.sites.get(loc.line);
    // Pre-order walk: on a tie the outer statement (seen first) wins, unless
    // it is top-level code and this one runs inside a function.
    if (known !== undefined && known.start <= node.start && (known.inFunction || !inFunction)) return;
    this.sites.set(loc.line, site);
  }

  /**
   * A function with a block body: its statements, as the site its function
   * form wraps. The code goes right before the first statement and right
   * after the last: V8's live edit keeps running closures on the old code when
   * the change touches the body's braces.
   */
  private considerFunction(node: AnyNode): void {
    const body = node['body'];
    if (!isNode(body) || body.type !== 'BlockStatement') return;
    const all = body['body'] as AnyNode[];
    // Directives ("use strict") stay first.
    const statements = all.slice(all.findIndex((st) => typeof st['directive'] !== 'string') >>> 0);
    if (statements.length === 0 || typeof statements[0]!['directive'] === 'string') return;
    const loc = node.loc!.start;
    const site: StatementSite = { line: loc.line, column: loc.column, start: statements[0]!.start, end: statements.at(-1)!.end, wrap: false, inFunction: true, around: true };
    const onLine = this.functions.get(loc.line);
    if (onLine === undefined) this.functions.set(loc.line, [site]);
    else onLine.push(site);
  }

  private visit(node: AnyNode, outerInFunction: boolean): void {
    const inFunction = outerInFunction || FUNCTION_LIKE.has(node.type);
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') this.considerFunction(node);
    if (node.type === 'ArrowFunctionExpression' && node['expression'] === true && isNode(node['body'])) {
      this.consider(node['body'], false, true, true);
    }
    const listField = LIST_FIELDS[node.type];
    const bodyFields = BODY_FIELDS[node.type];
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'type' || key === 'start' || key === 'end') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) {
          if (!isNode(child)) continue;
          if (key === listField) this.consider(child, false, inFunction);
          this.visit(child, inFunction);
        }
      } else if (isNode(value)) {
        if (bodyFields?.includes(key)) this.consider(value, true, inFunction);
        this.visit(value, inFunction);
      }
    }
  }
}

export interface Insertion {
  site: StatementSite;
  code: string;
  /** For a site `around` a body: the code after it. */
  close?: string;
}

export interface PatchResult {
  source: string;
  /** Where an offset of the original source lands in the patched one (after code inserted there). */
  mapOffset(offset: number): number;
  /** A frame's column in the patched source back to the original's; undefined when nothing was inserted. */
  originalColumn: ColumnMap | undefined;
}

/** Inserts probe statements at their sites; several probes may share a site. */
export function applyInsertions(source: string, insertions: readonly Insertion[]): PatchResult {
  const bySite = new Map<StatementSite, { site: StatementSite; code: string; close: string }>();
  for (const { site, code, close = '' } of insertions) {
    const known = bySite.get(site);
    if (known === undefined) bySite.set(site, { site, code, close });
    else {
      known.code += code;
      known.close = close + known.close;
    }
  }
  // Closing braces sort before opening code at the same offset: a wrapped
  // statement ends where the next one may start.
  const edits: { offset: number; text: string; close: boolean; outer: boolean }[] = [];
  for (const { site, code, close } of bySite.values()) {
    if (site.concise) throw new Error('an arrow expression body cannot be hot-patched; serve it with a breakpoint');
    // A body's wrapping opens before any statement at its start and closes after any at its end.
    edits.push({ offset: site.start, text: site.wrap ? `{${code}` : code, close: false, outer: site.around === true });
    if (site.wrap) edits.push({ offset: site.end, text: '}', close: true, outer: false });
    if (site.around) edits.push({ offset: site.end, text: close, close: true, outer: true });
  }
  edits.sort((a, b) => a.offset - b.offset || Number(b.close) - Number(a.close) || (a.close ? Number(a.outer) - Number(b.outer) : Number(b.outer) - Number(a.outer)));
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += source.slice(at, e.offset) + e.text;
    at = e.offset;
  }
  out += source.slice(at);
  return {
    source: out,
    originalColumn: originalColumns(source, edits),
    mapOffset(offset: number): number {
      let shifted = offset;
      for (const e of edits) if (e.offset <= offset) shifted += e.text.length;
      return shifted;
    },
  };
}

/** Convenience for one probe: the patched source, or why there is no statement at the line. */
export function patchLine(
  source: string,
  line: number,
  code: string,
  isModule = false,
): { ok: true; source: string } | { ok: false; reason: string } {
  const found = new StatementIndex(source, isModule).siteAt(line);
  if (!found.ok) return found;
  return { ok: true, source: applyInsertions(source, [{ site: found.site, code }]).source };
}
