import { describe, expect, it } from 'vitest';
import { datasetName, modelName, runName } from './names';
import type { Dataset, Experiment } from './types';

describe('names', () => {
  const datasets = [{ id: 'ds_0123abcd', name: 'shapes' }] as Dataset[];
  it('shows a dataset by name, a zoo source as written, and never a raw dataset id', () => {
    expect(datasetName('ds_0123abcd', datasets)).toBe('shapes');
    expect(datasetName('mnist:0-4', datasets)).toBe('mnist:0-4');
    expect(datasetName('ds_ffff0000', datasets)).toBe('a deleted dataset');
    expect(datasetName('', datasets)).toBe('—');
  });
  it('names a run by its strategy and experiment', () => {
    const exps = [{ id: 'exp_1', name: 'shapes: fine-tune vs scratch', runs: [{ id: 'run_1', strategy: 'freeze:2' }] }] as Experiment[];
    expect(runName('run_1', exps)).toBe('Freeze bottom 2 run of shapes: fine-tune vs scratch');
    expect(runName('run_2', exps)).toBeUndefined();
  });
  it("leaves the run id out of a trained model's name", () => {
    expect(modelName({ name: 'shapes: fine-tune vs scratch · from cnn, finetune (run_0a1b2c3d4e5f6789)' })).toBe('shapes: fine-tune vs scratch · from cnn, finetune');
    expect(modelName({ name: 'cnn on MNIST digits 0-4' })).toBe('cnn on MNIST digits 0-4');
  });
});
