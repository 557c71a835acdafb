import { describe, expect, it } from 'vitest';
import type { SweepView } from './api-types';
import { cellXs, defaultValues, parseValues, sweepRequest, sweepSeries, tickLabel } from './sweeps';
import { defaultChoices } from './wizard';
import type { Hyper } from './types';

describe('sweeps', () => {
  it('reads typed values as numbers and words', () => {
    expect(parseValues('1, 2,5  10, all')).toEqual([1, 2, 5, 10, 'all']);
    expect(parseValues('0.001, 1e-2, linear-probe')).toEqual([0.001, 0.01, 'linear-probe']);
    expect(parseValues(' ')).toEqual([]);
  });

  it('suggests five labels-per-class values', () => {
    expect(parseValues(defaultValues('labels_per_class', [], undefined, ''))).toEqual([2, 5, 10, 20, 50]);
  });

  it('sends the experiment spec without the settings the sweep sets per cell', () => {
    const c = defaultChoices({ defaults: { lr: 0.01, epochs: 10, replicates: 3, labels_per_class: 0 } as Hyper }, 'ds');
    c.baseModelId = 'cnn-mnist04';
    const r = sweepRequest(c, 'labels_per_class', [2, 5], ['finetune', 'scratch']);
    expect(r.replicates).toBe(3);
    expect(r.hyper).toEqual({ lr: 0.01, epochs: 10 });
    expect(r.base_model_id).toBe('cnn-mnist04');
    const lr = sweepRequest(c, 'lr', [0.01], ['finetune', 'scratch']);
    expect(lr.hyper).toEqual({ epochs: 10, labels_per_class: 0 });
    expect(sweepRequest(c, 'base_model', ['a'], ['finetune']).base_model_id).toBeUndefined();
    expect(sweepRequest(c, 'freeze_depth', [0], ['finetune', 'scratch']).strategies).toEqual(['scratch']);
  });

  it('places "all" past the largest count and draws a band per line', () => {
    const band = (v: number | null, lo: number | null = v, hi: number | null = v) => ({ value: v, lo, hi, n: 3 });
    const line = (l: string, acc: number | null) => ({
      line: l, strategy: l, test_acc: band(acc, acc === null ? null : acc - 0.05, acc === null ? null : acc + 0.05),
      steps_to_target: band(null), reached: 0, seconds_per_epoch: band(null), done: 3, runs: 3,
    });
    const v = {
      axis: 'labels_per_class',
      spec: { axis: 'labels_per_class', values: ['5', '50', 'all'], labels: [], strategies: [], replicates: 3 },
      lines: ['finetune', 'scratch'],
      cell_views: [
        { lines: [line('finetune', 0.8), line('scratch', 0.5)] },
        { lines: [line('finetune', 0.9), line('scratch', null)] },
        { lines: [] },
      ],
    } as unknown as SweepView;
    expect(cellXs(v)).toEqual([5, 50, 100]);
    expect(tickLabel(v, 100)).toBe('all');
    const s = sweepSeries(v, 'test_acc');
    const ft = s.find((x) => x.label === 'Fine-tune' && !x.band);
    expect(ft?.x).toEqual([5, 50]);
    expect(ft?.y).toEqual([0.8, 0.9]);
    const hi = s.find((x) => x.band === 'hi' && x.group === 'scratch');
    expect(hi?.y).toEqual([0.55]);
  });
});
