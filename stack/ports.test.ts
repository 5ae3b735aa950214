// freePort on the real kernel: the port is outside the ephemeral range (where any outgoing connection
// could take it before the server listens) and a server can listen on it.
import net from 'node:net';
import t from 'tap';
import { ephemeralRange, freePort } from './ports.js';

t.test('freePort picks a bindable port below the ephemeral range', async (t) => {
  const [low, high] = ephemeralRange();
  t.ok(low <= high, `the ephemeral range ${low}-${high}`);
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) t.ok(port < low, `${port} is below ${low}`);
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ports[0], '127.0.0.1', resolve);
  });
  t.equal((server.address() as net.AddressInfo).port, ports[0], 'a server listens on it');
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
