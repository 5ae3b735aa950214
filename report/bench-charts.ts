/**
 * `npx tsx report/bench-charts.ts`: why the report draws with uPlot. Each charting library installed
 * is inlined into a page as the report inlines uPlot, and draws one line of 100k points in headless
 * Chromium; the script prints its size and the time from the call to the first painted frame (median
 * of --reps), with the ratio to uPlot. Only uPlot is a dependency; to measure the others install them
 * without saving: `npm install --no-save chart.js echarts`. Each gets its own documented options for
 * large data (Chart.js: parsing off, LTTB decimation; ECharts: large mode, LTTB sampling).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Command, parse, parseCommandLine } from '../cli/options.js';
import { table } from '../format/table.js';
import { hasChromium, launch } from './browser.js';

const program = new Command('bench-charts')
  .description('Draws 100k points with each installed charting library in headless Chromium: size, time to first frame, ratio to uPlot.')
  .option('--points <n>', 'points in the line', parse.positiveInt, 100_000)
  .option('--reps <n>', 'draws per library (the median is printed)', parse.positiveInt, 5);
const parsed = parseCommandLine(program, process.argv.slice(2));
if (parsed === undefined) process.exit();
const opts = parsed.opts<{ points: number; reps: number }>();
if (!hasChromium()) {
  console.error('bench-charts: no /usr/bin/chromium: run bash scripts/install-browser.sh');
  process.exit(1);
}

/** Each library: its browser bundle and the code that draws `xs`, `ys` into `el`. */
const LIBS = [
  { name: 'uplot', file: 'uplot/dist/uPlot.iife.min.js', draw: `new uPlot({ width: 1000, height: 300, series: [{}, { stroke: 'blue' }], scales: { x: { time: false } } }, [xs, ys], el);` },
  {
    name: 'chart.js',
    file: 'chart.js/dist/chart.umd.min.js',
    draw: `const c = document.createElement('canvas'); el.appendChild(c);
      new Chart(c, { type: 'line', data: { datasets: [{ data: xs.map((x, i) => ({ x, y: ys[i] })), borderColor: 'blue', borderWidth: 1, pointRadius: 0 }] },
        options: { animation: false, responsive: false, parsing: false, normalized: true, scales: { x: { type: 'linear' } }, plugins: { decimation: { enabled: true, algorithm: 'lttb' } } } });`,
  },
  {
    name: 'echarts',
    file: 'echarts/dist/echarts.min.js',
    draw: `const chart = echarts.init(el, null, { width: 1000, height: 300, renderer: 'canvas' });
      chart.setOption({ animation: false, xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [{ type: 'line', showSymbol: false, large: true, sampling: 'lttb', data: xs.map((x, i) => [x, ys[i]]) }] });`,
  },
];

/** A file of an installed package; read from node_modules directly, as some packages' `exports` hide their bundles. */
const moduleFile = (file: string): string => fileURLToPath(new URL(`../node_modules/${file}`, import.meta.url));

function bundle(file: string): string | undefined {
  return existsSync(moduleFile(file)) ? readFileSync(moduleFile(file), 'utf8') : undefined;
}

const version = (name: string): string => (JSON.parse(readFileSync(moduleFile(`${name}/package.json`), 'utf8')) as { version: string }).version;

const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-charts-'));
const browser = await launch();
try {
  const rows: { name: string; version: string; bytes: number; gzip: number; ms: number }[] = [];
  for (const lib of LIBS) {
    const code = bundle(lib.file);
    if (code === undefined) {
      console.error(`${lib.name}: not installed, skipped (npm install --no-save ${lib.name})`);
      continue;
    }
    // The data is made before the clock starts; the clock stops in the first animation frame after the draw call.
    const page = `<!doctype html><html><body><div id="c"></div><script>${code}</script><script>
      window.draw = () => new Promise((resolve) => {
        const el = document.getElementById('c'); el.innerHTML = '';
        const xs = new Array(${opts.points}), ys = new Array(${opts.points});
        for (let i = 0; i < xs.length; i++) { xs[i] = i; ys[i] = Math.sin(i / 500) * 50 + ((i * 7919) % 13); }
        const t0 = performance.now();
        ${lib.draw}
        requestAnimationFrame(() => resolve(performance.now() - t0));
      });</script></body></html>`;
    const file = path.join(dir, `${lib.name}.html`);
    writeFileSync(file, page);
    const p = await browser.newPage({ viewport: { width: 1100, height: 400 } });
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`file://${file}`);
    const times: number[] = [];
    for (let i = 0; i < opts.reps; i++) times.push((await p.evaluate('window.draw()')) as number);
    await p.close();
    if (errors.length) throw new Error(`${lib.name}: ${errors.join('; ')}`);
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)]!;
    console.error(`${lib.name}: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    rows.push({ name: lib.name, version: version(lib.name), bytes: Buffer.byteLength(code), gzip: gzipSync(code).length, ms });
  }
  const base = rows.find((r) => r.name === 'uplot')!;
  console.log(`\n${opts.points} points, median of ${opts.reps} draws, headless Chromium`);
  console.log(
    table(
      [
        { header: 'library', cell: (r) => `${r.name} ${r.version}` },
        { header: 'min.js KB', cell: (r) => (r.bytes / 1024).toFixed(0) },
        { header: 'gzip KB', cell: (r) => (r.gzip / 1024).toFixed(0) },
        { header: 'to first frame ms', cell: (r) => r.ms.toFixed(1) },
        { header: 'time / uPlot', cell: (r) => (r.ms / base.ms).toFixed(1) },
        { header: 'size / uPlot', cell: (r) => (r.bytes / base.bytes).toFixed(1) },
      ],
      rows,
    ),
  );
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
