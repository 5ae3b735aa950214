/**
 * A real redis-server on a loopback port: without persistence for the tests; with AOF for the local
 * stack, as in the cluster manifests (appendonly yes), so a restarted Redis keeps its counts.
 */
import { startProcess, waitUntil, type ManagedProcess } from './process.js';
import { freePort } from './ports.js';
import { requireBinary } from './tools.js';
import net from 'node:net';

export interface RedisServer {
  url: string;
  port: number;
  proc: ManagedProcess;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop), for outage tests. */
  restart(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export interface StartRedisOptions {
  port?: number;
  logFile?: string;
  /**
   * Persist with an append-only file in this folder. appendfsync everysec (Redis's default, the
   * cluster's too): every write reaches the OS before Redis answers, so a killed redis-server loses
   * nothing it acknowledged; a power cut or kernel crash can lose about the last second.
   */
  persistDir?: string;
}

export async function startRedis(opts: StartRedisOptions = {}): Promise<RedisServer> {
  const bin = requireBinary('redis-server', "install Debian's redis-server (npm run tools does: apt-get install redis-server)");
  const port = opts.port ?? (await freePort());
  // Tests rebuild what they need each time: no RDB, no AOF.
  const persistence = opts.persistDir === undefined ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', opts.persistDir];
  const launch = async (): Promise<ManagedProcess> => {
    const proc = startProcess({
      name: 'redis',
      command: bin,
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', ...persistence],
      logFile: opts.logFile,
    });
    await waitUntil(proc, () => ping(port), 10_000, `answering PING on port ${port}`);
    return proc;
  };
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc: await launch(),
    stop: () => server.proc.stop(5000),
    restart: async () => {
      server.proc = await launch();
    },
  };
  return server;
}
