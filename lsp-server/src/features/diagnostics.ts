// A diagnostic at the line of every action an agent reports in error (or
// paused by its quota), with the agent's reason, so the user sees why the
// log does not fire without looking anywhere else.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { sonde } from '@sonde/protocol';
import { describeAction, reasonCodeLabel, type ActionMirror } from '@sonde/client-core';
import type { LineSource } from '../document-lines.js';
import type { SondeDiagnosticData } from '../lsp-protocol.js';
import type { Workspace } from '../workspace.js';

const Kind = sonde.v1.ActionStateKind;

/** Diagnostics for one file; `lineText` gives a line's text (0-based) to span it, when the document is known. */
export function diagnosticsFor(file: string, mirror: ActionMirror, lineText: (line: number) => string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const entry of mirror.inFile(file)) {
    const line = Math.max(0, entry.line - 1);
    let span: { start: number; end: number } | undefined;
    for (const state of entry.states.values()) {
      const error = state.state === Kind.ACTION_STATE_KIND_ERROR;
      if (!error && state.state !== Kind.ACTION_STATE_KIND_PAUSED_QUOTA) continue;
      // The line is read only for an action that has a diagnostic: most have none.
      span ??= lineSpan(lineText(line));
      const { start, end } = span;
      const agent = state.agentId ? ` on agent ${state.agentId}` : '';
      const reason = state.reason || (error ? 'the agent gave no reason' : 'over its rate budget');
      const data: SondeDiagnosticData = { actionId: entry.id, agentId: state.agentId, reasonCode: reasonCodeLabel(state.reasonCode) };
      out.push({
        range: { start: { line, character: start }, end: { line, character: Math.max(start, end) } },
        severity: error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        source: 'sonde',
        code: error ? 'action-error' : 'action-paused',
        message: `Sonde ${describeAction(entry.action)} ${error ? 'failed' : 'is paused'}${agent}: ${reason}`,
        // `code` says which kind of problem; data.reasonCode says why, for editors that act on codes rather than prose.
        data,
      });
    }
  }
  return out;
}

/** The line's text without its leading and trailing blanks; 0..0 when the text is unknown. */
function lineSpan(text: string | undefined): { start: number; end: number } {
  return text === undefined ? { start: 0, end: 0 } : { start: text.length - text.trimStart().length, end: text.trimEnd().length };
}

/** Publishes diagnostics per file, and clears a file's once it has none left. */
export class DiagnosticsPublisher {
  // What each document was last sent, so that hit counts streaming in do not
  // re-send identical diagnostics (editors redraw them) every flush.
  private readonly lastSent = new Map<string, string>();

  constructor(
    private readonly deps: {
      mirror: ActionMirror;
      workspace: Workspace;
      lines: LineSource;
      send: (uri: string, diagnostics: Diagnostic[]) => void;
    },
  ) {}

  update(files: Iterable<string>): void {
    for (const file of new Set(files)) {
      const uri = this.deps.workspace.uriOf(file);
      const diagnostics = diagnosticsFor(file, this.deps.mirror, (line) => this.deps.lines.lineAt(uri, line)?.text);
      const key = JSON.stringify(diagnostics);
      if (key === (this.lastSent.get(uri) ?? '[]')) continue;
      if (diagnostics.length === 0) this.lastSent.delete(uri);
      else this.lastSent.set(uri, key);
      this.deps.send(uri, diagnostics);
    }
  }
}
