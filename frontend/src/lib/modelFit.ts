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

/**
 * For a colour dataset, whether the model was made for colour input: a model of grey
 * digits would see the photos averaged to grey and shrunk to 28×28. Undefined for grey
 * datasets or while the dataset's shape is unknown.
 */
export function fitsColour(d: Dataset | undefined, m: Model): boolean | undefined {
  if (!d || d.channels !== 3) return undefined;
  return m.input.channels === 3;
}

/** How well a model suits the images: exact fit, then (for colour images) colour input. */
function suitability(d: Dataset | undefined, m: Model): number {
  return 2 * Number(fitsColour(d, m) ?? 0) + Number(fitsInput(d, m) ?? 0);
}

/**
 * Zoo models first, then models trained here; within each, for colour images the
 * models made for colour (the ImageNet MobileNetV2) first, then those that fit the
 * images exactly.
 */
export function groupModels(models: Model[], d: Dataset | undefined): ModelGroup[] {
  const order = (ms: Model[]) => [...ms].sort((a, b) => suitability(d, b) - suitability(d, a));
  const groups: ModelGroup[] = [
    { key: 'zoo', title: 'Model zoo: pretrained on large source datasets', models: order(models.filter((m) => m.source === 'zoo')) },
    { key: 'here', title: 'Trained here: models your runs produced', models: order(models.filter((m) => m.source !== 'zoo')) },
  ];
  return groups.filter((g) => g.models.length > 0);
}
