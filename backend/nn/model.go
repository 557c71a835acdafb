package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Param is one weight tensor in the layout the graph uses. Conv weights are
// (out, in*k*k) exactly as in the file; dense weights are (in, out) with the inputs in
// HWC order, which lets the ops run as plain GEMMs without transposes. The file layout
// is PyTorch's; Save and Load convert.
type Param struct {
	Name  string // "<layer>.weight" or "<layer>.bias"
	Layer string
	Shape []int // internal shape
	Data  []float32
}

// Model is an architecture with its weights and the metadata that travels with them.
type Model struct {
	Arch    string
	Input   Input
	Classes []string
	Source  string // the dataset the weights were trained on, e.g. "mnist:0-4"
	Layers  []Layer
	Params  []*Param // in layer order: weight then bias
	// BatchNorm keeps, by layer name, the batch norm folded into a layer's weights
	// (models converted from Keras); nil for models that have none.
	BatchNorm map[string]*BatchNorm
}

// New builds a model with PyTorch's default initialisation (uniform in
// +-1/sqrt(fan_in) for weights and biases), drawn from a generator seeded with seed.
func New(arch string, in Input, classes []string, seed uint64) (*Model, error) {
	layers, err := Layers(arch, in, len(classes))
	if err != nil {
		return nil, err
	}
	m := &Model{Arch: arch, Input: in, Classes: append([]string(nil), classes...), Layers: layers}
	rng := rand.New(rand.NewPCG(seed, 0x7472616e73666572))
	for _, l := range layers {
		w, b := newParams(l)
		InitLayer(l, w, b, rng)
		m.Params = append(m.Params, w, b)
	}
	return m, nil
}

func newParams(l Layer) (w, b *Param) {
	var shape []int
	switch l.Kind {
	case Conv, Pointwise:
		shape = []int{l.Out, l.In * l.Kernel * l.Kernel}
	case Depthwise:
		shape = []int{l.Out, l.Kernel * l.Kernel}
	default:
		shape = []int{l.In, l.Out}
	}
	w = &Param{Name: l.Name + ".weight", Layer: l.Name, Shape: shape, Data: make([]float32, shape[0]*shape[1])}
	b = &Param{Name: l.Name + ".bias", Layer: l.Name, Shape: []int{l.Out}, Data: make([]float32, l.Out)}
	return w, b
}

// InitLayer fills a layer's weight and bias with PyTorch's default initialisation.
// The layers of a MobileNetV2 (ReLU6, depthwise, pointwise) get He's uniform
// initialisation and zero biases instead: without batch norm, PyTorch's default
// shrinks the signal at every one of their thirty-odd layers until nothing is left.
func InitLayer(l Layer, w, b *Param, rng *rand.Rand) {
	fanIn := l.In
	switch l.Kind {
	case Conv:
		fanIn = l.In * l.Kernel * l.Kernel
	case Depthwise:
		fanIn = l.Kernel * l.Kernel
	}
	if l.ReLU6 || l.Kind == Depthwise || l.Kind == Pointwise {
		gain := 6.0 // He: variance 2/fan_in behind a ReLU
		if !l.ReLU6 {
			gain = 3 // a linear projection keeps the variance
		}
		bound := math.Sqrt(gain / float64(fanIn))
		for i := range w.Data {
			w.Data[i] = float32((rng.Float64()*2 - 1) * bound)
		}
		clear(b.Data)
		return
	}
	bound := 1 / math.Sqrt(float64(fanIn))
	for i := range w.Data {
		w.Data[i] = float32((rng.Float64()*2 - 1) * bound)
	}
	for i := range b.Data {
		b.Data[i] = float32((rng.Float64()*2 - 1) * bound)
	}
}

// Param returns the parameter with the given name, or nil.
func (m *Model) Param(name string) *Param {
	for _, p := range m.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Layer returns the layer with the given name and whether it exists.
func (m *Model) Layer(name string) (Layer, bool) {
	for _, l := range m.Layers {
		if l.Name == name {
			return l, true
		}
	}
	return Layer{}, false
}

// Clone returns a deep copy whose weights can change independently.
func (m *Model) Clone() *Model {
	c := *m
	c.Classes = append([]string(nil), m.Classes...)
	c.Layers = append([]Layer(nil), m.Layers...)
	c.Params = make([]*Param, len(m.Params))
	for i, p := range m.Params {
		q := *p
		q.Shape = append([]int(nil), p.Shape...)
		q.Data = append([]float32(nil), p.Data...)
		c.Params[i] = &q
	}
	return &c
}

// NumParams is the number of floats in the model's weights.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params {
		n += len(p.Data)
	}
	return n
}

// Features is the number of inputs of the head: the size of the encoder's output.
func (m *Model) Features() int { return m.Layers[len(m.Layers)-1].In }

func (m *Model) String() string {
	return fmt.Sprintf("%s %s -> %d classes (%d parameters)", m.Arch, m.Input, len(m.Classes), m.NumParams())
}
