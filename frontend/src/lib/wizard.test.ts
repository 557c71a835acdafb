import { describe, expect, it } from 'vitest';
import specJSON from './api-spec.json';
import type { Dataset, Model, Setting, SpecView } from './types';
import { defaultChoices, experimentRequest, hyperProblems, inputNotes, settingForModel, settingWants, stepProblem } from './wizard';

// The server's rules as GET /api/experiments/spec serves them (generated from Go; a Go
// test fails when this copy is stale).
const spec = specJSON as SpecView;
const setting = (name: string) => spec.settings.find((s) => s.name === name)!;

const ds = (over: Partial<Dataset> = {}) => ({ id: 'd1', name: 'shapes', channels: 3, height: 32, width: 32, ...over }) as Dataset;
const model = (over: Partial<Model> = {}) =>
  ({ id: 'cnn-mnist04', name: 'cnn', arch: 'cnn', input: { channels: 1, height: 28, width: 28 }, classes: [], source: 'zoo',
    layers: [{ name: 'conv1', kind: 'conv' }, { name: 'conv2', kind: 'conv' }, { name: 'fc1', kind: 'dense' }, { name: 'head', kind: 'dense' }],
    ...over }) as Model;

describe('stepProblem', () => {
  it('asks for a dataset, then a model, before going on', () => {
    const c = defaultChoices(spec);
    expect(stepProblem(0, c, [ds()], [model()], spec)).toMatch(/Pick a dataset/);
    c.datasetId = 'd1';
    expect(stepProblem(0, c, [ds()], [model()], spec)).toBeNull();
    expect(stepProblem(1, c, [ds()], [model()], spec)).toMatch(/Pick a base model/);
    c.baseModelId = 'cnn-mnist04';
    expect(stepProblem(1, c, [ds()], [model()], spec)).toBeNull();
  });

  it('keeps every freeze depth below the number of layers (the head always trains)', () => {
    const c = { ...defaultChoices(spec, 'd1'), baseModelId: 'cnn-mnist04', strategies: ['freeze' as const], freezeKs: [1, 4] };
    expect(stepProblem(2, c, [ds()], [model()], spec)).toMatch(/between 1 and 3/);
    c.freezeKs = [1, 3];
    expect(stepProblem(2, c, [ds()], [model()], spec)).toBeNull();
  });

  it('names the first bad hyperparameter', () => {
    const c = defaultChoices(spec, 'd1');
    expect(hyperProblems(c.hyper, spec.settings)).toEqual([]);
    c.hyper.epochs = 0;
    c.hyper.lr = -1;
    expect(stepProblem(3, c, [], [], spec)).toBe('Epochs must be a whole number from 1 to 500.');
    expect(hyperProblems(c.hyper, spec.settings)).toHaveLength(2);
  });

  it('checks by the server\'s table: exclusive ends, another setting as a limit, options', () => {
    const c = defaultChoices(spec, 'd1');
    c.hyper.head_lr_mult = 0;
    c.hyper.warmup_epochs = c.hyper.epochs + 1;
    c.hyper.optimizer = 'lion';
    expect(hyperProblems(c.hyper, spec.settings)).toEqual([
      'Optimizer must be one of "sgd", "adam".',
      'Warm-up must be a number at least 0 and at most epochs.',
      'Head learning-rate multiplier must be a number above 0 and at most 1000.',
    ]);
    c.hyper = { ...spec.defaults, schedule: 'step' };
    expect(hyperProblems(c.hyper, spec.settings)).toEqual([]);
  });

  it('says what a setting wants in the server\'s words', () => {
    expect(settingWants(setting('lr'))).toBe('a number above 0 and at most 10');
    expect(settingWants(setting('momentum'))).toBe('a number at least 0 and below 1');
    expect(settingWants(setting('batch_size'))).toBe('a whole number from 1 to 1024');
  });
});

describe('experimentRequest', () => {
  it('builds the arms with the scratch baseline on by default and the defaults of the standard task', () => {
    const c = { ...defaultChoices(spec, 'd1'), baseModelId: 'm' };
    const req = experimentRequest(c);
    expect(req.arms).toEqual([{ strategy: 'finetune' }, { strategy: 'scratch' }]);
    expect(req.hyper).toMatchObject({ lr: 0.01, epochs: 10, batch_size: 32, optimizer: 'sgd', momentum: 0.9 });
    expect(req.name).toBeUndefined();
  });

  it('writes one arm per ticked strategy and freeze depth, scratch last, and leaves scratch out when unticked', () => {
    const c = { ...defaultChoices(spec, 'd1'), baseModelId: 'm', strategies: ['linear-probe' as const, 'freeze' as const, 'finetune' as const], freezeKs: [3, 1] };
    expect(experimentRequest(c).arms?.map((a) => a.strategy)).toEqual(['finetune', 'freeze:1', 'freeze:3', 'linear-probe', 'scratch']);
    const alone = { ...c, strategies: ['freeze' as const], freezeKs: [2], scratch: false, name: ' mine ' };
    expect(experimentRequest(alone)).toMatchObject({ name: 'mine', arms: [{ strategy: 'freeze:2' }] });
  });
});

describe('inputNotes', () => {
  it('says when images are resized and colour is averaged or grey repeated', () => {
    expect(inputNotes(ds(), model())).toEqual([
      'Images are 32×32; the model takes 28×28, so they are resized.',
      'Images are in colour; the model takes grey, so they are averaged to grey.',
    ]);
    expect(inputNotes(ds({ channels: 1, height: 28, width: 28 }), model({ input: { channels: 3, height: 28, width: 28 } }))).toEqual([
      'Images are grey; the grey channel is repeated over RGB.',
    ]);
    expect(inputNotes(ds({ channels: 1, height: 28, width: 28 }), model())).toEqual([]);
  });
});

describe('settingForModel', () => {
  const s = (name: string) => ({ name }) as Setting;
  const cnn = { id: 'cnn', batch_norm: false, input_sizes: [] } as unknown as Model;
  const imagenet = { id: 'mobilenet', batch_norm: true, input_sizes: [96, 160] } as unknown as Model;
  it('shows batch-norm re-estimation only for a model with batch norm', () => {
    expect(settingForModel(s('bn_reestimate'), cnn)).toBe(false);
    expect(settingForModel(s('bn_reestimate'), imagenet)).toBe(true);
    expect(settingForModel(s('bn_reestimate'), undefined)).toBe(false);
  });
  it('leaves the input size to the model step and every other setting shown', () => {
    expect(settingForModel(s('input_size'), imagenet)).toBe(false);
    expect(settingForModel(s('lr'), cnn)).toBe(true);
  });
});
