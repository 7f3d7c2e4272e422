// A small TypeScript HTTP service: GET /<name> answers with the name's cart
// as JSON. Sonde debugs it at these .ts lines; what runs is dist/server.js,
// which tsc writes with a source map (the types below are gone from it, so
// its lines are not these).
// Run it with the Sonde agent: npm run build && SONDE_GATEWAY_URL=http://127.0.0.1:8790 npm start -w @sonde/example-ts-service
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

interface Cart {
  id: string;
  items: number[];
  total: number;
}

/** Each letter's price is its code modulo 10, times the rate. */
export function priceOf(name: string, rate: number): Cart {
  const items: number[] = [...name].map((c) => c.charCodeAt(0) % 10);
  const total: number = items.reduce((sum, price) => sum + price, 0) * rate;
  return { id: name, items, total };
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  let name: string;
  try {
    name = decodeURIComponent(path.slice(1));
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('bad percent-encoding in the path\n');
    return;
  }
  const cart = priceOf(name, 2);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(cart));
}

const server = createServer(handle);
server.listen(Number(process.env.PORT ?? 3001), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  console.log(`ts-service listening on http://127.0.0.1:${port}`);
});
