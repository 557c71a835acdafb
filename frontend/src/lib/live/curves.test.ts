import { describe, expect, it } from 'vitest';
import type { Point, Run } from '../types';
import { applyMetric, ema, liveSpeedups, speedupOf, upsertPoint, xValues } from './curves';

const pt = (step: number, value: number, wall_time = step / 10): Point => ({ step, epoch: step / 10, value, wall_time });

describe('upsertPoint', () => {
  it('keeps points in step order whatever order they arrive in', () => {
    const pts: Point[] = [];
    for (const s of [3, 1, 5, 2, 4]) upsertPoint(pts, pt(s, s));
    expect(pts.map((p) => p.step)).toEqual([1, 2, 3, 4, 5]);
  });

  it('applies the same step twice as one point, the later value winning', () => {
    const pts: Point[] = [];
    expect(upsertPoint(pts, pt(1, 0.5))).toBe(true);
    expect(upsertPoint(pts, pt(1, 0.5))).toBe(false);
    expect(upsertPoint(pts, pt(1, 0.4))).toBe(true);
    expect(pts).toEqual([pt(1, 0.4)]);
  });
});

describe('applyMetric', () => {
  it('splits an event into one point per metric and ignores non-numbers', () => {
    const curves = {};
    const d = { step: 4, epoch: 0.5, wall_time: 1.2, values: { train_loss: 1.5, train_acc: 0.4, bogus: NaN } };
    expect(applyMetric(curves, d)).toBe(true);
    expect(applyMetric(curves, d)).toBe(false);
    expect(curves).toEqual({
      train_loss: [{ step: 4, epoch: 0.5, value: 1.5, wall_time: 1.2 }],
      train_acc: [{ step: 4, epoch: 0.5, value: 0.4, wall_time: 1.2 }],
    });
  });
});

describe('ema', () => {
  it('is the identity at weight 0', () => {
    expect(ema([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });

  it('debiases so the first value is kept and a constant stays constant', () => {
    expect(ema([3, 3, 3], 0.9).map((v) => +v.toFixed(9))).toEqual([3, 3, 3]);
    const s = ema([0, 10], 0.5);
    expect(s[0]).toBe(0);
    // (0.5*(0.5*0+0.5*0)... ) last = 0.25*0+... : 0.5*0.5*0 + 0.5*10 = 5 -> /(1-0.25) = 6.667
    expect(s[1]).toBeCloseTo(6.6667, 3);
  });

  it('smooths a noisy series towards its mean', () => {
    const raw = Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : 0));
    const s = ema(raw, 0.95);
    expect(Math.abs(s.at(-1)! - 0.5)).toBeLessThan(0.05);
  });
});

describe('xValues', () => {
  const pts = [pt(2, 1), pt(4, 1)];
  it('maps steps, epochs and wall time', () => {
    expect(xValues(pts, 'step')).toEqual([2, 4]);
    expect(xValues(pts, 'epoch')).toEqual([0.2, 0.4]);
    expect(xValues(pts, 'wall')).toEqual([0.2, 0.4]);
  });
  it('reads examples seen from the run curve, else step x batch size', () => {
    expect(xValues(pts, 'examples', { examples_seen: [pt(2, 64)] }, 32)).toEqual([64, 128]);
  });
});

describe('speedup', () => {
  const scratch = [pt(10, 0.3, 1), pt(20, 0.5, 2), pt(30, 0.7, 3), pt(40, 0.6, 4)];
  const fine = [pt(10, 0.72, 1.5), pt(20, 0.8, 3), pt(30, 0.85, 4.5), pt(40, 0.9, 6)];

  it("counts steps for the fine-tuned arm to reach scratch's best", () => {
    const s = speedupOf('f', fine, 's', scratch)!;
    expect(s.target).toBe(0.7);
    expect(s.baselineSteps).toBe(30);
    expect(s.steps).toBe(10);
    expect(s.stepsRatio).toBe(3);
    expect(s.secondsRatio).toBe(2);
    expect(s.accGap).toBeCloseTo(0.3);
    expect(s.reached).toBe(true);
  });

  it('says not reached when the run never gets there', () => {
    const s = speedupOf('f', [pt(10, 0.1)], 's', scratch)!;
    expect(s.reached).toBe(false);
    expect(s.stepsRatio).toBeNull();
    expect(s.accGap).toBeCloseTo(-0.5);
  });

  it('uses a set target, and nothing without a baseline curve', () => {
    expect(speedupOf('f', fine, 's', scratch, 0.5)!.baselineSteps).toBe(20);
    expect(speedupOf('f', fine, 's', [])).toBeNull();
  });

  it('compares every arm to the scratch run', () => {
    const run = (id: string, strategy: string) => ({ id, strategy }) as Run;
    const out = liveSpeedups([run('f', 'finetune'), run('s', 'scratch'), run('z', 'freeze:2')], {
      f: { val_acc: fine },
      s: { val_acc: scratch },
    });
    expect(out.map((s) => [s.runId, s.stepsRatio])).toEqual([
      ['f', 3],
      ['z', null],
    ]);
  });
});
