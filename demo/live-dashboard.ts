/**
 * `--live [port]` of the demo and the sweep: k6's web dashboard on 127.0.0.1 while k6 runs. One flag, one
 * check of its port, for every command that offers it.
 */
import { parse, type Command } from '../cli/options.js';
import { canBind, freePort } from '../stack/ports.js';
import { K6_DASHBOARD_PORT } from './k6-run.js';

/** Adds `--live [port]` to a command (true: k6's default port; 0: any free one). */
export function addLiveFlag(command: Command, what: string): Command {
  return command.option('--live [port]', `watch ${what} live: k6's web dashboard on 127.0.0.1 while k6 runs (port default ${K6_DASHBOARD_PORT}, 0: any free port)`, (raw: string) => parse.port(raw));
}

/**
 * The port the dashboard will use, checked before anything starts: k6 v2.2 cannot bind a taken port and
 * fails the run (exit 255, no summary). Throws with what to do when the port is taken.
 */
export async function livePortOf(live: number | true | undefined): Promise<number | undefined> {
  if (live === undefined) return undefined;
  const port = live === true ? K6_DASHBOARD_PORT : live === 0 ? await freePort() : live;
  if (!(await canBind(port))) throw new Error(`--live: port ${port} on 127.0.0.1 is in use (another k6 dashboard?); pass another port, or --live 0 for any free one`);
  return port;
}
