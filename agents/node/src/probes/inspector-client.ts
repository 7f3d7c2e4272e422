// A node:inspector session on this thread, as promises. On a same-thread
// session Node calls post() callbacks synchronously (verified on Node 20.20),
// but nothing here relies on it: callers await, which is correct either way.
// The session is never asked to pause: a pause on the thread that runs the
// session can never be resumed.

import { Session } from 'node:inspector';
import { noteLiveEdit } from './script-ledger.js';

export interface SetScriptSourceResult {
  /** Node 20 (V8 11.3): Ok, CompileError, BlockedByActiveGenerator, BlockedByActiveFunction, BlockedByTopLevelEsModuleChange. */
  status?: string;
  exceptionDetails?: { text?: string; lineNumber?: number; columnNumber?: number; exception?: { description?: string } };
}

export interface Location {
  scriptId: string;
  lineNumber: number;
  columnNumber?: number;
}

export interface SetBreakpointResult {
  breakpointId: string;
  actualLocation: Location;
}

export class InspectorClient {
  private readonly session = new Session();
  private connected = false;

  connect(): void {
    this.session.connect();
    this.connected = true;
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.session.disconnect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  on(event: 'Debugger.scriptParsed', listener: (message: { params: { scriptId: string; url: string; isModule?: boolean; sourceMapURL?: string } }) => void): void {
    this.session.on(event, listener);
  }

  post<T>(method: string, params?: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!this.connected) {
        reject(new Error(`inspector session is not connected (${method}): call start() first`));
        return;
      }
      try {
        // The typings only know each method's overload; this wrapper is generic.
        (this.session.post as (m: string, p: object | undefined, cb: (err: Error | null, result: unknown) => void) => void)(
          method,
          params,
          (err, result) => (err ? reject(err) : resolve(result as T)),
        );
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /**
   * A request answered before this returns: what a probe hit may use, since
   * it runs inside the program and cannot wait. Throws when the session did
   * not answer at once (it always does on this thread; see the top).
   */
  postSync<T>(method: string, params?: object): T {
    if (!this.connected) throw new Error(`inspector session is not connected (${method}): call start() first`);
    let done = false;
    let error: Error | null = null;
    let result: unknown;
    (this.session.post as (m: string, p: object | undefined, cb: (err: Error | null, result: unknown) => void) => void)(method, params, (err, res) => {
      done = true;
      error = err;
      result = res;
    });
    if (!done) throw new Error(`the inspector did not answer ${method} at once; this Node.js answers same-thread sessions later, so the agent cannot use it from a probe`);
    if (error !== null) throw error;
    return result as T;
  }

  async scriptSource(scriptId: string): Promise<string> {
    return (await this.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId })).scriptSource;
  }

  /** `url` is the script's, for the ledger of live-edit leftovers. */
  setScriptSource(scriptId: string, url: string, scriptSource: string): Promise<SetScriptSourceResult> {
    noteLiveEdit(url);
    return this.post<SetScriptSourceResult>('Debugger.setScriptSource', { scriptId, scriptSource });
  }

  setBreakpoint(location: Location, condition: string): Promise<SetBreakpointResult> {
    return this.post<SetBreakpointResult>('Debugger.setBreakpoint', { location, condition });
  }

  async removeBreakpoint(breakpointId: string): Promise<void> {
    await this.post('Debugger.removeBreakpoint', { breakpointId });
  }
}
