// The text of one line of a document: from the editor's copy when it is
// open, else from disk (a command may name a file the editor has not opened).
import { readFileSync } from 'node:fs';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { uriToPath } from './workspace.js';

export interface DocumentLine {
  text: string;
  languageId: string | undefined;
}

export interface LineSource {
  /** Line `line` (0-based) of `uri`, or undefined when the document or the line does not exist. */
  lineAt(uri: string, line: number): DocumentLine | undefined;
}

export function lineOf(text: string, line: number): string | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  return line >= 0 && line < lines.length ? lines[line] : undefined;
}

export function documentLines(documents: TextDocuments<TextDocument>): LineSource {
  return {
    lineAt(uri, line) {
      const doc = documents.get(uri);
      if (doc) {
        if (line < 0 || line >= doc.lineCount) return undefined;
        const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
        return { text, languageId: doc.languageId };
      }
      const path = uriToPath(uri);
      if (!path) return undefined;
      try {
        const text = lineOf(readFileSync(path, 'utf8'), line);
        return text === undefined ? undefined : { text, languageId: undefined };
      } catch {
        return undefined;
      }
    },
  };
}
