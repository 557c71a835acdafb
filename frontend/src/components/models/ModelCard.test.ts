import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Model } from '../../lib/types';
import ModelCard from './ModelCard.svelte';

let component: ReturnType<typeof mount> | undefined;

afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

function model(over: Partial<Model>, card: Partial<NonNullable<Model['card']>>): Model {
  const base: Model = {
    id: 'm', name: 'm', arch: 'cnn', input: { channels: 1, height: 28, width: 28 }, classes: ['0', '1'],
    source: 'zoo', source_dataset: 'mnist:0-4', test_accuracy: 0.99, card: null, layers: [], owner_id: '',
    shared: true, batch_norm: false, input_sizes: [28],
  };
  const c = {
    id: 'm', name: 'm', architecture: 'cnn', input: base.input, classes: base.classes, source_dataset: 'mnist:0-4',
    epochs: 1, seed: 1, optimizer: { name: 'sgd', lr: 0.05 }, test_accuracy: 0.99, test_images: 5139, parameters: 10,
    command: '', format: '', ...card,
  };
  return { ...base, ...over, card: c };
}

const field = (name: string) => {
  const dt = [...document.querySelectorAll('dt')].find((d) => d.textContent === name);
  return dt?.nextElementSibling?.textContent?.trim() ?? '';
};

describe('ModelCard', () => {
  it('shows a trained classifier by its classes, training and test accuracy', () => {
    component = mount(ModelCard, { target: document.body, props: { model: model({}, {}) } });
    flushSync();
    expect(field('Classes')).toBe('2: 0, 1');
    expect(field('How trained')).toBe('1 epoch, SGD, lr 0.05, seed 1');
    expect(field('Test accuracy')).toBe('99.0% on 5,139 images');
  });

  it('shows an imported feature extractor as having no head, not as 0 classes at 0% accuracy', () => {
    const origin = { package: 'npm nsfwjs 4.4.0', license: 'MIT', files: [], upstream: '', cut: '', quantization: '', batch_norm: '', preprocessing: '' };
    const m = model({ classes: [], test_accuracy: 0, arch: 'mobilenetv2-b10' }, { classes: [], test_accuracy: 0, test_images: 0, epochs: 0, seed: 0, optimizer: null, origin });
    component = mount(ModelCard, { target: document.body, props: { model: m } });
    flushSync();
    expect(field('Classes')).toContain('none: a feature extractor');
    expect(field('How trained')).toBe('imported from npm nsfwjs 4.4.0 (MIT)');
    expect(field('Test accuracy')).toContain('no head to score');
    expect(document.body.textContent).not.toContain('0.0%');
  });
});
