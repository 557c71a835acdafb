package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// GraphOptions says which part of a model a graph runs and what it differentiates.
type GraphOptions struct {
	// Batch is the fixed batch size of the graph; shorter batches are padded and
	// masked through the target weights.
	Batch int
	// From and To select layers [From, To) of the model; To 0 means all. A graph that
	// starts above layer 0 reads features (Batch, Layers[From].In); one that stops
	// below the head has no loss and outputs the features of its last layer.
	From, To int
	// Trainable names the layers whose weights get gradients; the rest are frozen:
	// no gradient is computed for them, nor for layers below the lowest trainable one.
	Trainable map[string]bool
}

// Graph is one compiled Gorgonia graph over a model's weights. Graphs built from the
// same model share its weight memory: an update through one is seen by all, which is
// how the training, tail-free evaluation and feature graphs stay in step.
type Graph struct {
	Batch   int
	Classes int
	g       *G.ExprGraph
	vm      G.VM
	x, t    *tensor.Dense
	out     *G.Node
	loss    *lossOp
	params  []*Param
	grads   [][]float32 // parallel to params; nil where frozen
}

// NewGraph builds and compiles a graph for m. The machine is built once here and reused
// for every step.
func NewGraph(m *Model, opt GraphOptions) (*Graph, error) {
	to := opt.To
	if to == 0 {
		to = len(m.Layers)
	}
	if opt.Batch < 1 || opt.From < 0 || opt.From >= to || to > len(m.Layers) {
		return nil, fmt.Errorf("bad graph options: batch %d, layers [%d,%d) of %d", opt.Batch, opt.From, to, len(m.Layers))
	}
	gr := &Graph{Batch: opt.Batch, Classes: len(m.Classes), g: G.NewGraph()}
	var xShape tensor.Shape
	if opt.From == 0 {
		xShape = tensor.Shape{opt.Batch, m.Input.Height, m.Input.Width, m.Input.Channels}
	} else if l := m.Layers[opt.From]; l.Kind == Dense {
		xShape = tensor.Shape{opt.Batch, l.In}
	} else {
		xShape = tensor.Shape{opt.Batch, l.InShape.Height, l.InShape.Width, l.InShape.Channels}
	}
	gr.x = tensor.New(tensor.WithShape(xShape...), tensor.Of(tensor.Float32))
	x := G.NewTensor(gr.g, tensor.Float32, len(xShape), G.WithShape(xShape...), G.WithName("x"), G.WithValue(gr.x))
	var wrt G.Nodes
	var wrtParams []int
	below := false // a trainable layer lies below the current one
	cur := x
	// Each layer's input and whether it needs a gradient, for the residuals.
	inputs, inputGrad := map[string]*G.Node{}, map[string]bool{}
	for _, l := range m.Layers[opt.From:to] {
		inputs[l.Name], inputGrad[l.Name] = cur, below
		w, b := m.Param(l.Name+".weight"), m.Param(l.Name+".bias")
		wn := paramNode(gr.g, w)
		bn := paramNode(gr.g, b)
		train := opt.Trainable[l.Name]
		need := layerGrads{dx: below, dw: train}
		var err error
		switch {
		case l.Kind == Conv && l.stride() > 1:
			cur, err = stem(cur, wn, bn, l, opt.Batch, need)
		case l.Kind == Conv: // its ReLU and pool are fused into the op
			cur, err = conv(cur, wn, bn, l, opt.Batch, need)
		case l.Kind == Depthwise:
			cur, err = depthwise(cur, wn, bn, l, opt.Batch, need)
		case l.Kind == Pointwise:
			var skip *G.Node
			if l.Residual != "" {
				if skip = inputs[l.Residual]; skip == nil {
					return nil, fmt.Errorf("layer %s adds the input of %s, which this graph does not run: start the graph at a block's first layer", l.Name, l.Residual)
				}
			}
			cur, err = pointwise(cur, wn, bn, skip, inputGrad[l.Residual], l, opt.Batch, need)
		case l.Pool:
			err = fmt.Errorf("layer %s: a max pool can only follow a convolution", l.Name)
		default:
			cur, err = dense(cur, wn, bn, l, opt.Batch, need)
		}
		if err == nil && l.AvgPool {
			cur, err = avgPool(cur, l, opt.Batch, layerGrads{dx: below || train})
		}
		if err != nil {
			return nil, err
		}
		if train {
			wrt = append(wrt, wn, bn)
			idx := len(gr.params)
			wrtParams = append(wrtParams, idx, idx+1)
		}
		gr.params = append(gr.params, w, b)
		below = below || train
	}
	gr.grads = make([][]float32, len(gr.params))
	gr.out = cur
	if to == len(m.Layers) && m.Layers[to-1].Name == HeadName { // a backbone has no head
		tShape := tensor.Shape{opt.Batch, len(m.Classes)}
		gr.t = tensor.New(tensor.WithShape(tShape...), tensor.Of(tensor.Float32))
		t := G.NewMatrix(gr.g, tensor.Float32, G.WithShape(tShape...), G.WithName("target"), G.WithValue(gr.t))
		loss, lo, err := softmaxCrossEntropy(cur, t)
		if err != nil {
			return nil, err
		}
		gr.loss = lo
		if len(wrt) > 0 {
			grads, err := G.Grad(loss, wrt...)
			if err != nil {
				return nil, fmt.Errorf("differentiating: %w", err)
			}
			for i, gn := range grads {
				buf := outputOf(gn)
				if buf == nil {
					return nil, fmt.Errorf("gradient of %s is not a kernel output", wrt[i].Name())
				}
				gr.grads[wrtParams[i]] = buf
			}
		}
	} else if len(wrt) > 0 {
		return nil, fmt.Errorf("a graph without the head has no loss to train on")
	}
	gr.vm = G.NewTapeMachine(gr.g)
	return gr, nil
}

