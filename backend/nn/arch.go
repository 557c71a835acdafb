// Package nn holds Transfer Lab's network architectures, their weight files, transfer
// initialisation from a base model, and the Gorgonia graphs that run them.
package nn

import (
	"fmt"
	"sort"
	"strings"
)

// LayerKind says how a parametric layer computes.
type LayerKind int

const (
	// Conv is a 2-D convolution with stride 1, square kernel and zero padding.
	Conv LayerKind = iota
	// Dense is a fully connected layer; it flattens a 3-D input first.
	Dense
	// Depthwise is a per-channel 3x3 convolution (In == Out), stride 1 or 2.
	Depthwise
	// Pointwise is a 1x1 convolution: one GEMM over every pixel.
	Pointwise
)

func (k LayerKind) String() string {
	switch k {
	case Conv:
		return "conv"
	case Depthwise:
		return "depthwise"
	case Pointwise:
		return "pointwise"
	}
	return "dense"
}

// Input is the image shape a model takes. It is part of the model: a model trained on
// 28x28 grey images cannot run on 32x32 RGB images without transfer initialisation.
type Input struct {
	Channels int `json:"channels"`
	Height   int `json:"height"`
	Width    int `json:"width"`
}

// Size is the number of floats in one image.
func (in Input) Size() int { return in.Channels * in.Height * in.Width }

func (in Input) String() string { return fmt.Sprintf("%dx%dx%d", in.Channels, in.Height, in.Width) }

// Layer is one parametric layer. Its Name is part of the weight format: the weights are
// stored as "<name>.weight" and "<name>.bias".
type Layer struct {
	Name   string
	Kind   LayerKind
	In     int  // input channels (conv) or input features (dense)
	Out    int  // output channels or features
	Kernel int  // conv kernel size
	Pad    int  // conv zero padding
	ReLU   bool // a ReLU follows
	Pool   bool // a 2x2 max pool with stride 2 follows the activation
	// InShape is the (channels, height, width) this layer reads. For a dense layer
	// after a conv it says how the flattened features were laid out (CHW in files).
	InShape Input
	// Stride is 2 for a downsampling conv or depthwise layer (0 and 1 mean 1). A
	// stride-2 layer pads as Keras' MobileNetV2 does at its native even sizes: no row
	// or column before, one after; Pad is then ignored.
	Stride int
	// ReLU6 clamps the output to [0, 6] (MobileNetV2's activation).
	ReLU6 bool
	// Residual names the layer whose input is added to this layer's output: the input
	// of an inverted-residual block, added after its projection.
	Residual string
	// AvgPool averages the output over every pixel (global average pooling): the layer
	// above reads (channels, 1, 1).
	AvgPool bool
	// Centre maps the input pixels from [0,1] to [-1,1] before the layer, the
	// preprocessing Keras' ImageNet MobileNetV2 was trained with.
	Centre bool
}

// stride is the layer's stride, at least 1.
func (l Layer) stride() int { return max(1, l.Stride) }

// pads is the zero padding before and after the image, on both axes.
func (l Layer) pads() (before, after int) {
	if l.stride() > 1 {
		return 0, 1
	}
	return l.Pad, l.Pad
}

// WeightShape is the weight tensor's shape in the file: (out, in, k, k) for conv and
// (out, in) for dense, as PyTorch lays them out.
func (l Layer) WeightShape() []int {
	switch l.Kind {
	case Conv:
		return []int{l.Out, l.In, l.Kernel, l.Kernel}
	case Depthwise:
		return []int{l.Out, 1, l.Kernel, l.Kernel}
	case Pointwise:
		return []int{l.Out, l.In, 1, 1}
	}
	return []int{l.Out, l.In}
}

// OutShape is the shape after the layer's activation and pooling.
func (l Layer) OutShape() Input {
	if l.Kind == Dense || l.AvgPool {
		return Input{Channels: l.Out, Height: 1, Width: 1}
	}
	if l.Kind == Pointwise {
		return Input{Channels: l.Out, Height: l.InShape.Height, Width: l.InShape.Width}
	}
	before, after := l.pads()
	s := l.stride()
	h := (l.InShape.Height+before+after-l.Kernel)/s + 1
	w := (l.InShape.Width+before+after-l.Kernel)/s + 1
	if l.Pool {
		h, w = h/2, w/2
	}
	return Input{Channels: l.Out, Height: h, Width: w}
}

// HeadName is the name of every architecture's output layer: the decoder that transfer
// initialisation re-initialises for the target's classes.
const HeadName = "head"

type layerSpec struct {
	name        string
	kind        LayerKind
	out         int
	pool, noAct bool
}

var architectures = map[string][]layerSpec{
	"mlp": {
		{name: "fc1", kind: Dense, out: 256},
		{name: "fc2", kind: Dense, out: 128},
		{name: HeadName, kind: Dense, noAct: true},
	},
	"cnn": {
		{name: "conv1", kind: Conv, out: 16, pool: true},
		{name: "conv2", kind: Conv, out: 32, pool: true},
		{name: "fc1", kind: Dense, out: 128},
		{name: HeadName, kind: Dense, noAct: true},
	},
	// cnn-deep is VGG-style: two 3x3 convs per stage before each pool. It has no
	// batchnorm, which keeps training deterministic and checkpoints to plain weights.
	"cnn-deep": {
		{name: "conv1", kind: Conv, out: 16},
		{name: "conv2", kind: Conv, out: 16, pool: true},
		{name: "conv3", kind: Conv, out: 32},
		{name: "conv4", kind: Conv, out: 32, pool: true},
		{name: "fc1", kind: Dense, out: 128},
		{name: HeadName, kind: Dense, noAct: true},
	},
}

// Architectures lists the architecture names, sorted.
func Architectures() []string {
	names := make([]string, 0, len(architectures)+len(builders))
	for n := range architectures {
		names = append(names, n)
	}
	for n := range builders {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Layers returns the parametric layers of arch for the given input and number of
// classes, bottom first, the head last.
func Layers(arch string, in Input, classes int) ([]Layer, error) {
	if b, ok := builders[arch]; ok {
		// A backbone file (classes 0) holds only the encoder; a model made from it
		// gets its head from transfer initialisation.
		if classes != 0 && classes < 2 {
			return nil, fmt.Errorf("a classifier needs at least 2 classes, got %d", classes)
		}
		return b.layers(in, classes)
	}
	specs, ok := architectures[arch]
	if !ok {
		return nil, fmt.Errorf("unknown architecture %q (known: %s)", arch, strings.Join(Architectures(), ", "))
	}
	if in.Channels < 1 || in.Channels > 4 || in.Height < 4 || in.Width < 4 || in.Height > 256 || in.Width > 256 {
		return nil, fmt.Errorf("input shape %s is not supported: want 1-4 channels and 4-256 pixels a side", in)
	}
	if classes < 2 {
		return nil, fmt.Errorf("a classifier needs at least 2 classes, got %d", classes)
	}
	layers := make([]Layer, 0, len(specs))
	cur := in
	for _, s := range specs {
		l := Layer{Name: s.name, Kind: s.kind, Out: s.out, ReLU: !s.noAct, Pool: s.pool, InShape: cur}
		if s.name == HeadName {
			l.Out = classes
		}
		if s.kind == Conv {
			l.In, l.Kernel, l.Pad = cur.Channels, 3, 1
		} else {
			l.In = cur.Size()
		}
		cur = l.OutShape()
		if cur.Height < 1 || cur.Width < 1 {
			return nil, fmt.Errorf("input %s is too small for %s", in, arch)
		}
		layers = append(layers, l)
	}
	return layers, nil
}
