package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// dense adds y = x W + b (with optional ReLU). x may be 4-D (B,H,W,C): reading its
// backing as (B, H*W*C) is the flatten, at no cost.
func dense(x, w, bias *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	xDims := x.Shape().Dims()
	k := newKernel(l.Name+".dense", []int{xDims, 2, 1}, tensor.Shape{batch, l.Out})
	k.run = func(out []float32, in [][]float32) float32 {
		sgemm(false, false, batch, l.Out, l.In, 1, in[0], l.In, in[1], l.Out, 0, out, l.Out)
		addBias(out, in[2], l.ReLU)
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
				sgemm(true, false, l.In, l.Out, batch, 1, in[0], l.In, in[1], l.Out, 0, out, l.Out)
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
			dx.run = func(out []float32, in [][]float32) float32 {
				sgemm(false, true, batch, l.In, l.Out, 1, in[1], l.Out, in[0], l.Out, 0, out, l.In)
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