func paramNode(g *G.ExprGraph, p *Param) *G.Node {
	t := tensor.New(tensor.WithShape(p.Shape...), tensor.WithBacking(p.Data))
	return G.NewTensor(g, tensor.Float32, len(p.Shape), G.WithShape(p.Shape...), G.WithName(p.Name), G.WithValue(t))
}

// Input is the graph's input buffer: Batch images in NHWC order, or Batch feature
// rows for a graph that starts above layer 0. Fill it before Run.
func (gr *Graph) Input() []float32 { return gr.x.Data().([]float32) }

// Target is the (Batch, Classes) target-weight buffer; see SetTargets.
func (gr *Graph) Target() []float32 {
	if gr.t == nil {
		return nil
	}
	return gr.t.Data().([]float32)
}

// SetTargets writes one-hot targets for labels weighted 1/len(labels); rows past
// len(labels) are padding and weigh nothing.
func (gr *Graph) SetTargets(labels []int) {
	t := gr.Target()
	if t == nil {
		return
	}
	clear(t)
	w := 1 / float32(len(labels))
	for i, y := range labels {
		t[i*gr.Classes+y] = w
	}
}

// Run executes the graph once: forward, and backward when it has trainable layers.
// Gradients are overwritten, never accumulated, by each Run.
func (gr *Graph) Run() error {
	defer gr.vm.Reset()
	return gr.vm.RunAll()
}

// Loss is the mean loss of the last Run over the real (unpadded) samples.
func (gr *Graph) Loss() float32 { return gr.loss.loss }

// Probs is the (Batch, Classes) softmax of the last Run.
func (gr *Graph) Probs() []float32 { return gr.loss.probs }

// Output is the last layer's output of the last Run: features for a graph that stops
// below the head, logits otherwise.
func (gr *Graph) Output() []float32 { return outputOf(gr.out) }

// Params lists the parameters the graph reads, bottom first.
func (gr *Graph) Params() []*Param { return gr.params }

// Grads lists the gradient buffers, parallel to Params; nil for frozen parameters.
func (gr *Graph) Grads() [][]float32 { return gr.grads }

// Close releases the machine.
func (gr *Graph) Close() error { return gr.vm.Close() }
