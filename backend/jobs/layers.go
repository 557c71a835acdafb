package jobs

import "transferlab/backend/nn"

// LayerInfo describes one parametric layer for people: what it is, its shapes and its
// weight count.
type LayerInfo struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	In       int    `json:"in"`
	Out      int    `json:"out"`
	Kernel   int    `json:"kernel,omitempty"`
	Pool     bool   `json:"pool,omitempty"`
	Params   int    `json:"params"`
	OutShape [3]int `json:"out_shape"` // channels, height, width after activation and pooling
}

// Layers lists arch's layers, bottom first, for an input and a number of classes.
func (r *Runner) Layers(arch string, channels, height, width, classes int) ([]LayerInfo, error) {
	ls, err := nn.Layers(arch, nn.Input{Channels: channels, Height: height, Width: width}, classes)
	if err != nil {
		return nil, err
	}
	out := make([]LayerInfo, len(ls))
	for i, l := range ls {
		weights := 1
		for _, d := range l.WeightShape() {
			weights *= d
		}
		o := l.OutShape()
		out[i] = LayerInfo{Name: l.Name, Kind: l.Kind.String(), In: l.In, Out: l.Out, Kernel: l.Kernel, Pool: l.Pool,
			Params: weights + l.Out, OutShape: [3]int{o.Channels, o.Height, o.Width}}
	}
	return out, nil
}
