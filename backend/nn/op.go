package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// kernel is one custom Gorgonia op described by closures: every op of this package
// (conv, dense, pool, loss and their gradients) is a kernel. Each owns its output
// buffer, allocated once when the graph is built, so a training step allocates nothing
// and memory does not grow across steps.
type kernel struct {
	name     string
	id       int64
	inDims   []int // dimensions of each input; 0 means a scalar
	outShape tensor.Shape
	diffWRT  []bool
	run      func(out []float32, in [][]float32) float32
	diff     func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error)
	out      *tensor.Dense
	ins      [][]float32 // reused slice of input backings
}

var kernelIDs atomic.Int64

func newKernel(name string, inDims []int, outShape tensor.Shape) *kernel {
	k := &kernel{name: name, id: kernelIDs.Add(1), inDims: inDims, outShape: outShape, ins: make([][]float32, len(inDims))}
	if len(outShape) > 0 {
		k.out = tensor.New(tensor.WithShape(outShape...), tensor.Of(tensor.Float32))
	}
	k.diffWRT = make([]bool, len(inDims))
	return k
}

// apply adds the op to the graph of its inputs.
func (k *kernel) apply(inputs ...*G.Node) (*G.Node, error) {
	n, err := G.ApplyOp(k, inputs...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.name, err)
	}
	return n, nil
}

func (k *kernel) Arity() int { return len(k.inDims) }

func (k *kernel) Type() hm.Type {
	a := hm.TypeVariable('a')
	typ := func(d int) hm.Type {
		if d == 0 {
			return a
		}
		return G.TensorType{Dims: d, Of: a}
	}
	ts := make(hm.Types, 0, len(k.inDims)+1)
	for _, d := range k.inDims {
		ts = append(ts, typ(d))
	}
	ts = append(ts, typ(len(k.outShape)))
	return hm.NewFnType(ts...)
}

func (k *kernel) InferShape(...G.DimSizer) (tensor.Shape, error) {
	if len(k.outShape) == 0 {
		return tensor.ScalarShape(), nil
	}
	return k.outShape.Clone(), nil
}

func (k *kernel) Do(inputs ...G.Value) (G.Value, error) {
	if len(inputs) != len(k.inDims) {
		return nil, fmt.Errorf("%s: got %d inputs, want %d", k.name, len(inputs), len(k.inDims))
	}
	for i, v := range inputs {
		switch d := v.Data().(type) {
		case []float32:
			k.ins[i] = d
		case float32:
			k.ins[i] = []float32{d}
		default:
			return nil, fmt.Errorf("%s: input %d is %T, want float32", k.name, i, v.Data())
		}
	}
	if k.out == nil {
		return G.NewF32(k.run(nil, k.ins)), nil
	}
	k.run(k.out.Data().([]float32), k.ins)
	return k.out, nil
}

// UsePreallocDo ignores the machine's register: the op's own buffer is the output, which
// is what lets the gradient ops be read after RunAll without copying.
func (k *kernel) UsePreallocDo(_ G.Value, inputs ...G.Value) (G.Value, error) {
	return k.Do(inputs...)
}

func (k *kernel) ReturnsPtr() bool      { return false }
func (k *kernel) CallsExtern() bool     { return false }
func (k *kernel) OverwritesInput() int  { return -1 }
func (k *kernel) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s#%d", k.name, k.id) }
func (k *kernel) Hashcode() uint32 {
	h := fnv.New32a()
	k.WriteHash(h)
	return h.Sum32()
}
func (k *kernel) String() string { return k.name }

func (k *kernel) DiffWRT(int) []bool { return k.diffWRT }

func (k *kernel) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if k.diff == nil {
		return nil, fmt.Errorf("%s is not differentiable", k.name)
	}
	return k.diff(inputs, output, grad)
}

// outputOf returns the buffer a kernel node writes, or nil if n is not a kernel.
func outputOf(n *G.Node) []float32 {
	if k, ok := n.Op().(*kernel); ok && k.out != nil {
		return k.out.Data().([]float32)
	}
	return nil
}
