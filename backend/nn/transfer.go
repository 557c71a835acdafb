package nn

import (
	"fmt"
	"math/rand/v2"
)

// Transfer actions reported per layer.
const (
	Copied        = "copied"
	Reinitialised = "reinitialised"
	Skipped       = "skipped"
)

// LayerTransfer says what transfer initialisation did with one layer and why.
type LayerTransfer struct {
	Layer  string `json:"layer"`
	Action string `json:"action"`
	Reason string `json:"reason,omitempty"`
}

// TransferReport lists every layer of the target model with its action.
type TransferReport struct {
	Layers []LayerTransfer `json:"layers"`
}

// Count is the number of layers with the given action.
func (r TransferReport) Count(action string) int {
	n := 0
	for _, l := range r.Layers {
		if l.Action == action {
			n++
		}
	}
	return n
}

// NewFromBase builds a model of base's architecture for the target input and classes:
// every encoder layer whose name and shape match is copied from base, the head (the
// decoder) is initialised randomly from seed for the target's classes, and encoder
// layers that do not match keep their random initialisation and are reported as
// skipped (a dense layer also needs the same input layout: the same weight shape over
// another image size would scramble its inputs). A grey-trained first conv used on an RGB input spreads its filters over the
// three channels (weights divided by 3) so that the response to a grey image is kept.
func NewFromBase(base *Model, in Input, classes []string, seed uint64) (*Model, TransferReport, error) {
	m, err := New(base.Arch, in, classes, seed)
	if err != nil {
		return nil, TransferReport{}, err
	}
	m.Source = base.Source
	var rep TransferReport
	for _, l := range m.Layers {
		if l.Name == HeadName {
			rep.Layers = append(rep.Layers, LayerTransfer{l.Name, Reinitialised, fmt.Sprintf("new head for %d classes", len(classes))})
			continue
		}
		bl, ok := base.Layer(l.Name)
		if !ok {
			rep.Layers = append(rep.Layers, LayerTransfer{l.Name, Skipped, "not in the base model"})
			continue
		}
		w, b := m.Param(l.Name+".weight"), m.Param(l.Name+".bias")
		bw, bb := base.Param(l.Name+".weight"), base.Param(l.Name+".bias")
		switch {
		case equalInts(bl.WeightShape(), l.WeightShape()) && (l.Kind != Dense || bl.InShape == l.InShape):
			copy(w.Data, bw.Data)
			copy(b.Data, bb.Data)
			m.copyBatchNorm(base, l.Name)
			rep.Layers = append(rep.Layers, LayerTransfer{Layer: l.Name, Action: Copied})
		case l.Kind == Conv && bl.Kind == Conv && bl.In == 1 && l.In > 1 && bl.Out == l.Out && bl.Kernel == l.Kernel:
			spreadChannels(bl, bw.Data, l, w.Data)
			copy(b.Data, bb.Data)
			rep.Layers = append(rep.Layers, LayerTransfer{l.Name, Copied, fmt.Sprintf("grey filters spread over %d channels", l.In)})
		default:
			rep.Layers = append(rep.Layers, LayerTransfer{l.Name, Skipped,
				fmt.Sprintf("shape %v (input %s) in the base, %v (input %s) here", bl.WeightShape(), bl.InShape, l.WeightShape(), l.InShape)})
		}
	}
	return m, rep, nil
}

// spreadChannels copies a one-channel conv weight to every input channel, divided by
// the channel count so a grey image (equal channels) gives the same response.
func spreadChannels(bl Layer, src []float32, l Layer, dst []float32) {
	kk := l.Kernel * l.Kernel
	for o := 0; o < l.Out; o++ {
		for c := 0; c < l.In; c++ {
			for k := 0; k < kk; k++ {
				dst[(o*l.In+c)*kk+k] = src[o*kk+k] / float32(l.In)
			}
		}
	}
}

// ReinitLayer draws fresh weights for one layer from seed.
func (m *Model) ReinitLayer(name string, seed uint64) error {
	l, ok := m.Layer(name)
	if !ok {
		return fmt.Errorf("no layer %q in %s", name, m.Arch)
	}
	InitLayer(l, m.Param(name+".weight"), m.Param(name+".bias"), rand.New(rand.NewPCG(seed, 1)))
	return nil
}
