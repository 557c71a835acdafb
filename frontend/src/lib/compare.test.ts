import { describe, expect, it } from 'vitest';
import { bandOf, compareSpeedups, experimentLetters, groupByArm, nextSort, parseTags, runLabel, sortRuns } from './compare';
import type { CompareRun, Point } from './types';

const pts = (vals: [number, number][]): Point[] => vals.map(([step, value]) => ({ step, value, epoch: 0, wall_time: step }));
const run = (over: Partial<CompareRun>): CompareRun =>
  ({ id: 'r', experiment_id: 'e', strategy: 'finetune', status: 'succeeded', steps: 10, best_val_acc: null, final_val_acc: null,
    test_acc: null, curves: {}, best: {}, final: {}, hyper: {}, ...over }) as CompareRun;

describe('runLabel', () => {
  it('prefers the name a person gave, then the strategy, with a letter per experiment when several', () => {
    expect(runLabel(run({ name: 'lr 0.1' }), 'A')).toBe('lr 0.1');
    expect(runLabel(run({ strategy: 'freeze:2' }), undefined)).toBe('Freeze bottom 2');
    expect(runLabel(run({}), 'B')).toBe('Fine-tune (B)');
  });
  it('letters experiments in the order the runs name them, none for one experiment', () => {
    expect([...experimentLetters([{ experiment_id: 'x' }, { experiment_id: 'y' }, { experiment_id: 'x' }])]).toEqual([['x', 'A'], ['y', 'B']]);
    expect(experimentLetters([{ experiment_id: 'x' }, { experiment_id: 'x' }]).size).toBe(0);
  });
});

describe('sortRuns', () => {
  const a = run({ id: 'a', best: { val_acc: 0.9, val_loss: 0.3 }, test_acc: null, steps: 30 });
  const b = run({ id: 'b', best: { val_acc: 0.7, val_loss: 0.2 }, test_acc: 0.8, steps: 10 });
  const c = run({ id: 'c', best: { val_acc: 0.8 }, test_acc: 0.6, steps: 20 });
  const labels = { a: 'run 10', b: 'run 9', c: 'alpha' };
  const ids = (rs: CompareRun[]) => rs.map((r) => r.id);
  it('sorts by numbers either way with missing values last', () => {
    expect(ids(sortRuns([a, b, c], { key: 'best_val_acc', dir: 'desc' }, labels))).toEqual(['a', 'c', 'b']);
    expect(ids(sortRuns([a, b, c], { key: 'best_val_acc', dir: 'asc' }, labels))).toEqual(['b', 'c', 'a']);
    expect(ids(sortRuns([a, b, c], { key: 'test_acc', dir: 'asc' }, labels))).toEqual(['c', 'b', 'a']);
    expect(ids(sortRuns([a, b, c], { key: 'best_val_loss', dir: 'desc' }, labels))).toEqual(['a', 'b', 'c']);
  });
  it('sorts names naturally (run 9 before run 10)', () => {
    expect(ids(sortRuns([a, b, c], { key: 'name', dir: 'asc' }, labels))).toEqual(['c', 'b', 'a']);
  });
  it('flips on a second click and starts numbers best first', () => {
    expect(nextSort({ key: 'steps', dir: 'desc' }, 'steps')).toEqual({ key: 'steps', dir: 'asc' });
    expect(nextSort({ key: 'steps', dir: 'desc' }, 'best_val_loss')).toEqual({ key: 'best_val_loss', dir: 'asc' });
    expect(nextSort({ key: 'steps', dir: 'desc' }, 'test_acc')).toEqual({ key: 'test_acc', dir: 'desc' });
  });
});

describe('parseTags', () => {
  it('splits on commas, trims, drops empty and repeated tags', () => {
    expect(parseTags(' a, b ,, a,c ')).toEqual(['a', 'b', 'c']);
    expect(parseTags('')).toEqual([]);
  });
});

describe('bandOf and groupByArm', () => {
  it('gives the mean and min-max at each step any run recorded', () => {
    const b = bandOf([pts([[1, 0.2], [2, 0.4]]), pts([[1, 0.4], [2, 0.8], [3, 0.9]])]);
    expect(b.steps).toEqual([1, 2, 3]);
    expect(b.mean.map((v) => +v.toFixed(6))).toEqual([0.3, 0.6, 0.9]);
    expect(b.lo).toEqual([0.2, 0.4, 0.9]);
    expect(b.hi).toEqual([0.4, 0.8, 0.9]);
    expect(b.n).toEqual([2, 2, 1]);
  });
  it('groups runs by strategy in first-seen order', () => {
    const g = groupByArm([run({ id: '1', strategy: 'scratch' }), run({ id: '2' }), run({ id: '3', strategy: 'scratch' })]);
    expect(g.map((x) => [x.strategy, x.runs.map((r) => r.id)])).toEqual([['scratch', ['1', '3']], ['finetune', ['2']]]);
  });
});

describe('compareSpeedups', () => {
  it('measures each run against the scratch run of its own experiment', () => {
    const s1 = run({ id: 's1', experiment_id: 'e1', strategy: 'scratch', curves: { val_acc: pts([[100, 0.5], [200, 0.8]]) } });
    const s2 = run({ id: 's2', experiment_id: 'e2', strategy: 'scratch', curves: { val_acc: pts([[100, 0.9]]) } });
    const f2 = run({ id: 'f2', experiment_id: 'e2', curves: { val_acc: pts([[50, 0.95]]) } });
    const f1 = run({ id: 'f1', experiment_id: 'e1', curves: { val_acc: pts([[50, 0.85]]) } });
    const out = compareSpeedups([s1, f2, s2, f1]);
    expect(out.map((s) => [s.runId, s.baselineId, s.stepsRatio])).toEqual([
      ['f2', 's2', 2],
      ['f1', 's1', 4],
    ]);
    expect(compareSpeedups([f1])).toEqual([]);
  });
});
