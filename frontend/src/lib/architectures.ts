// A model's parametric layers, bottom first, as GET /api/models reports them: the
// picture of which layers a strategy freezes is drawn from these.
import type { Model } from './types';

export interface LayerInfo {
  name: string;
  kind: 'conv' | 'dense' | string;
  in?: number;
  out?: number;
  kernel?: number;
  pool?: boolean;
  params?: number;
  /** channels, height, width after the layer's activation and pooling */
  out_shape?: [number, number, number];
}

/** The layers of a model, or a generic encoder + head while the model is unknown. */
export function layersOf(model: Model | undefined): LayerInfo[] {
  if (model?.layers?.length) return model.layers;
  return [
    { name: 'encoder', kind: 'dense' },
    { name: 'head', kind: 'dense' },
  ];
}
