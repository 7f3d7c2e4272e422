// The text of one line of a document: from the editor's copy when it is
// open, else from disk within the limits of unopened-files.ts (a command may
// name a file the editor has not opened).
import { createHash } from 'node:crypto';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { UnopenedFiles } from './unopened-files.js';
import { uriToPath } from './workspace.js';

export interface DocumentLine {
  text: string;
  languageId: string | undefined;
}

export interface LineSource {
  /** Line `line` (0-based) of `uri`, or undefined when the document or the line does not exist or may not be read. */
  lineAt(uri: string, line: number): DocumentLine | undefined;
  /** How many lines `uri` has, when it is open or may be read; undefined otherwise. */
  lineCount(uri: string): number | undefined;
  /** Hex SHA-256 of an open document's text as the editor has it (agents compare it with what runs); undefined when not open. */
  contentHash?(uri: string): string | undefined;
}

/** Lines of open documents, and of unopened files under the workspace root (`root` is read on each call: it is known only after initialize). */
export function documentLines(documents: TextDocuments<TextDocument>, root: () => string | undefined): LineSource {
  const files = new UnopenedFiles(root);
  const unopened = (uri: string): readonly string[] | undefined => {
    const path = uriToPath(uri);
    if (!path) return undefined;
    const read = files.read(path);
    return 'lines' in read ? read.lines : undefined;
  };
  return {
    lineAt(uri, line) {
      const doc = documents.get(uri);
      if (doc) {
        if (line < 0 || line >= doc.lineCount) return undefined;
        const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$|\r$/, '');
        return { text, languageId: doc.languageId };
      }
      const text = unopened(uri)?.[line];
      return text === undefined ? undefined : { text, languageId: undefined };
    },
    lineCount(uri) {
      return documents.get(uri)?.lineCount ?? unopened(uri)?.length;
    },
    contentHash(uri) {
      const doc = documents.get(uri);
      return doc === undefined ? undefined : createHash('sha256').update(doc.getText()).digest('hex');
    },
  };
}
