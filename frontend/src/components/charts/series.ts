// Turning curves into what uPlot draws: one aligned table, faint raw lines under smoothed ones.
import uPlot from 'uplot';
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
