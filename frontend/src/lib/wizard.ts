// The new-experiment wizard's choices, the check of each step, and the request they make.
import { layersOf } from './architectures';
import { armsProblem, armStrategies, type ArmChoices } from './arms';
import type { ExperimentRequest } from './resources';
import type { Dataset, Hyper, Model } from './types';

export type { Strategy } from './arms';

export interface HyperChoices {
  epochs: number;
  batch_size: number;
  optimizer: 'sgd' | 'adam';
  lr: number;
  momentum: number;
  weight_decay: number;
  schedule: 'constant' | 'step' | 'cosine';
  warmup_epochs: number;
  seed: number;
  head_lr_mult: number;
  aug_shift: number;
  aug_flip: boolean;
  early_stop: number;
  target_acc: number;
}

export interface WizardChoices extends ArmChoices {
  name: string;
  datasetId: string;
  baseModelId: string;
  hyper: HyperChoices;
}

/** The standard transfer task's schedule: lr 0.01, 10 epochs, batch 32, SGD momentum 0.9. */
export const defaultHyper = (): HyperChoices => ({
  epochs: 10,
  batch_size: 32,
  optimizer: 'sgd',
  lr: 0.01,
  momentum: 0.9,
  weight_decay: 0,
  schedule: 'constant',
  warmup_epochs: 0,
  seed: 1,
  head_lr_mult: 1,
  aug_shift: 0,
  aug_flip: false,
  early_stop: 0,
  target_acc: 0,
});

export const defaultChoices = (datasetId = ''): WizardChoices => ({
  name: '',
  datasetId,
  baseModelId: '',
  strategies: ['finetune'],
  freezeKs: [1],
  scratch: true,
  hyper: defaultHyper(),
});

export const steps = ['Dataset', 'Base model', 'Strategy', 'Hyperparameters', 'Review'] as const;

/** Everything wrong with the hyperparameters, one sentence each. */
export function hyperProblems(h: HyperChoices): string[] {
  const out: string[] = [];
  const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!whole(h.epochs, 1, 500)) out.push('Epochs must be a whole number from 1 to 500.');
  if (!whole(h.batch_size, 1, 1024)) out.push('Batch size must be a whole number from 1 to 1024.');
  if (!(h.lr > 0 && h.lr <= 10)) out.push('Learning rate must be above 0 and at most 10.');
  if (!(h.momentum >= 0 && h.momentum < 1)) out.push('Momentum must be at least 0 and below 1.');
  if (!(h.weight_decay >= 0 && h.weight_decay <= 1)) out.push('Weight decay must be between 0 and 1.');
  if (!(h.warmup_epochs >= 0 && h.warmup_epochs <= h.epochs)) out.push('Warm-up must be between 0 and the number of epochs.');
  if (!Number.isInteger(h.seed)) out.push('Seed must be a whole number.');
  if (!(h.head_lr_mult >= 0 && h.head_lr_mult <= 1000)) out.push('Head learning-rate multiplier must be between 0 and 1000.');
  if (!whole(h.aug_shift, 0, 8)) out.push('Random shift must be 0 to 8 pixels.');
  if (!whole(h.early_stop, 0, 500)) out.push('Early stop must be 0 (off) or a number of epochs.');
  if (!(h.target_acc >= 0 && h.target_acc <= 1)) out.push('Target accuracy must be between 0 and 1 (0: scratch’s best).');
  return out;
}

/** What keeps the user on step i, or null when they may go on. */
export function stepProblem(i: number, c: WizardChoices, datasets: Dataset[], models: Model[]): string | null {
  switch (i) {
    case 0:
      if (!c.datasetId) return 'Pick a dataset, or upload one.';
      if (!datasets.some((d) => d.id === c.datasetId)) return 'That dataset is no longer listed: pick another.';
      return null;
    case 1:
      if (!c.baseModelId) return 'Pick a base model to fine-tune from.';
      if (!models.some((m) => m.id === c.baseModelId)) return 'That model is no longer listed: pick another.';
      return null;
    case 2:
      return armsProblem(c, layersOf(models.find((m) => m.id === c.baseModelId)).length);
    case 3: {
      const p = hyperProblems(c.hyper);
      return p.length ? p[0]! : null;
    }
    default:
      return null;
  }
}

/** The POST /api/experiments body: every ticked strategy against one shared scratch baseline. */
export function experimentRequest(c: WizardChoices): ExperimentRequest {
  const arms = armStrategies(c).map((strategy) => ({ strategy }));
  return {
    name: c.name.trim() || undefined,
    dataset_id: c.datasetId,
    base_model_id: c.baseModelId,
    arms,
    hyper: { ...c.hyper } as Hyper,
  };
}

/** What happens to the dataset's images on the way into the model, when they differ. */
export function inputNotes(d: Dataset | undefined, m: Model | undefined): string[] {
  if (!d || !m || !d.channels) return [];
  const notes: string[] = [];
  if (d.height !== m.input.height || d.width !== m.input.width)
    notes.push(`Images are ${d.height}×${d.width}; the model takes ${m.input.height}×${m.input.width}, so they are resized.`);
  if (d.channels === 1 && m.input.channels === 3) notes.push('Images are grey; the grey channel is repeated over RGB.');
  if (d.channels === 3 && m.input.channels === 1) notes.push('Images are in colour; the model takes grey, so they are averaged to grey.');
  return notes;
}
