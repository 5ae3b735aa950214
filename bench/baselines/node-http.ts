/** Baseline: the cheapest HTTP answer Node can give to POST /course (reads the body, answers 201 JSON). */
import http from 'node:http';
const server = http.createServer((req, res) => {
  // The ingress in front of this stub polls GET /readyz: ready.
  if (req.method !== 'POST') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(201, { 'content-type': 'application/json', 'x-route': 'baseline' }).end('{"id":"x","route":"baseline","receivedAt":"2026-01-01T00:00:00.000Z"}');
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: (server.address() as { port: number }).port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
