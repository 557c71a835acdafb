package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// dense adds y = x W + b (with optional ReLU). x may be 4-D (B,H,W,C): reading its
// backing as (B, H*W*C) is the flatten, at no cost. Each GEMM is split into the fixed
// parts along a dimension that needs no reduction (rows of the output).
func dense(x, w, bias *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	xDims := x.Shape().Dims()
	work := batch * l.In * l.Out
	k := newKernel(l.Name+".dense", []int{xDims, 2, 1}, tensor.Shape{batch, l.Out})
	k.run = func(out []float32, in [][]float32) float32 {
		parallel(batch, work, func(_, lo, hi int) {
			if lo == hi {
				return
			}
			dst := out[lo*l.Out : hi*l.Out]
			sgemm(false, false, hi-lo, l.Out, l.In, 1, in[0][lo*l.In:], l.In, in[1], l.Out, 0, dst, l.Out)
			addBias(dst, in[2], l.ReLU)
		})
		return 0
	}
	k.diffWRT = []bool{need.dx, need.dw, need.dw}
	k.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		gy, err := activationGrad(l, output, grad)
		if err != nil {
			return nil, err
		}
		res := make(G.Nodes, 3)
		if need.dw {
			dw := newKernel(l.Name+".dweight", []int{xDims, 2}, tensor.Shape{l.In, l.Out})
			dw.run = func(out []float32, in [][]float32) float32 {
				// dW rows [lo,hi) = x[:, lo:hi]^T gy
				parallel(l.In, work, func(_, lo, hi int) {
					if lo == hi {
						return
					}
					sgemm(true, false, hi-lo, l.Out, batch, 1, in[0][lo:], l.In, in[1], l.Out, 0, out[lo*l.Out:], l.Out)
				})
				return 0
			}
			if res[1], err = dw.apply(inputs[0], gy); err != nil {
				return nil, err
			}
			if res[2], err = biasGrad(l, gy, 2); err != nil {
				return nil, err
			}
		}
		if need.dx {
			dx := newKernel(l.Name+".dinput", []int{2, 2}, inputs[0].Shape().Clone())
			wt := make([]float32, l.In*l.Out)
			dx.run = func(out []float32, in [][]float32) float32 {
				// W^T once a step, shared by the parts: the GEMM would otherwise
				// transpose all of W in each part.
				transpose(in[0], l.In, l.Out, wt)
				parallel(batch, work, func(_, lo, hi int) {
					if lo == hi {
						return
					}
					sgemm(false, false, hi-lo, l.In, l.Out, 1, in[1][lo*l.Out:], l.Out, wt, l.In, 0, out[lo*l.In:], l.In)
				})
				return 0
			}
			if res[0], err = dx.apply(inputs[1], gy); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	return k.apply(x, w, bias)
}
