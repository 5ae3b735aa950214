/**
 * A real MongoDB wire server: MONGO_URL when given; else mongod from PATH; else FerretDB v1 (SQLite
 * backend) built by `npm run tools` into .tools/bin from tools/ferretdb (docs/architecture.md: why).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startProcess, waitForOutput, waitUntil, type ManagedProcess } from './process.js';
import { freePort } from './ports.js';
import { findBinary, TOOLS_BIN } from './tools.js';
import { redactUrl } from '../service-kit/secrets.js';

export interface MongoServer {
  url: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  /** Undefined for an external server (MONGO_URL), which we neither start nor stop. */
  proc: ManagedProcess | undefined;
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data (after stop), for outage tests. */
  restart(): Promise<void>;
}

async function pingUrl(url: string): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

export interface StartMongoOptions {
  logFile?: string;
  /** Folder for the data files; a temp folder (removed on stop) when absent. */
  dataDir?: string;
  /** Ignore MONGO_URL and start a server (outage tests must be able to stop it). */
  ownServer?: boolean;
}

export async function startMongo(opts: StartMongoOptions = {}): Promise<MongoServer> {
  const external = process.env.MONGO_URL;
  if (external && !opts.ownServer) {
    if (!(await pingUrl(external))) throw new Error(`MONGO_URL=${redactUrl(external)} does not answer ping; start it or unset MONGO_URL`);
    return { url: external, kind: 'external', proc: undefined, stop: async () => {}, restart: async () => {} };
  }

  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'splitbench-mongo-'));
  const mongod = findBinary('mongod');
  const ferretdb = findBinary('ferretdb', true);
  if (!mongod && !ferretdb) {
    throw new Error(`no MongoDB-wire server: set MONGO_URL, put mongod on PATH, or run 'npm run tools' to build FerretDB into ${TOOLS_BIN}`);
  }

  let port = 0;
  const launch = async (): Promise<{ proc: ManagedProcess; url: string }> => {
    if (mongod && process.env.SPLITBENCH_BUILD_FERRETDB !== '1') {
      port ||= await freePort();
      const proc = startProcess({
        name: 'mongod',
        command: mongod,
        args: ['--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dataDir, '--quiet'],
        logFile: opts.logFile,
      });
      const url = `mongodb://127.0.0.1:${port}/`;
      await waitUntil(proc, () => pingUrl(url), 30_000, `answering ping on port ${port}`);
      return { proc, url };
    }
    // FerretDB binds port 0 and prints the port it got, so there is no race for a free port.
    const proc = startProcess({
      name: 'ferretdb',
      command: ferretdb!,
      args: ['--listen', `127.0.0.1:${port}`, '--dir', dataDir],
      logFile: opts.logFile,
    });
    const match = await waitForOutput(proc, /ready (mongodb:\/\/[^\s]+)/, 30_000);
    const url = match[1]!;
    port = Number(new URL(url).port);
    await waitUntil(proc, () => pingUrl(url), 10_000, `answering ping at ${url}`);
    return { proc, url };
  };

  const first = await launch();
  const server: MongoServer = {
    url: first.url,
    kind: mongod && process.env.SPLITBENCH_BUILD_FERRETDB !== '1' ? 'mongod' : 'ferretdb',
    proc: first.proc,
    stop: async () => {
      await server.proc?.stop(10_000);
    },
    restart: async () => {
      server.proc = (await launch()).proc;
    },
  };
  // Remove the temp data folder once the process is finally stopped at the end of a test or stack.
  if (ownDir) process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  return server;
}
