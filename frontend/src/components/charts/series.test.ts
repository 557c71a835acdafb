import { describe, expect, it } from 'vitest';
import type { Point } from '../../lib/types';
import { bandSeries, logTicks, nearestValue } from './series';

const pts = (vals: [number, number][]): Point[] => vals.map(([step, value]) => ({ step, value, epoch: step / 10, wall_time: step }));

describe('bandSeries', () => {
  it('draws an arm of several runs as a band (max, min) under its mean line', () => {
    const arm = {
      key: 'finetune', label: 'Fine-tune', color: '#123456',
      runs: [
        { id: 'a', label: 'a', color: '', batchSize: 32, curves: { val_acc: pts([[10, 0.5], [20, 0.7]]) } },
        { id: 'b', label: 'b', color: '', batchSize: 32, curves: { val_acc: pts([[10, 0.7], [20, 0.9]]) } },
      ],
    };
    const s = bandSeries([arm], 'val_acc', 'epoch', 0);
    expect(s.map((x) => [x.label, x.band])).toEqual([['Fine-tune (max)', 'hi'], ['Fine-tune (min)', 'lo'], ['Fine-tune', undefined]]);
    expect(s[2]!.x).toEqual([1, 2]);
    expect(s[2]!.y.map((v) => +v.toFixed(6))).toEqual([0.6, 0.8]);
    expect(s[0]!.y).toEqual([0.7, 0.9]);
    // One run has no band, only its line.
    expect(bandSeries([{ ...arm, runs: arm.runs.slice(0, 1) }], 'val_acc', 'step', 0).map((x) => x.band)).toEqual([undefined]);
  });
});

describe('nearestValue', () => {
  it('reads the nearest point of a line at the hovered index, skipping gaps', () => {
    expect(nearestValue([null, 1, null, null, 5], 2)).toBe(1);
    expect(nearestValue([null, null, null, 4], 0)).toBe(4);
    expect(nearestValue([null, null], 1)).toBeNull();
  });
});

describe('logTicks', () => {
  it('labels a narrow loss range finely and a wide one by 1-2-5', () => {
    expect(logTicks(1.1, 1.7)).toEqual([1.2, 1.4, 1.6]);
    expect(logTicks(0.04, 3)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2]);
    expect(logTicks(0.001, 100)).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
    expect(logTicks(0, 1)).toEqual([]);
  });
});
