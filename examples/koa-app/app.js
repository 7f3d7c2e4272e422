// A Koa app, as a new user writes one: Sonde's routing demo puts a log at line 5.
const Koa = require('koa');
const app = new Koa();
app.use(async (ctx) => {
  ctx.body = `koa says hello to ${ctx.method} ${ctx.url}\n`;
});
const server = app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () => {
  console.log(`koa-app listening on http://127.0.0.1:${server.address().port}`);
});
