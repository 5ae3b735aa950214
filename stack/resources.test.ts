// The readers of stack/resources.ts against real inputs: this process's own /proc/<pid>/stat and the
// Prometheus text prom-client (the services' metrics library) writes.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseProcStat, promValue, ResourceSampler } from './resources.js';

t.test('/proc/<pid>/stat of this very process', async (t) => {
  for (let i = 0; i < 2e6; i++) Math.sqrt(i); // some CPU to see
  const s = parseProcStat(readFileSync(`/proc/${process.pid}/stat`, 'utf8'));
  const usage = process.cpuUsage();
  const mine = (usage.user + usage.system) / 1e6;
  t.ok(Math.abs(s.cpuSeconds - mine) < 0.05 + mine * 0.1, `CPU ${s.cpuSeconds}s from /proc, ${mine}s from Node`);
  const rss = process.memoryUsage().rss;
  t.ok(Math.abs(s.rssBytes - rss) < rss * 0.2, `RSS ${s.rssBytes} from /proc, ${rss} from Node`);
  t.same(parseProcStat('12 (a b) c) S ' + '1 '.repeat(10) + '250 50 ' + '0 '.repeat(8) + '3 0'), { cpuSeconds: 3, rssBytes: 3 * 4096 }, 'a name with spaces and a parenthesis');
});

t.test('Prometheus text from prom-client', async (t) => {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'x', instance: 'x-1' });
  collectDefaultMetrics({ register: registry });
  const text = await registry.metrics();
  t.ok((promValue(text, 'process_cpu_seconds_total') ?? -1) >= 0, 'CPU seconds');
  t.ok((promValue(text, 'process_resident_memory_bytes') ?? 0) > 1e6, 'RSS');
  t.ok((promValue(text, 'nodejs_heap_size_used_bytes') ?? 0) > 1e5, 'heap in use');
  t.equal(promValue(text, 'no_such_metric'), undefined);
});

t.test('the sampler keeps samples of live processes and skips gone ones', async (t) => {
  const sampler = new ResourceSampler(() => [
    { name: 'me', pid: process.pid },
    { name: 'gone', pid: 2 ** 22 + 7 },
  ]);
  await sampler.sample();
  const samples = await sampler.stop();
  t.equal(samples.length, 2, 'two samples of this process (one now, one at stop)');
  t.ok(samples.every((s) => s.process === 'me' && s.source === 'os'));
});
