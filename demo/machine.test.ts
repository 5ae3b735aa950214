// The machine's CPU from /proc/stat: this machine's real file, and the arithmetic on literal readings.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import t from 'tap';
import { machineLoad, parseProcStatCpu, readCpuTimes } from './machine.js';

t.test("this machine's /proc/stat", async (t) => {
  const now = readCpuTimes();
  t.equal(now.cpus, os.cpus().length, 'one cpuN line per CPU Node sees');
  t.ok(now.total > now.busy && now.busy > 0);
  t.same(parseProcStatCpu(readFileSync('/proc/stat', 'utf8')).cpus, now.cpus);
});

t.test('busy share over a run, and what counts as saturated', async (t) => {
  const at = (busy: number, total: number) => ({ busy, total, cpus: 2 });
  t.same(machineLoad(at(100, 1000), at(1050, 2000), 0), { busy: 0.95, cpus: 2, droppedIterations: 0, saturated: true, signals: ['cpu'] });
  t.same(machineLoad(at(100, 1000), at(600, 2000), 0), { busy: 0.5, cpus: 2, droppedIterations: 0, saturated: false, signals: [] });
  t.same(machineLoad(at(100, 1000), at(600, 2000), 12).signals, ['dropped-iterations'], 'load k6 could not offer');
  t.same(machineLoad(at(100, 1000), at(600, 2000), 12, true).signals, [], 'under faults, held requests fill the VUs: no sign of the machine');
  t.throws(() => parseProcStatCpu('intr 1 2 3\n'), /unreadable/);
});
