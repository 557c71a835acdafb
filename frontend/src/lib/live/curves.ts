// Pure arithmetic on curves: idempotent point insertion, EMA smoothing, x-axis values,
// and the speedup of one run over a scratch run on smoothed curves (the compare page's).
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

/** The server's smoothing of validation curves before any comparison (series.SmoothBeta). */
export const SMOOTH_BETA = 0.6;
/** The share of scratch's final smoothed accuracy the speedup is measured at. */
export const TARGET_FRACTION = 0.95;

/** One run against a scratch run, by the verdict's rule but for one pair (no interval). */
export interface LiveSpeedup {
  runId: string;
  baselineId: string;
  /** The accuracy both had to reach: a fraction of scratch's final smoothed accuracy, or a set target. */
  target: number;
  reached: boolean;
  baselineSteps: number | null;
  steps: number | null;
  stepsRatio: number | null;
  secondsRatio: number | null;
  /** Final smoothed validation accuracy of the run minus the baseline's, as a fraction. */
  accGap: number | null;
}

/** Where a smoothed curve first reaches target, interpolated between the points around it. */
function reachOf(pts: readonly Point[], target: number): { step: number; wall: number } | null {
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    if (p.value < target) continue;
    if (i === 0) return { step: p.step, wall: p.wall_time };
    const q = pts[i - 1]!;
    const f = (target - q.value) / (p.value - q.value);
    return { step: q.step + f * (p.step - q.step), wall: q.wall_time + f * (p.wall_time - q.wall_time) };
  }
  return null;
}

const smoothed = (pts: readonly Point[]): Point[] => {
  const ys = ema(
    pts.map((p) => p.value),
    SMOOTH_BETA,
  );
  return pts.map((p, i) => ({ ...p, value: ys[i]! }));
};

/**
 * One run's speedup over a scratch run, as the server's verdict works it out for each
 * replicate: both curves smoothed, the target a fraction of scratch's final smoothed
 * accuracy (or a set one), crossings interpolated. One pair gives no interval.
 */
export function speedupOf(runId: string, run: readonly Point[], baselineId: string, base: readonly Point[], target = 0): LiveSpeedup | null {
  if (base.length === 0) return null;
  const b = smoothed(base);
  const a = smoothed(run);
  const t = target > 0 ? target : TARGET_FRACTION * b[b.length - 1]!.value;
  const br = reachOf(b, t);
  const ar = reachOf(a, t);
  const reached = !!br && !!ar;
  const ratio = (num: number, den: number) => (num > 0 && den > 0 ? num / Math.max(den, 0.5) : null);
  return {
    runId,
    baselineId,
    target: t,
    reached,
    baselineSteps: br ? br.step : null,
    steps: ar ? ar.step : null,
    stepsRatio: reached ? ratio(br.step, ar.step) : null,
    secondsRatio: reached ? ratio(br.wall, ar.wall) : null,
    accGap: a.length > 0 ? a[a.length - 1]!.value - b[b.length - 1]!.value : null,
  };
}
