package nn

import (
	G "gorgonia.org/gorgonia"
	"transferlab/backend/nn/internal/simd"
)

// relu6 clamps v to [0, 6].
func relu6(v float32) float32 {
	return min(max(v, 0), 6)
}

// biasAct adds a per-column bias (and, if skip is not nil, a residual of the same
// shape) to a row-major matrix in one pass, then clamps with ReLU6 if asked.
func biasAct(out, bias, skip []float32, act bool) {
	n := len(bias)
	for r := 0; r+n <= len(out); r += n {
		row := out[r : r+n]
		simd.AddTo(row, bias)
		if skip != nil {
			simd.AddTo(row, skip[r:r+n])
		}
	}
	if act {
		simd.Clamp(out, 0, 6)
	}
}

// preActGrad turns the gradient of a layer's output into the gradient of its
// pre-activation: through a ReLU6 only where the output is inside (0, 6).
func preActGrad(l Layer, output, grad *G.Node) (*G.Node, error) {
	if !l.ReLU6 {
		return grad, nil
	}
	shape := output.Shape().Clone()
	k := newKernel(l.Name+".drelu6", []int{len(shape), len(shape)}, shape)
	k.run = func(out []float32, in [][]float32) float32 {
		y, gy := in[0], in[1]
		parallel(len(y), len(y), func(_, lo, hi int) {
			simd.PassInside(out[lo:hi], y[lo:hi], gy[lo:hi], 0, 6)
		})
		return 0
	}
	return k.apply(output, grad)
}
