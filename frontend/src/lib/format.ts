// Numbers and times as people read them.
import type { ArmVerdict, Experiment, Run, RunCurves } from './types';

export const pct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;

export const num = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toFixed(digits)).toString();

export const ratio = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(1)}×`;

/** Signed accuracy gap in percentage points: "+12.1 points". */
export const points = (gap: number) => `${gap >= 0 ? '+' : '−'}${Math.abs(gap * 100).toFixed(1)} points`;

export const count = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('en-US'));

/** 75 -> "1 min 15 s"; 4000 -> "1 h 7 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Seconds left for a running arm, from the experiment's own elapsed time per step. The
 * arms take turns, one step each, and evaluations take time too, so an arm's own
 * training time per step undercounts several times over. Arm a finishes after
 * sum over arms b of min(left_b, left_a) more steps of the experiment.
 */
export function etaSeconds(
  run: Run,
  runs: readonly Run[],
  curves: Readonly<Record<string, RunCurves | undefined>>,
  now = Date.now(),
): number | null {
  if (run.status !== 'running' || !run.total_steps) return null;
  const starts = runs.flatMap((r) => (r.started_at ? [Date.parse(r.started_at)] : [])).filter(Number.isFinite);
  if (!starts.length) return null;
  const elapsed = (now - Math.min(...starts)) / 1000;
  const done = (r: Run) => Math.max(r.steps, curves[r.id]?.train_loss?.at(-1)?.step ?? 0);
  const doneAll = runs.reduce((n, r) => n + done(r), 0);
  if (doneAll <= 0 || elapsed <= 0) return null;
  // An arm still queued has no total yet; the arms of an experiment share data and batch.
  const left = (r: Run) =>
    r.status === 'queued' || r.status === 'running' ? Math.max(0, (r.total_steps || run.total_steps) - done(r)) : 0;
  const mine = left(run);
  const steps = runs.reduce((n, r) => n + Math.min(left(r), mine), 0);
  return (elapsed / doneAll) * steps;
}

/** Fraction of a run's steps done, 0..1. */
export function progress(run: Run): number {
  if (run.status === 'succeeded') return 1;
  if (!run.total_steps) return 0;
  return Math.min(1, run.steps / run.total_steps);
}

const strategyNames: Record<string, string> = {
  finetune: 'Fine-tune',
  scratch: 'From scratch',
  'linear-probe': 'Linear probe',
  'gradual-unfreeze': 'Gradual unfreezing',
  'layerwise-lr': 'Layer-wise rates',
};

/** "finetune" -> "Fine-tune"; "freeze:2" -> "Freeze bottom 2". */
export function strategyLabel(s: string): string {
  if (strategyNames[s]) return strategyNames[s];
  const k = s.startsWith('freeze:') ? s.slice(7) : '';
  return k ? `Freeze bottom ${k}` : s;
}

/** The experiment's headline: its best-ranked arm's verdict, in the server's words. */
export function experimentHeadline(e: Experiment): string | null {
  if (e.no_verdict) return e.no_verdict;
  const v: ArmVerdict | undefined = e.verdict?.find((x) => x.rank === 1) ?? e.verdict?.[0];
  if (!v || v.replicates === 0) return null;
  return `${strategyLabel(v.strategy)}: ${v.speed}`;
}
