// The new-experiment wizard's choices, the check of each step, and the request they make.
import { layersOf } from './architectures';
import { armsProblem, armStrategies, type ArmChoices } from './arms';
import type { ExperimentRequest } from './resources';
import type { Dataset, Hyper, Model, Setting, SpecView } from './types';

export type { Strategy } from './arms';

/** Every training setting; its limits and defaults come from the server's rules. */
export type HyperChoices = Hyper;

export interface WizardChoices extends ArmChoices {
  name: string;
  datasetId: string;
  baseModelId: string;
  hyper: HyperChoices;
}

/** The server's defaults for every setting (GET /api/experiments/spec). */
export const defaultHyper = (spec: Pick<SpecView, 'defaults'>): HyperChoices => ({ ...spec.defaults });

export const defaultChoices = (spec: Pick<SpecView, 'defaults'>, datasetId = ''): WizardChoices => ({
  name: '',
  datasetId,
  baseModelId: '',
  strategies: ['finetune'],
  freezeKs: [1],
  scratch: true,
  hyper: defaultHyper(spec),
});

export const steps = ['Dataset', 'Base model', 'Strategy', 'Hyperparameters', 'Review'] as const;

const num = (v: number) => String(v);

/** What a setting accepts, in the server's words (experiment.Setting.want). */
export function settingWants(s: Setting): string {
  if (s.kind === 'bool') return 'true or false';
  if (s.kind === 'choice') return 'one of ' + (s.options ?? []).map((o) => JSON.stringify(o)).join(', ');
  const what = s.kind === 'int' ? 'a whole number' : 'a number';
  const has = (v: number | null | undefined): v is number => v !== undefined && v !== null;
  const lo = has(s.min) ? (s.min_exclusive ? 'above ' : 'at least ') + num(s.min) : '';
  let hi = has(s.max) ? (s.max_exclusive ? 'below ' : 'at most ') + num(s.max) : '';
  if (s.max_setting) hi = 'at most ' + s.max_setting;
  if (s.kind === 'int' && has(s.min) && has(s.max) && !s.max_setting) return `${what} from ${num(s.min)} to ${num(s.max)}`;
  if (lo && hi) return `${what} ${lo} and ${hi}`;
  return [what, lo || hi].filter(Boolean).join(' ');
}

/** Whether one value passes its setting's limits, as the server checks them. */
export function settingOK(s: Setting, v: unknown, h: HyperChoices): boolean {
  if (s.kind === 'bool') return typeof v === 'boolean';
  if (s.kind === 'choice') return typeof v === 'string' && (s.options ?? []).includes(v);
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (s.kind === 'int' && !Number.isInteger(v)) return false;
  if (s.min !== undefined && s.min !== null && (v < s.min || (s.min_exclusive && v === s.min))) return false;
  if (s.max !== undefined && s.max !== null && (v > s.max || (s.max_exclusive && v === s.max))) return false;
  if (s.max_setting) {
    const cap = h[s.max_setting as keyof HyperChoices];
    if (typeof cap === 'number' && v > cap) return false;
  }
  return true;
}

/** Everything wrong with the hyperparameters, one sentence each, by the server's table. */
export function hyperProblems(h: HyperChoices, settings: Setting[]): string[] {
  return settings
    .filter((s) => !settingOK(s, h[s.name as keyof HyperChoices], h))
    .map((s) => `${s.label} must be ${settingWants(s)}.`);
}

/** Whether a setting matters under the others' values (step_epochs only for the step schedule). */
export const settingApplies = (s: Setting, h: HyperChoices) =>
  !s.when || String(h[s.when.setting as keyof HyperChoices]) === s.when.value;

/**
 * Whether the hyperparameter step shows a setting for the chosen model: batch-norm
 * re-estimation only for a model with batch norm; the input size is picked beside
 * the model instead (it needs the measured times).
 */
export function settingForModel(s: Setting, m: Model | undefined): boolean {
  if (s.name === 'input_size') return false;
  if (s.name === 'bn_reestimate') return !!m?.batch_norm;
  return true;
}

/** The server's rules a step is checked by (GET /api/experiments/spec). */
export type StepRules = Pick<SpecView, 'settings' | 'max_arms'>;

/** What keeps the user on step i, or null when they may go on. */
export function stepProblem(i: number, c: WizardChoices, datasets: Dataset[], models: Model[], rules: StepRules): string | null {
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
      return armsProblem(c, layersOf(models.find((m) => m.id === c.baseModelId)).length, rules.max_arms);
    case 3: {
      const p = hyperProblems(c.hyper, rules.settings);
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
    hyper: { ...c.hyper },
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
