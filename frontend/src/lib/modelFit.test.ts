import { describe, expect, it } from 'vitest';
import { fitsInput, groupModels } from './modelFit';
import type { Dataset, Model } from './types';

const m = (id: string, source: string, c = 1, h = 28, w = 28) => ({ id, name: id, arch: 'cnn', source, source_dataset: '', test_accuracy: null, card: null, layers: [], owner_id: '', shared: false, batch_norm: false, input_sizes: [], classes: [], input: { channels: c, height: h, width: w } }) satisfies Model;
const digits = { id: 'd', name: 'digits', channels: 1, height: 28, width: 28 } as Dataset;

describe('groupModels', () => {
  it('puts the zoo apart from models trained here, the fitting ones first', () => {
    const models = [m('rgb', 'zoo', 3, 32, 32), m('mine', 'run'), m('cnn', 'zoo')];
    const groups = groupModels(models, digits);
    expect(groups.map((g) => [g.key, g.models.map((x) => x.id)])).toEqual([
      ['zoo', ['cnn', 'rgb']],
      ['here', ['mine']],
    ]);
    expect(groupModels([m('cnn', 'zoo')], digits).map((g) => g.key)).toEqual(['zoo']);
  });

  it('says a model fits only when channels and size match, and does not guess without the dataset', () => {
    expect(fitsInput(digits, m('a', 'zoo'))).toBe(true);
    expect(fitsInput(digits, m('a', 'zoo', 3))).toBe(false);
    expect(fitsInput(digits, m('a', 'zoo', 1, 32, 32))).toBe(false);
    expect(fitsInput(undefined, m('a', 'zoo'))).toBeUndefined();
  });
});

describe('groupModels for colour images', () => {
  const photos = { id: 'p', name: 'photos', channels: 3, height: 64, width: 64 } as Dataset;
  it('puts the models made for colour first, the digit models after', async () => {
    const { fitsColour } = await import('./modelFit');
    const models = [m('cnn', 'zoo'), m('imagenet', 'zoo', 3, 160, 160), m('mlp', 'zoo')];
    expect(groupModels(models, photos)[0]!.models.map((x) => x.id)).toEqual(['imagenet', 'cnn', 'mlp']);
    expect(fitsColour(photos, models[0]!)).toBe(false);
    expect(fitsColour(photos, models[1]!)).toBe(true);
    expect(fitsColour(digits, models[1]!)).toBeUndefined();
  });
});
