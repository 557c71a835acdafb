// The parametric layers of each architecture, bottom first (as backend/nn/arch.go builds
// them), for the picture of which layers a strategy freezes. The API does not list them.

export interface LayerInfo {
  name: string;
  kind: 'conv' | 'dense';
  out?: number;
}

const known: Record<string, LayerInfo[]> = {
  mlp: [
    { name: 'fc1', kind: 'dense', out: 256 },
    { name: 'fc2', kind: 'dense', out: 128 },
    { name: 'head', kind: 'dense' },
  ],
  cnn: [
    { name: 'conv1', kind: 'conv', out: 16 },
    { name: 'conv2', kind: 'conv', out: 32 },
    { name: 'fc1', kind: 'dense', out: 128 },
    { name: 'head', kind: 'dense' },
  ],
  'cnn-deep': [
    { name: 'conv1', kind: 'conv', out: 16 },
    { name: 'conv2', kind: 'conv', out: 16 },
    { name: 'conv3', kind: 'conv', out: 32 },
    { name: 'conv4', kind: 'conv', out: 32 },
    { name: 'fc1', kind: 'dense', out: 128 },
    { name: 'head', kind: 'dense' },
  ],
};

/** The layers of arch, or a generic encoder + head when the arch is unknown here. */
export function layersOf(arch: string): LayerInfo[] {
  return known[arch] ?? [
    { name: 'encoder', kind: 'dense' },
    { name: 'head', kind: 'dense' },
  ];
}
