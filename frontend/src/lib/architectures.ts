// A model's parametric layers, bottom first, as GET /api/models reports them: the
// picture of which layers a strategy freezes is drawn from these.
import type { Layer } from './api-types';
import type { Model } from './types';

/** One layer; out_shape is channels, height, width after activation and pooling. */
export type LayerInfo = Partial<Layer> & Pick<Layer, 'name' | 'kind'>;

/** The layers of a model, or a generic encoder + head while the model is unknown. */
export function layersOf(model: Model | undefined): LayerInfo[] {
  if (model?.layers?.length) return model.layers;
  return [
    { name: 'encoder', kind: 'dense' },
    { name: 'head', kind: 'dense' },
  ];
}
