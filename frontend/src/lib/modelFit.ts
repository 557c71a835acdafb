// Whether a model takes a dataset's images as they are, and the wizard's grouping of
// models: the zoo (pretrained to start from) apart from models trained here.
import type { Dataset, Model } from './types';

/** True when the model's input matches the dataset's images exactly; undefined while unknown. */
export function fitsInput(d: Dataset | undefined, m: Model): boolean | undefined {
  if (!d || !d.channels) return undefined;
  return d.channels === m.input.channels && d.height === m.input.height && d.width === m.input.width;
}

export interface ModelGroup {
  key: 'zoo' | 'here';
  title: string;
  models: Model[];
}

/** Zoo models first, then models trained here; within each, those that fit the images first. */
export function groupModels(models: Model[], d: Dataset | undefined): ModelGroup[] {
  const order = (ms: Model[]) => [...ms].sort((a, b) => Number(fitsInput(d, b) ?? 0) - Number(fitsInput(d, a) ?? 0));
  const groups: ModelGroup[] = [
    { key: 'zoo', title: 'Model zoo: pretrained on large source datasets', models: order(models.filter((m) => m.source === 'zoo')) },
    { key: 'here', title: 'Trained here: models your runs produced', models: order(models.filter((m) => m.source !== 'zoo')) },
  ];
  return groups.filter((g) => g.models.length > 0);
}
