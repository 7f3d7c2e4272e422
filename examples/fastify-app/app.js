// A Fastify app, as a new user writes one: Sonde's routing demo puts a log at line 5.
const Fastify = require('fastify');
const app = Fastify();
app.get('/*', async (request) => {
  return `fastify says hello to ${request.method} ${request.url}\n`;
});
app.listen({ port: Number(process.env.PORT ?? 3002), host: '127.0.0.1' }).then((address) => {
  console.log(`fastify-app listening on ${address}`);
});
