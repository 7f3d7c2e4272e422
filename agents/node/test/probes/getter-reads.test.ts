import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import Koa from 'koa';
import { setClosureInspector } from '../../src/probes/getter-closures.js';
import { InspectorClient } from '../../src/probes/inspector-client.js';
import { evaluate } from './evaluate.js';

/** The suite's getters find outer names through an inspector session, as in the engine. */
function withClosureInspector(): void {
    const client = new InspectorClient();
    before(async () => {
      client.connect();
      await client.post('Debugger.enable');
      setClosureInspector(client);
    });
    after(() => {
      setClosureInspector(undefined);
      client.disconnect();
    });
}

describe('probes/getter reads', () => {
  it('follows a getter that only returns what it reads, through nested getters', () => {
    class Person {
      constructor(private readonly names: { first: string }) {}
      get first(): string {
        return this.names.first;
      }
      get greeting(): string {
        return this.first;
      }
    }
    assert.equal(evaluate('p.greeting', { p: new Person({ first: 'Ada' }) }), 'Ada');
  });

  it('leaves a getter that calls something unread, saying what it calls, and never runs it', () => {
    let calls = 0;
    const parse = (s: string): string => {
      calls++;
      return s.toUpperCase();
    };
    const req = {
      raw: 'x',
      get path(): string {
        return parse(this.raw);
      },
    };
    assert.equal(evaluate('req.path', { req }), '[getter: calls parse()]');
    assert.equal(evaluate('req.path.length', { req }), '[getter: calls parse()]');
    assert.equal(calls, 0);
  });

  it('refuses a getter that would change state, whatever the form', () => {
    const o = {
      n: 0,
      get bump(): number {
        return this.n++;
      },
      get set(): number {
        return (this.n = 5);
      },
    };
    assert.equal(evaluate('o.bump', { o }), '[getter: ++]');
    assert.equal(evaluate('o.set', { o }), '[getter: assignment (=)]');
    assert.equal(o.n, 0);
  });

  it('stops at a getter that reads itself', () => {
    const loop = {
      get self(): unknown {
        return (this as { self: unknown }).self;
      },
    };
    assert.equal(evaluate('loop.self', { loop }), '[getter: getters nested more than 4 deep]');
  });

  it('says native getters are not followed', () => {
    assert.equal(evaluate('m.size', { m: new Map([[1, 2]]) }), '[getter: native code]');
  });

  describe('outer names, through the inspector', () => {
    withClosureInspector();

    it('reads a delegating getter whose outer names never change', () => {
      const proto = {};
      const delegate = (target: string, name: string): void => {
        Object.defineProperty(proto, name, {
          get: function (this: Record<string, Record<string, unknown>>) {
            return this[target]![name];
          },
        });
      };
      delegate('request', 'method');
      const ctx = Object.create(proto) as object;
      Object.assign(ctx, { request: { method: 'PUT' } });
      assert.equal(evaluate('ctx.method', { ctx }), 'PUT');
    });

    it('refuses one whose outer variable its code assigns', () => {
      let field = 'a';
      const o = {
        a: 1,
        b: 2,
        get current(): number {
          return (this as unknown as Record<string, number>)[field]!;
        },
      };
      field = 'b';
      assert.equal(evaluate('o.current', { o }), '[getter: reads field, an outer variable its code assigns]');
    });
  });

  describe('real frameworks (registry packages)', () => {
    withClosureInspector();

    it("reads Koa's ctx.method and ctx.url, and leaves ctx.path (a caching parser) unread", async () => {
      const app = new Koa();
      let seen: Koa.Context | undefined;
      app.use((ctx) => {
        seen = ctx;
        ctx.body = 'ok';
      });
      const server = app.listen(0);
      try {
        await new Promise((r) => server.once('listening', r));
        await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/a/b?x=1`)).text();
      } finally {
        server.close();
      }
      const ctx = seen!;
      assert.equal(Object.hasOwn(ctx.req, '_parsedUrl'), false);
      assert.equal(evaluate('`${ctx.method} ${ctx.url}`', { ctx }), 'GET /a/b?x=1');
      assert.equal(evaluate('ctx.path', { ctx }), '[getter: calls parse()]');
      assert.equal(Object.hasOwn(ctx.req, '_parsedUrl'), false, 'the parser cached its result on the request');
    });

    it("reads Fastify's request.method, request.url and reply.sent", async () => {
      const app = Fastify();
      let seen: { request: unknown; reply: unknown } | undefined;
      app.get('/hello', async (request, reply) => {
        seen = { request, reply };
        return { ok: 1 };
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        await (await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hello?x=1`)).text();
      } finally {
        await app.close();
      }
      assert.equal(evaluate('`${request.method} ${request.url}`', seen!), 'GET /hello?x=1');
      assert.equal(evaluate('reply.sent', seen!), 'true');
    });
  });
});
