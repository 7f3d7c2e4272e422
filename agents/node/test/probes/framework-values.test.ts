// Logs in real Koa and Fastify apps (registry packages) print the request
// fields their users read first, which are getters, and say why a getter
// that calls a caching parser was not read.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AGENT_ROOT, engineForEachTest, FIXTURES } from './helpers.js';

const require = createRequire(import.meta.url);

describe('probes/framework values in a log', function () {
  this.timeout(20_000);
  const t = engineForEachTest({ roots: [AGENT_ROOT], hotPatch: 'at-once' });
  const koa = require(join(FIXTURES, 'frameworks', 'koa-app.cjs')) as { start(): Server };
  const fastify = require(join(FIXTURES, 'frameworks', 'fastify-app.cjs')) as { start(): Promise<{ server: Server; close(): Promise<void> }> };

  async function log(id: string, file: string, format: string): Promise<void> {
    t.engine.upsert({ id, kind: 'log', file, line: 7, condition: '', format });
    await t.engine.whenIdle();
    assert.equal(t.sink.lastState(id)?.state, 'active', t.sink.lastState(id)?.reason);
  }

  const get = async (server: Server, path: string) => (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`)).text();

  it('Koa: {ctx.method} {ctx.url} print the values; {ctx.path} says it calls a parser, which never runs', async () => {
    const server = koa.start();
    try {
      await new Promise((r) => server.once('listening', r));
      await log('koa', 'test/fixtures/frameworks/koa-app.cjs', '{ctx.method} {ctx.url} path={ctx.path} parsed={ctx.req._parsedUrl}');
      await get(server, '/cart/7?x=1');
      await t.sink.until(() => t.sink.textsOf('koa').length === 1);
      assert.equal(t.sink.textsOf('koa')[0], 'GET /cart/7?x=1 path=[getter: calls parse()] parsed=undefined');
    } finally {
      server.close();
    }
  });

  it('Fastify: {request.method} and {reply.sent} print the values', async () => {
    const app = await fastify.start();
    try {
      await log('fastify', 'test/fixtures/frameworks/fastify-app.cjs', '{request.method} {request.url} sent={reply.sent}');
      await get(app.server, '/hello?x=1');
      await t.sink.until(() => t.sink.textsOf('fastify').length === 1);
      assert.equal(t.sink.textsOf('fastify')[0], 'GET /hello?x=1 sent=false');
    } finally {
      await app.close();
    }
  });
});
