// Pure arithmetic on curves: idempotent point insertion, EMA smoothing, x-axis values,
// and the mean and band of an arm's replicates. The verdict (speedup, gaps) is the
// server's: the page never works out its own.
import type { Point, RunCurves } from '../types';

/**
 * Put `p` into `pts` (sorted by step), replacing a point at the same step, so a point
 * that arrives twice is plotted once. Returns true when the curve changed.
 */
export function upsertPoint(pts: Point[], p: Point): boolean {
  const n = pts.length;
  // Fast path: the common case is a new point after the last one.
  if (n === 0 || pts[n - 1]!.step < p.step) {
    pts.push(p);
    return true;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid]!.step < p.step) lo = mid + 1;
    else hi = mid;
  }
  const at = pts[lo];
  if (at && at.step === p.step) {
    if (at.value === p.value && at.epoch === p.epoch && at.wall_time === p.wall_time) return false;
    pts[lo] = p;
    return true;
  }
  pts.splice(lo, 0, p);
  return true;
}

/** The data of a live metric event. */
export interface MetricData {
  step: number;
  epoch: number;
  wall_time: number;
  values: Record<string, number>;
}

/** Apply one metric event's values to a run's curves; true when anything changed. */
export function applyMetric(curves: RunCurves, d: MetricData): boolean {
  let changed = false;
  for (const [name, value] of Object.entries(d.values)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const pts = (curves[name] ??= []);
    changed = upsertPoint(pts, { step: d.step, epoch: d.epoch, value, wall_time: d.wall_time }) || changed;
  }
  return changed;
}

/**
 * Exponential moving average with TensorBoard's debiasing, so the first points are not
 * pulled towards zero. weight 0 returns the values unchanged.
 */
export function ema(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  const out = new Array<number>(values.length);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}

export type XAxis = 'step' | 'epoch' | 'examples' | 'wall';

export const xAxisLabels: Record<XAxis, string> = {
  step: 'Step',
  epoch: 'Epoch',
  examples: 'Examples seen',
  wall: 'Wall time (s)',
};

/**
 * The x value of each point: its step, epoch, wall time, or the examples seen up to its
 * step (from the run's examples_seen curve, else step x batch size).
 */
export function xValues(pts: readonly Point[], axis: XAxis, curves?: RunCurves, batchSize = 0): number[] {
  switch (axis) {
    case 'step':
      return pts.map((p) => p.step);
    case 'epoch':
      return pts.map((p) => p.epoch);
    case 'wall':
      return pts.map((p) => p.wall_time);
    case 'examples': {
      const seen = new Map<number, number>();
      for (const p of curves?.examples_seen ?? []) seen.set(p.step, p.value);
      return pts.map((p) => seen.get(p.step) ?? p.step * batchSize);
    }
  }
}

/** An arm's replicates drawn as one: the mean with a band around it. */
export interface Band {
  x: number[];
  mean: number[];
  lo: number[];
  hi: number[];
  /** What the band is: the range of the replicates, or a 95% interval of the mean. */
  kind: 'min-max' | '95% interval';
}

// Student's t 0.975 quantiles for 4..9 degrees of freedom (5 to 10 replicates).
const T975: Record<number, number> = { 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262 };

/** The value of a curve at x, interpolated between its points; undefined outside it. */
function valueAt(x: readonly number[], y: readonly number[], at: number): number | undefined {
  if (x.length === 0 || at < x[0]! || at > x[x.length - 1]!) return undefined;
  let i = 0;
  while (x[i]! < at) i++;
  if (x[i] === at || i === 0) return y[i];
  const f = (at - x[i - 1]!) / (x[i]! - x[i - 1]!);
  return y[i - 1]! + f * (y[i]! - y[i - 1]!);
}

/**
 * The mean of an arm's replicates at every x any of them has, with the min-max band, or
 * a 95% Student-t interval of the mean once 5 or more replicates cover a point. A curve
 * still training covers only its own range, so the band grows live with the runs.
 * Each replicate's x must be ascending.
 */
export function bandOf(reps: readonly { x: readonly number[]; y: readonly number[] }[]): Band {
  const xs = [...new Set(reps.flatMap((r) => r.x))].filter(Number.isFinite).sort((a, b) => a - b);
  const kind = reps.length >= 5 ? '95% interval' : 'min-max';
  const out: Band = { x: [], mean: [], lo: [], hi: [], kind };
  for (const at of xs) {
    const vs = reps.map((r) => valueAt(r.x, r.y, at)).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (vs.length === 0) continue;
    const n = vs.length;
    const mean = vs.reduce((a, b) => a + b, 0) / n;
    let lo = Math.min(...vs);
    let hi = Math.max(...vs);
    if (kind === '95% interval' && n >= 5) {
      const sd = Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
      const half = (T975[n - 1] ?? 1.96) * (sd / Math.sqrt(n));
      lo = mean - half;
      hi = mean + half;
    }
    out.x.push(at);
    out.mean.push(mean);
    out.lo.push(lo);
    out.hi.push(hi);
  }
  return out;
}
