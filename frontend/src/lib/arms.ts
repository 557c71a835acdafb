// The arms an experiment races: the strategies a person ticked, each freeze depth its own
// arm, and the shared scratch baseline last. Also the name the server gives an unnamed
// experiment, so the wizard can show it before launch (its test replays the names the
// server gives, generated into api-names.json). The arm limit is the server's, from
// GET /api/experiments/spec.
import { modelName } from './names';
import type { Dataset, Model } from './types';

export type Strategy = 'finetune' | 'freeze' | 'linear-probe' | 'gradual-unfreeze' | 'layerwise-lr';

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

/** What keeps the strategy step from going on, or null. `layers` counts the head;
 * `maxArms` is the server's limit (the spec's max_arms). */
export function armsProblem(c: ArmChoices, layers: number, maxArms: number): string | null {
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

/** How the server's default name words each strategy. */
function words(s: string): string {
  if (s.startsWith('freeze:')) return `freeze ${s.slice(7)}`;
  const w: Record<string, string> = {
    finetune: 'fine-tune',
    'linear-probe': 'linear probe',
    'gradual-unfreeze': 'gradual unfreezing',
    'layerwise-lr': 'layer-wise rates',
  };
  return w[s] ?? s;
}

/** The server's default name: "shapes: fine-tune, freeze 2 vs scratch · from CNN digits 0-4". */
export function defaultExperimentName(
  arms: string[],
  dataset: Pick<Dataset, 'name'> | undefined,
  model: Pick<Model, 'name' | 'arch'> | undefined,
): string {
  const tried = [...new Set(arms.filter((a) => a !== 'scratch').map(words))];
  const what = tried.join(', ') + (arms.includes('scratch') ? ' vs scratch' : '');
  const data = dataset?.name ?? 'dataset';
  if (tried.length === 0) return `${data}: ${model?.arch ?? 'model'} from scratch`;
  return `${data}: ${what} · from ${model ? modelName(model) : 'model'}`;
}
