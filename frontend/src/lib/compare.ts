// The logic of the Compare page: what each run is called, how the table sorts, arms
// grouped into a mean with a min-max band, and each run's speedup over its baseline.
import { strategyLabel } from './format';
import { speedupOf, type LiveSpeedup } from './live/curves';
import type { CompareRun, Point } from './types';

/**
 * A run's label: the name a person gave it, else its strategy, with its experiment's
 * letter ("Fine-tune (B)") when the runs come from several experiments.
 */
export function runLabel(r: CompareRun, letter: string | undefined): string {
  if (r.name) return r.name;
  const base = strategyLabel(r.strategy);
  return letter ? `${base} (${letter})` : base;
}

/** A letter per experiment, A, B, ... in the order the runs first name them; empty for one. */
export function experimentLetters(runs: readonly { experiment_id: string }[]): Map<string, string> {
  const ids = [...new Set(runs.map((r) => r.experiment_id))];
  if (ids.length <= 1) return new Map();
  return new Map(ids.map((id, i) => [id, i < 26 ? String.fromCharCode(65 + i) : `E${i + 1}`]));
}

/** "a, b ,, c" -> ["a", "b", "c"]: tags as typed in one field. */
export const parseTags = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

export type SortKey = 'name' | 'strategy' | 'status' | 'best_val_acc' | 'final_val_acc' | 'best_val_loss' | 'test_acc' | 'steps';
export interface SortOrder {
  key: SortKey;
  dir: 'asc' | 'desc';
}

function sortValue(r: CompareRun, key: SortKey, labels: Record<string, string>): string | number | null {
  switch (key) {
    case 'name':
      return labels[r.id] ?? r.id;
    case 'strategy':
      return r.strategy;
    case 'status':
      return r.status;
    case 'best_val_acc':
      return r.best?.val_acc ?? r.best_val_acc;
    case 'final_val_acc':
      return r.final?.val_acc ?? r.final_val_acc;
    case 'best_val_loss':
      return r.best?.val_loss ?? null;
    case 'test_acc':
      return r.test_acc;
    case 'steps':
      return r.steps;
  }
}

/** The runs in table order; missing values always sort last, ties keep the chosen order. */
export function sortRuns(runs: readonly CompareRun[], order: SortOrder, labels: Record<string, string>): CompareRun[] {
  const sign = order.dir === 'asc' ? 1 : -1;
  return runs
    .map((r, i) => ({ r, i, v: sortValue(r, order.key, labels) }))
    .sort((a, b) => {
      const na = a.v === null || a.v === undefined || (typeof a.v === 'number' && !Number.isFinite(a.v));
      const nb = b.v === null || b.v === undefined || (typeof b.v === 'number' && !Number.isFinite(b.v));
      if (na || nb) return na === nb ? a.i - b.i : na ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v), 'en', { numeric: true });
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.r);
}

/** Clicking a column: sort by it (best first for numbers), or flip its direction. */
export function nextSort(cur: SortOrder, key: SortKey): SortOrder {
  if (cur.key === key) return { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  const lowFirst = key === 'name' || key === 'strategy' || key === 'status' || key === 'best_val_loss';
  return { key, dir: lowFirst ? 'asc' : 'desc' };
}

/** One arm's runs summarised on one metric: the mean at each step and the min-max band. */
export interface ArmBand {
  steps: number[];
  mean: number[];
  lo: number[];
  hi: number[];
  /** How many runs had a point at each step. */
  n: number[];
}

/** Mean, min and max over the runs at each step any of them recorded. */
export function bandOf(curves: readonly (readonly Point[])[]): ArmBand {
  const at = new Map<number, number[]>();
  for (const c of curves) for (const p of c) if (Number.isFinite(p.value)) (at.get(p.step) ?? at.set(p.step, []).get(p.step)!).push(p.value);
  const steps = [...at.keys()].sort((a, b) => a - b);
  const out: ArmBand = { steps, mean: [], lo: [], hi: [], n: [] };
  for (const s of steps) {
    const v = at.get(s)!;
    out.mean.push(v.reduce((a, b) => a + b, 0) / v.length);
    out.lo.push(Math.min(...v));
    out.hi.push(Math.max(...v));
    out.n.push(v.length);
  }
  return out;
}

/** Runs grouped by arm (strategy), in first-seen order. */
export function groupByArm<R extends { strategy: string }>(runs: readonly R[]): { strategy: string; runs: R[] }[] {
  const groups: { strategy: string; runs: R[] }[] = [];
  for (const r of runs) {
    const g = groups.find((x) => x.strategy === r.strategy);
    if (g) g.runs.push(r);
    else groups.push({ strategy: r.strategy, runs: [r] });
  }
  return groups;
}

/**
 * Each non-scratch run's speedup over a scratch run: the one of its own experiment when it
 * is among those compared, else the first scratch run compared.
 */
export function compareSpeedups(runs: readonly CompareRun[], target = 0): LiveSpeedup[] {
  const scratch = runs.filter((r) => r.strategy === 'scratch');
  if (scratch.length === 0) return [];
  const out: LiveSpeedup[] = [];
  for (const r of runs) {
    if (r.strategy === 'scratch') continue;
    const base = scratch.find((s) => s.experiment_id === r.experiment_id) ?? scratch[0]!;
    const s = speedupOf(r.id, r.curves?.val_acc ?? [], base.id, base.curves?.val_acc ?? [], target);
    if (s) out.push(s);
  }
  return out;
}
