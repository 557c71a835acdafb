// Turning curves into what uPlot draws: one aligned table, faint raw lines under smoothed ones.
import uPlot from 'uplot';
import { bandOf } from '../../lib/compare';
import { ema, xValues, type XAxis } from '../../lib/live/curves';
import type { Point, RunCurves } from '../../lib/types';

/** One line on a chart. */
export interface ChartSeries {
  label: string;
  color: string;
  x: number[];
  y: number[];
  /** Drawn thin and pale: the raw line under a smoothed one. */
  faint?: boolean;
  /** Draw a dot at each point (for sparse curves such as validation). */
  dots?: boolean;
  /** The upper or lower edge of a band (not drawn as a line); the band fills between the pair of one group. */
  band?: 'hi' | 'lo';
  /** The band a mean line and its edges belong to. */
  group?: string;
}

/** A run as the curve charts see it. */
export interface ChartRun {
  id: string;
  label: string;
  color: string;
  curves: RunCurves | undefined;
  batchSize: number;
}

/** Sort by x and keep one y per x (the last), as uPlot.join needs. */
export function orderedXY(x: readonly number[], y: readonly number[]): [number[], number[]] {
  const idx = x.map((_, i) => i).filter((i) => Number.isFinite(x[i]!));
  idx.sort((a, b) => x[a]! - x[b]! || a - b);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const i of idx) {
    if (xs.length && xs[xs.length - 1] === x[i]) ys[ys.length - 1] = y[i]!;
    else {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  return [xs, ys];
}

/** The lines of one metric for each run: raw, and smoothed over it when smoothing > 0. */
export function metricSeries(runs: readonly ChartRun[], metric: string, axis: XAxis, smoothing: number, override?: Record<string, Point[]>): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const r of runs) {
    const pts = override?.[r.id] ?? r.curves?.[metric] ?? [];
    if (pts.length === 0) continue;
    const x = xValues(pts, axis, r.curves, r.batchSize);
    const y = pts.map((p) => p.value);
    const dots = pts.length <= 30;
    if (smoothing > 0 && pts.length > 2) {
      out.push({ label: `${r.label} (raw)`, color: r.color, x, y, faint: true });
      out.push({ label: r.label, color: r.color, x, y: ema(y, smoothing), dots });
    } else {
      out.push({ label: r.label, color: r.color, x, y, dots });
    }
  }
  return out;
}

/** One table with a shared x column for all lines (gaps as null). */
export function alignedData(series: readonly ChartSeries[]): uPlot.AlignedData {
  if (series.length === 0) return [[]];
  const tables = series.map((s) => orderedXY(s.x, s.y) as uPlot.AlignedData);
  return uPlot.join(tables);
}

/** An arm drawn as the mean of its runs with a min-max band. */
export interface ChartArm {
  key: string;
  label: string;
  color: string;
  runs: ChartRun[];
}

/**
 * Each arm's mean line and its min-max band on one metric. x is the mean over the runs of
 * each step's x value (the step, epoch, examples or seconds), so every axis works.
 */
export function bandSeries(arms: readonly ChartArm[], metric: string, axis: XAxis, smoothing: number): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const a of arms) {
    const curves = a.runs.map((r) => r.curves?.[metric] ?? []);
    const b = bandOf(curves);
    if (b.steps.length === 0) continue;
    const xs = new Map<number, number[]>();
    a.runs.forEach((r, i) => {
      const x = xValues(curves[i]!, axis, r.curves, r.batchSize);
      curves[i]!.forEach((p, j) => (xs.get(p.step) ?? xs.set(p.step, []).get(p.step)!).push(x[j]!));
    });
    const x = b.steps.map((s) => {
      const v = xs.get(s)!;
      return v.reduce((p, q) => p + q, 0) / v.length;
    });
    const smooth = (y: number[]) => (smoothing > 0 && y.length > 2 ? ema(y, smoothing) : y);
    const dots = b.steps.length <= 30;
    if (a.runs.length > 1) {
      out.push({ label: `${a.label} (max)`, color: a.color, x, y: smooth(b.hi), band: 'hi', group: a.key });
      out.push({ label: `${a.label} (min)`, color: a.color, x, y: smooth(b.lo), band: 'lo', group: a.key });
    }
    out.push({ label: a.label, color: a.color, x, y: smooth(b.mean), dots, group: a.key });
  }
  return out;
}

/** The value of the point nearest to idx in one column of aligned data (nulls are gaps). */
export function nearestValue(ys: ArrayLike<number | null | undefined>, idx: number): number | null {
  for (let d = 0; d < ys.length; d++) {
    const a = ys[idx - d];
    if (idx - d >= 0 && a !== null && a !== undefined) return a;
    const b = ys[idx + d];
    if (idx + d < ys.length && b !== null && b !== undefined) return b;
  }
  return null;
}

/**
 * Ticks for a log axis: 1-2-5 steps per power of ten, finer when the range is narrow,
 * so a loss from 1.6 down to 1.2 still gets labelled lines and 2.3 down to 0.05 is not
 * crowded.
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > min)) return [];
  const sets = [[1], [1, 2, 5], [1, 1.5, 2, 3, 5, 7], [1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 4, 5, 6, 7, 8, 9]];
  let ticks: number[] = [];
  for (const set of sets) {
    ticks = [];
    for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
      for (const m of set) {
        const v = +(m * 10 ** k).toPrecision(6);
        if (v >= min && v <= max) ticks.push(v);
      }
    }
    if (ticks.length >= 3) return ticks;
  }
  return ticks;
}
