// The little of Koa the tests use (Koa ships no types, and @types/koa would pull a tree of them).
declare module 'koa' {
  import type { IncomingMessage, Server } from 'node:http';
  namespace Koa {
    interface Context {
      req: IncomingMessage;
      body: unknown;
    }
  }
  class Koa {
    use(middleware: (ctx: Koa.Context) => unknown): this;
    listen(port: number): Server;
  }
  export default Koa;
}
