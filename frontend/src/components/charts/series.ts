// Turning curves into what uPlot draws: one aligned table, faint raw lines under smoothed ones.
import uPlot from 'uplot';
import { bandOf, ema, xValues, type XAxis } from '../../lib/live/curves';
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
  /** An edge of an arm's band: drawn as no line, the area between hi and the lo after it filled. */
  band?: 'hi' | 'lo';
}

/** A run as the curve charts see it. */
export interface ChartRun {
  id: string;
  label: string;
  color: string;
  curves: RunCurves | undefined;
  batchSize: number;
  /** An arm's replicates: drawn as their mean with a band, each run only when asked. */
  members?: { id: string; curves: RunCurves | undefined }[];
  /** Draw each replicate faintly under the mean. */
  singles?: boolean;
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
    if (r.members && r.members.length > 1) {
      out.push(...armSeries(r, metric, axis, smoothing));
      continue;
    }
    const only = r.members?.[0];
    const pts = override?.[r.id] ?? (only ? only.curves : r.curves)?.[metric] ?? [];
    const curves = only ? only.curves : r.curves;
    if (pts.length === 0) continue;
    const x = xValues(pts, axis, curves, r.batchSize);
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

/** An arm's replicates as one: the band (min-max, or a 95% interval from 5 replicates), the
 * mean of the (smoothed) curves over it, and each replicate faintly when asked. */
function armSeries(r: ChartRun, metric: string, axis: XAxis, smoothing: number): ChartSeries[] {
  const reps = (r.members ?? [])
    .map((m) => {
      const pts = m.curves?.[metric] ?? [];
      const [x, y] = orderedXY(xValues(pts, axis, m.curves, r.batchSize), pts.map((p) => p.value));
      return { x, y: smoothing > 0 && y.length > 2 ? ema(y, smoothing) : y };
    })
    .filter((c) => c.x.length > 0);
  if (reps.length === 0) return [];
  const b = bandOf(reps);
  const out: ChartSeries[] = [];
  if (r.singles) reps.forEach((c, i) => out.push({ label: `${r.label} (replicate ${i + 1})`, color: r.color, x: c.x, y: c.y, faint: true }));
  out.push({ label: `${r.label} (${b.kind} high)`, color: r.color, x: b.x, y: b.hi, band: 'hi' });
  out.push({ label: `${r.label} (${b.kind} low)`, color: r.color, x: b.x, y: b.lo, band: 'lo' });
  out.push({ label: `${r.label} (mean of ${reps.length})`, color: r.color, x: b.x, y: b.mean, dots: b.x.length <= 30 });
  return out;
}

/** One table with a shared x column for all lines (gaps as null). */
export function alignedData(series: readonly ChartSeries[]): uPlot.AlignedData {
  if (series.length === 0) return [[]];
  const tables = series.map((s) => orderedXY(s.x, s.y) as uPlot.AlignedData);
  return uPlot.join(tables);
}
