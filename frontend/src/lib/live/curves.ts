// Pure arithmetic on curves: idempotent point insertion, EMA smoothing, x-axis values,
// and the speedup of a fine-tuned arm over the scratch baseline.
import type { Point, Run, RunCurves } from '../types';

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

/** The first point whose value is at least target. */
function firstReach(pts: readonly Point[], target: number): Point | undefined {
  return pts.find((p) => p.value >= target - 1e-12);
}

function bestValue(pts: readonly Point[]): number {
  return pts.reduce((b, p) => Math.max(b, p.value), -Infinity);
}

/** How much sooner a run reached the baseline's best validation accuracy. */
export interface LiveSpeedup {
  runId: string;
  baselineId: string;
  /** The accuracy both had to reach: the baseline's best so far, or a set target. */
  target: number;
  reached: boolean;
  baselineSteps: number | null;
  steps: number | null;
  stepsRatio: number | null;
  secondsRatio: number | null;
  /** Last validation accuracy of the run minus the baseline's, as a fraction. */
  accGap: number | null;
}

/** Compare one run's val_acc curve to the baseline's, like the server's speedup. */
export function speedupOf(runId: string, run: readonly Point[], baselineId: string, base: readonly Point[], target = 0): LiveSpeedup | null {
  if (base.length === 0) return null;
  const t = target > 0 ? target : bestValue(base);
  const b = firstReach(base, t);
  const r = firstReach(run, t);
  const reached = !!b && !!r;
  const ratio = (num: number, den: number) => (num > 0 && den > 0 ? num / den : null);
  return {
    runId,
    baselineId,
    target: t,
    reached,
    baselineSteps: b ? b.step : null,
    steps: r ? r.step : null,
    stepsRatio: reached ? ratio(b.step, r.step) : null,
    secondsRatio: reached ? ratio(b.wall_time, r.wall_time) : null,
    accGap: run.length > 0 ? run[run.length - 1]!.value - base[base.length - 1]!.value : null,
  };
}

/** The speedups of every non-scratch run over the experiment's scratch run. */
export function liveSpeedups(runs: readonly Run[], metrics: Record<string, RunCurves>, target = 0): LiveSpeedup[] {
  const base = runs.find((r) => r.strategy === 'scratch');
  if (!base) return [];
  const baseCurve = metrics[base.id]?.val_acc ?? [];
  const out: LiveSpeedup[] = [];
  for (const r of runs) {
    if (r.id === base.id) continue;
    const s = speedupOf(r.id, metrics[r.id]?.val_acc ?? [], base.id, baseCurve, target);
    if (s) out.push(s);
  }
  return out;
}
