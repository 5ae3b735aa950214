/**
 * The run report is a list of sections (sections/index.ts). Each reads its own input file(s) from the
 * run folder, returns undefined when they are absent (the section is then left out), and renders HTML
 * plus chart specs the page script draws. A new kind of data is one more section file and one line in
 * the registry; nothing else changes.
 */
import type { RunFolder } from './run-folder.js';

/** A period to shade on every time chart (a fault window), epoch ms. */
export interface TimeMark {
  start: number;
  end: number;
  label: string;
}

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Canvas dash pattern, e.g. [6, 4]. */
  dash?: number[];
  width?: number;
  /** Draw as steps (replica counts). */
  stepped?: boolean;
  /** Hidden from the legend and the cursor readout (the edges of a band). */
  quiet?: boolean;
  /** Join the values across nulls (a line through points that sit at other series' x). */
  spanGaps?: boolean;
  /**
   * Draw the values as marks, not a line: one per value, its shape by kind (client.js: a filled dot, a
   * hollow square, a triangle). For points whose origin matters (cost curves: trial, idle, run).
   */
  markers?: (PointMarker | null)[];
}

/** The kinds of mark client.js draws. */
export type PointMarker = 'dot' | 'square' | 'triangle';

/** One chart: an x axis (epoch seconds, or plain seconds when `xTime` is false) and its series. */
export interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  x: number[];
  series: ChartSeries[];
  /** Fill between two series (indexes into `series`, upper first). */
  bands?: { upper: number; lower: number; fill: string }[];
  /** Fixed y range, e.g. [0, 1] for shares. */
  yRange?: [number, number];
  /** Default true: x is epoch seconds, drawn as clock time, shaded by the fault windows. */
  xTime?: boolean;
  /** The x axis's label when x is not time. */
  xLabel?: string;
}

export interface Rendered {
  html: string;
  charts: ChartSpec[];
}

export interface Section<T> {
  /** HTML id and the name a test finds it by. */
  id: string;
  title: string;
  /** The run's data for this section, or undefined when its input is absent. */
  load(run: RunFolder): T | undefined;
  /** Periods this section's data marks on every time chart. */
  marks?(data: T): TimeMark[];
  render(data: T): Rendered;
}

/** Erases the data type so sections of different types sit in one list. */
export type AnySection = Section<unknown>;
export const section = <T>(s: Section<T>): AnySection => s as AnySection;

/** A route's colour on every chart: the same route, the same colour, on every page. */
export const ROUTE_COLORS: Record<string, string> = { grpc: '#2563eb', redis: '#ea580c', none: '#6b7280', other: '#9333ea' };
export const routeColor = (route: string): string => ROUTE_COLORS[route] ?? '#059669';
