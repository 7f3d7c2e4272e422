// A small HTTP service: GET /<name> answers "Hello: <name>".
// Run it with the Sonde agent: SONDE_GATEWAY_URL=http://127.0.0.1:8790 npm start
import { createServer } from 'node:http';

export function hello(name) {
  return 'Hello: ' + name;
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  let name;
  try {
    name = decodeURIComponent(path.slice(1));
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('bad percent-encoding in the path\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(hello(name));
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`node-service listening on http://127.0.0.1:${port}`);
});
