/**
 * Opens a report page from disk in Debian's Chromium, headless, through playwright-core (never a browser
 * playwright downloads: this machine reaches no such download), and reads back what a person would
 * see: console errors, every network request, and per chart how many points it was given and how many
 * canvas pixels carry one of its series' colours (drawn data, not just a canvas).
 * scripts/install-browser.sh installs /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags that work on this machine: no sandbox as root, no GPU, and no background calls home. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export const hasChromium = (): boolean => existsSync(CHROMIUM);

export async function launch(): Promise<Browser> {
  // playwright-core makes its own fresh user-data-dir per launch and removes it on close.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export interface ChartSeen {
  id: string;
  /** data-points: non-null values the chart was given. */
  points: number;
  /** Canvas pixels within a small distance of one of the chart's series colours. */
  seriesPixels: number;
}

export interface PageSeen {
  page: Page;
  consoleErrors: string[];
  /** Every URL the page requested, the file itself included. */
  requests: string[];
  charts: ChartSeen[];
}

/**
 * Runs in the page: per chart spec of the page's JSON, its data-points and the canvas pixels near one
 * of its series' colours. A string, not a function: tsx's transform would wrap a function's inner
 * helpers in a `__name` call the page does not have.
 */
const MEASURE_CHARTS = `(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  return data.charts.map((spec) => {
    const box = document.getElementById(spec.id);
    const canvas = box && box.querySelector('canvas');
    const colors = spec.series.map((s) => [1, 3, 5].map((i) => parseInt(s.color.slice(i, i + 2), 16)));
    let seriesPixels = 0;
    if (canvas) {
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] < 128) continue;
        if (colors.some((c) => Math.abs(c[0] - px[i]) + Math.abs(c[1] - px[i + 1]) + Math.abs(c[2] - px[i + 2]) < 60)) seriesPixels++;
      }
    }
    return { id: spec.id, points: Number(box ? box.getAttribute('data-points') : 0), seriesPixels };
  });
})()`;

/** Loads `file` (a path) and waits for its script to finish drawing. */
export async function openPage(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<PageSeen> {
  const page = await browser.newPage({ viewport });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  const charts = (await page.evaluate(MEASURE_CHARTS)) as ChartSeen[];
  return { page, consoleErrors, requests, charts };
}
