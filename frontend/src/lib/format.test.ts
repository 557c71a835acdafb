import { describe, expect, it } from 'vitest';
import { duration, etaSeconds, headline, strategyLabel } from './format';
import type { Run } from './types';

describe('headline', () => {
  it('reads like the issue asks', () => {
    expect(headline(3.4, 0.121, true)).toBe("fine-tuned reached scratch's best 3.4× faster, +12.1 points accuracy");
    expect(headline(0.5, -0.02, true)).toBe("fine-tuned reached scratch's best 2.0× slower, −2.0 points accuracy");
    expect(headline(null, -0.1, false)).toBe("fine-tuned has not reached scratch's best yet (−10.0 points accuracy)");
  });
});

describe('labels and times', () => {
  it('names strategies', () => {
    expect(['finetune', 'scratch', 'linear-probe', 'freeze:2'].map(strategyLabel)).toEqual([
      'Fine-tune',
      'From scratch',
      'Linear probe',
      'Freeze bottom 2',
    ]);
  });
  it('formats durations', () => {
    expect([5, 75, 4000].map(duration)).toEqual(['5 s', '1 min 15 s', '1 h 6 min']);
  });
});

describe('time left', () => {
  // Two arms take turns one step at a time and pause for evaluations: 60 s after the
  // experiment started, each has trained 25 of 100 steps, though each one's own
  // training clock (wall_time) says only 10 s. The rest takes 3x as long again: 180 s.
  const started = Date.parse('2026-11-27T10:00:00Z');
  const now = started + 60_000;
  const arm = (id: string, steps = 25, over: Partial<Run> = {}) =>
    ({ id, status: 'running', steps, total_steps: 100, started_at: new Date(started).toISOString(), ...over }) as Run;
  const point = (step: number) => ({ train_loss: [{ step, epoch: 1, value: 1, wall_time: 10 }] });

  it("goes by the experiment's own elapsed time per step, not one arm's training clock", () => {
    const runs = [arm('a', 20), arm('b', 20)];
    expect(etaSeconds(runs[0]!, runs, { a: point(25), b: point(25) }, now)).toBe(180);
  });

  it('counts only the turns of arms that are still going', () => {
    const runs = [arm('a'), arm('b', 95, { total_steps: 100 })];
    // b ends after 5 more turns; a then goes alone: 75 + 5 steps at 60/120 s each.
    expect(etaSeconds(runs[0]!, runs, {}, now)).toBe(40);
    expect(etaSeconds(runs[1]!, runs, {}, now)).toBe(5);
  });

  it('is unknown for a run that is not training or has no steps yet', () => {
    const runs = [arm('a', 0), arm('b', 0)];
    expect(etaSeconds(runs[0]!, runs, {}, now)).toBeNull();
    expect(etaSeconds({ ...runs[0]!, status: 'succeeded' }, runs, {}, now)).toBeNull();
  });
});
