import { describe, expect, it } from 'vitest';
import { epochEstimates, seconds } from './epochTime';
import type { Dataset } from './types';

const photos = { id: 'p', name: 'photos', channels: 3, height: 160, width: 160, splits: { train: 200, val: 50, test: 50 } } as Dataset;

describe('epochEstimates', () => {
  it('turns measured speeds into the seconds of one epoch and of the features', () => {
    const [e] = epochEstimates([{ size: 96, inference_per_sec: 250, train_per_sec: 40, seconds: 1, cached: false }], photos);
    expect(e).toEqual({ size: 96, featuresOnce: 1, fullEpoch: 5 });
  });
  it('gives nothing while the splits are unknown', () => {
    expect(epochEstimates([{ size: 96, inference_per_sec: 1, train_per_sec: 1, seconds: 1, cached: false }], undefined)).toEqual([]);
  });
  it('reads seconds shortly', () => {
    expect([seconds(0.84), seconds(12.4), seconds(204)]).toEqual(['0.8 s', '12 s', '3.4 min']);
  });
});
