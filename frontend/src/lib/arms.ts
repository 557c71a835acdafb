// The arms an experiment races: the strategies a person ticked, each freeze depth its own
// arm, and the shared scratch baseline last. Also the name the server gives an unnamed
// experiment, so the wizard can show it before launch.
import { modelName } from './names';
import type { Dataset, Model } from './types';

export type Strategy = 'finetune' | 'freeze' | 'linear-probe' | 'gradual-unfreeze' | 'layerwise-lr';

/** The most arms one experiment may have (the server's limit). */
export const maxArms = 8;

export interface ArmChoices {
  strategies: Strategy[];
  /** The freeze depths chosen, each its own arm. */
  freezeKs: number[];
  scratch: boolean;
}

/** The strategy strings the API takes, in a stable order: fine-tune, freeze by depth, probe, scratch. */
export function armStrategies(c: ArmChoices): string[] {
  const out: string[] = [];
  if (c.strategies.includes('finetune')) out.push('finetune');
  if (c.strategies.includes('freeze')) for (const k of [...new Set(c.freezeKs)].sort((a, b) => a - b)) out.push(`freeze:${k}`);
  if (c.strategies.includes('linear-probe')) out.push('linear-probe');
  for (const s of ['gradual-unfreeze', 'layerwise-lr'] as const) if (c.strategies.includes(s)) out.push(s);
  if (c.scratch) out.push('scratch');
  return out;
}

/** What keeps the strategy step from going on, or null. `layers` counts the head. */
export function armsProblem(c: ArmChoices, layers: number): string | null {
  if (c.strategies.length === 0) return 'Tick at least one way to use the pretrained layers.';
  if (c.strategies.includes('freeze')) {
    const max = layers - 1;
    if (c.freezeKs.length === 0) return 'Choose how many bottom layers to freeze, or untick “Freeze the bottom layers”.';
    if (c.freezeKs.some((k) => !Number.isInteger(k) || k < 1 || k > max))
      return `Freeze between 1 and ${max} bottom layers: the head always trains.`;
  }
  const n = armStrategies(c).length;
  if (n < 2) return 'An experiment compares two or more arms: keep the scratch baseline or tick a second strategy.';
  if (n > maxArms) return `That makes ${n} arms; an experiment has at most ${maxArms}. Choose fewer freeze depths.`;
  return null;
}

const words = (s: string) =>
  s === 'finetune' ? 'fine-tune' : s === 'linear-probe' ? 'linear probe' : s.startsWith('freeze:') ? `freeze ${s.slice(7)}` : s;

/** The server's default name: "shapes: fine-tune, freeze 2 vs scratch · from cnn". */
export function defaultExperimentName(arms: string[], dataset: Dataset | undefined, model: Model | undefined): string {
  const tried = arms.filter((a) => a !== 'scratch').map(words);
  const what = tried.join(', ') + (arms.includes('scratch') ? ' vs scratch' : '');
  const data = dataset?.name ?? 'dataset';
  if (tried.length === 0) return `${data}: ${model?.arch ?? 'model'} from scratch`;
  return `${data}: ${what} · from ${model ? modelName(model) : 'model'}`;
}
