/**
 * What the generator says on stderr: a live progress bar for people at a terminal, and a one-line
 * summary. Never stdout, which may be carrying the records themselves.
 */

/** The bits of a stream the progress bar needs; process.stderr fits, and so does a test double. */
export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressState {
  done: number;
  total: number;
  elapsedMs: number;
}

/** Redrawing more often than this only burns CPU the generator could use. */
const REDRAW_EVERY_MS = 100;
const BAR_WIDTH = 30;
// Return to column 0 and clear to end of line, so a shorter line leaves no leftovers.
const CLEAR_LINE = '\r\x1b[K';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One progress line: bar (optional), percent, records done / total, rate and time left. */
export function formatProgressLine({ done, total, elapsedMs }: ProgressState, withBar = true): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = withBar ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : '';
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - done) / rate : Infinity;
  return `${bar}${(fraction * 100).toFixed(1)}% ${formatCount(done)}/${formatCount(total)} records ` +
    `${formatCount(rate)}/s ETA ${formatDuration(eta)}`;
}

export interface Summary {
  records: number;
  bytes: number;
  seconds: number;
  destination: string;
  format: string;
  seed: number;
}

/** The closing line, printed whether or not stderr is a terminal so logs of CI runs keep it. */
export function formatSummary({ records, bytes, seconds, destination, format, seed }: Summary): string {
  const rate = seconds > 0 ? records / seconds : 0;
  return `generated ${formatCount(records)} records (${formatBytes(bytes)}, ${format}, seed ${seed}) ` +
    `to ${destination} in ${seconds.toFixed(2)} s, ${formatCount(rate)} records/s`;
}

export interface ProgressBar {
  update(done: number): void;
  /** Clears the bar so the summary starts on a clean line. */
  finish(): void;
}

const SILENT: ProgressBar = { update() {}, finish() {} };

/**
 * A progress bar on `sink`, or one that does nothing when `sink` is not a terminal (piped into a
 * file or CI log, carriage-return redraws would just be noise) or when `enabled` is false.
 */
export function createProgressBar(
  sink: ProgressSink,
  total: number,
  { enabled = true, now = () => performance.now() }: { enabled?: boolean; now?: () => number } = {},
): ProgressBar {
  if (!enabled || sink.isTTY !== true) return SILENT;
  const started = now();
  let lastDraw = -Infinity;
  let drawn = false;
  const draw = (done: number): void => {
    const state = { done, total, elapsedMs: now() - started };
    let line = formatProgressLine(state);
    // A line wider than the terminal wraps, and \r then only rewinds its last row: on a narrow
    // terminal drop the bar (the numbers say more), then cut what still does not fit.
    // Some pseudo-terminals report 0 columns, meaning "unknown": draw the whole line then.
    const columns = sink.columns ?? 0;
    if (columns > 0 && line.length >= columns) line = formatProgressLine(state, false).slice(0, columns - 1);
    sink.write(CLEAR_LINE + line);
    drawn = true;
  };
  return {
    update(done) {
      const t = now();
      if (t - lastDraw < REDRAW_EVERY_MS && done < total) return;
      lastDraw = t;
      draw(done);
    },
    finish() {
      if (drawn) sink.write(CLEAR_LINE);
    },
  };
}
