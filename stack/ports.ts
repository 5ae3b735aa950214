import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Linux's range for ephemeral ports (outgoing connections and listen(0)); the kernel default when unreadable. */
export function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low! > 0 && high! >= low!) return [low!, high!];
  } catch {
    // not Linux, or no /proc: the default below
  }
  return [32768, 60999];
}

/** The ports freePort picks from: below the ephemeral range, above the well-known services. */
const PICK_FROM = 10_000;

/** Whether a server could listen on this port now (a moment later someone else may have it). */
export function canBind(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a server told its port in advance (the
 * stack's processes: their addresses are handed to the ingress and to grpc-client before they start).
 * Picked at random *below* the ephemeral range: a port the kernel handed out as ephemeral is taken
 * again by any outgoing connection on the machine (a test's k6, a driver's pool) between this check
 * and the server's listen; that race made a replica fail with EADDRINUSE while tests ran side by side.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [low] = ephemeralRange();
  const top = low - 1;
  if (top > PICK_FROM) {
    for (let i = 0; i < 50; i++) {
      const port = PICK_FROM + Math.floor(Math.random() * (top - PICK_FROM + 1));
      if (await canBind(port, host)) return port;
    }
  }
  // A machine whose ephemeral range starts low: let the kernel choose.
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not read a free port');
  return address.port;
}

/** True when something accepts TCP connections on host:port. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
