/** Baseline: a bare express 5 handler with express.json(), ETag off, answering 201 (no validation, no store). */
import express from 'express';
const app = express();
app.set('etag', false);
app.disable('x-powered-by');
app.post('/course', express.json({ limit: 16 * 1024 }), (_req, res) => {
  res.status(201).json({ id: 'x', route: 'baseline', receivedAt: '2026-01-01T00:00:00.000Z' });
});
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: (server.address() as { port: number }).port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
