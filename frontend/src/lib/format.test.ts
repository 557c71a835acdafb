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
  it('formats durations and the time left from the last step', () => {
    expect([5, 75, 4000].map(duration)).toEqual(['5 s', '1 min 15 s', '1 h 6 min']);
    const run = { status: 'running', total_steps: 100 } as Run;
    expect(etaSeconds(run, { train_loss: [{ step: 25, epoch: 1, value: 1, wall_time: 10 }] })).toBe(30);
    expect(etaSeconds({ ...run, status: 'succeeded' }, {})).toBeNull();
  });
});
