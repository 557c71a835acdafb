package nn

import "fmt"

// builder makes the layers of an architecture whose shape is not a plain list of
// layer specs (blocks with residual connections, strides, a global average pool).
type builder struct {
	layers func(in Input, classes int) ([]Layer, error)
}

// builders are the architectures built by code rather than from architectures' specs.
var builders = map[string]builder{
	MobileNetV2B10: {func(in Input, classes int) ([]Layer, error) {
		if in.Channels != 3 || in.Height < 96 || in.Width < 96 || in.Height > 224 || in.Width > 224 {
			return nil, fmt.Errorf("input shape %s is not supported by %s: want RGB (3 channels) at 96-224 pixels a side", in, MobileNetV2B10)
		}
		return mobileNetLayers(in, classes, 32, mobileNetV2Blocks)
	}},
}

// MobileNetV2B10 is Keras' MobileNetV2 (width 1.0) cut after block 10, the 96-channel
// block at 1/16 of the input size, then global average pooling and a dense head.
const MobileNetV2B10 = "mobilenetv2-b10"

// invertedResidual is one MobileNetV2 block: a 1x1 expansion (skipped when expand is
// 1), a 3x3 depthwise convolution with the block's stride, and a linear 1x1 projection
// to out channels, plus the block's input when stride is 1 and the channels match.
type invertedResidual struct{ expand, out, stride int }

// mobileNetV2Blocks are blocks 0-10 of MobileNetV2 (Sandler et al. 2018, table 2).
var mobileNetV2Blocks = []invertedResidual{
	{1, 16, 1},
	{6, 24, 2}, {6, 24, 1},
	{6, 32, 2}, {6, 32, 1}, {6, 32, 1},
	{6, 64, 2}, {6, 64, 1}, {6, 64, 1}, {6, 64, 1},
	{6, 96, 1},
}

// mobileNetLayers builds a MobileNetV2-style network with Keras' layer names: a
// stride-2 3x3 stem, the blocks, global average pooling after the last block and, when
// classes > 0, a dense head. Batch norm is not a layer: it is folded into the weights
// and biases of the convolution it follows.
func mobileNetLayers(in Input, classes, stem int, blocks []invertedResidual) ([]Layer, error) {
	var layers []Layer
	cur := in
	add := func(l Layer) error {
		l.InShape = cur
		cur = l.OutShape()
		if cur.Height < 1 || cur.Width < 1 {
			return fmt.Errorf("input %s is too small: layer %s would have no pixels", in, l.Name)
		}
		layers = append(layers, l)
		return nil
	}
	if err := add(Layer{Name: "Conv1", Kind: Conv, In: in.Channels, Out: stem, Kernel: 3, Stride: 2, ReLU6: true, Centre: true}); err != nil {
		return nil, err
	}
	for i, b := range blocks {
		prefix := fmt.Sprintf("block_%d_", i)
		if i == 0 {
			prefix = "expanded_conv_"
		}
		c := cur.Channels
		first := prefix + "depthwise"
		if b.expand != 1 {
			first = prefix + "expand"
			if err := add(Layer{Name: first, Kind: Pointwise, In: c, Out: c * b.expand, Kernel: 1, ReLU6: true}); err != nil {
				return nil, err
			}
		}
		e := cur.Channels
		if err := add(Layer{Name: prefix + "depthwise", Kind: Depthwise, In: e, Out: e, Kernel: 3, Pad: 1, Stride: b.stride, ReLU6: true}); err != nil {
			return nil, err
		}
		proj := Layer{Name: prefix + "project", Kind: Pointwise, In: e, Out: b.out, Kernel: 1}
		if b.stride == 1 && c == b.out {
			proj.Residual = first
		}
		if err := add(proj); err != nil {
			return nil, err
		}
	}
	layers[len(layers)-1].AvgPool = true
	cur = layers[len(layers)-1].OutShape()
	if classes > 0 {
		layers = append(layers, Layer{Name: HeadName, Kind: Dense, In: cur.Channels, Out: classes, InShape: cur})
	}
	return layers, nil
}

// CanStartAt says whether a graph can start at layer i: no residual above it adds the
// input of a layer below it.
func CanStartAt(layers []Layer, i int) bool {
	below := map[string]bool{}
	for _, l := range layers[:i] {
		below[l.Name] = true
	}
	for _, l := range layers[i:] {
		if l.Residual != "" && below[l.Residual] {
			return false
		}
	}
	return i > 0 && i < len(layers)
}

// InputSize is the number of floats one image (or feature row) has at layer i's input.
func InputSize(layers []Layer, i int) int {
	if l := layers[i]; l.Kind != Dense {
		return l.InShape.Size()
	}
	return layers[i].In
}

// ActivationSize is the number of floats one image's activations take in a forward
// pass: what a graph's batch multiplies.
func (m *Model) ActivationSize() int {
	n := 0
	for _, l := range m.Layers {
		if l.AvgPool { // the map before pooling, then the means
			p := l
			p.AvgPool = false
			n += p.OutShape().Size() + l.Out
			continue
		}
		n += l.OutShape().Size()
	}
	return n
}
