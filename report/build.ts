/**
 * The run report of one run folder: every registered section that finds its input, in order, as one
 * self-contained index.html. Synchronous and pure apart from reading the folder; timeseries.json must
 * exist already (run-report.ts builds it first when the raw samples are there).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { esc } from './html.js';
import { renderPage } from './page.js';
import { RunFolder } from './run-folder.js';
import type { AnySection, ChartSpec, TimeMark } from './section.js';
import { SECTIONS } from './sections/index.js';

export const REPORT_FILE = 'index.html';

export interface BuiltReport {
  html: string;
  /** Ids of the sections on the page, in order (the others had no input). */
  sections: string[];
  charts: ChartSpec[];
  problems: RunFolder['problems'];
}

export function buildReport(runDir: string, sections: readonly AnySection[] = SECTIONS): BuiltReport {
  const run = new RunFolder(runDir);
  const loaded = sections.map((s) => ({ s, data: s.load(run) })).filter((x) => x.data !== undefined);
  const marks: TimeMark[] = loaded.flatMap(({ s, data }) => s.marks?.(data) ?? []);
  const rendered = loaded.map(({ s, data }) => ({ id: s.id, title: s.title, ...s.render(data) }));
  const charts = rendered.flatMap((r) => r.charts);
  const html = renderPage({
    title: `splitbench run ${run.name}`,
    subtitle: `<p class="note">${esc(path.resolve(runDir))}</p>`,
    sections: rendered,
    charts,
    marks,
    problems: run.problems,
  });
  return { html, sections: rendered.map((r) => r.id), charts, problems: run.problems };
}

/** Writes <runDir>/index.html; returns its path and what is on it. */
export function writeReport(runDir: string): BuiltReport & { file: string } {
  const built = buildReport(runDir);
  const file = path.join(runDir, REPORT_FILE);
  writeFileSync(file, built.html);
  return { ...built, file };
}
