package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// pointwiseChunk bounds the rows (pixels) one GEMM of a 1x1 convolution covers, so
// that its output is still in cache when the bias, residual and ReLU6 pass reads it.
const pointwiseChunk = 1 << 16

// pointwise adds a 1x1 convolution reading x (B,H,W,In) with weight (Out, In): one GEMM
// over every pixel, fused with the bias, the block's residual (skip, the block's input,
// when not nil; skipGrad says whether it needs a gradient) and the ReLU6.
func pointwise(x, w, bias, skip *G.Node, skipGrad bool, l Layer, batch int, need layerGrads) (*G.Node, error) {
	rows := batch * l.InShape.Height * l.InShape.Width
	in, out := l.In, l.Out
	inputs, dims := G.Nodes{x, w, bias}, []int{4, 2, 1}
	if skip != nil {
		inputs, dims = append(inputs, skip), append(dims, 4)
	}
	k := newKernel(l.Name+".pointwise", dims, tensor.Shape{batch, l.InShape.Height, l.InShape.Width, out})
	chunk := max(16, pointwiseChunk/(in+out))
	wt := make([]float32, in*out) // this step's weights as (in, out), the GEMM's B
	k.run = func(y []float32, ins [][]float32) float32 {
		// Laid out once a step: every chunk's GEMM would otherwise transpose them.
		transpose(ins[1], out, in, wt)
		parallel(rows, rows*in*out, func(_, lo, hi int) {
			for c0 := lo; c0 < hi; c0 += chunk {
				c1 := min(c0+chunk, hi)
				dst := y[c0*out : c1*out]
				sgemm(false, false, c1-c0, out, in, 1, ins[0][c0*in:], in, wt, out, 0, dst, out)
				var sk []float32
				if skip != nil {
					sk = ins[3][c0*out : c1*out]
				}
				biasAct(dst, ins[2], sk, l.ReLU6)
			}
		})
		return 0
	}
	k.diffWRT = []bool{need.dx, need.dw, need.dw}
	if skip != nil {
		k.diffWRT = append(k.diffWRT, skipGrad)
	}
	k.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		gz, err := preActGrad(l, output, grad)
		if err != nil {
			return nil, err
		}
		res := make(G.Nodes, len(inputs))
		if need.dw {
			dw := newKernel(l.Name+".dweight", []int{4, 4}, tensor.Shape{out, in})
			dw.run = func(dst []float32, ins [][]float32) float32 {
				// dW rows [lo,hi) = gz[:, lo:hi]^T x
				parallel(out, rows*in*out, func(_, lo, hi int) {
					if lo < hi {
						sgemm(true, false, hi-lo, in, rows, 1, ins[1][lo:], out, ins[0], in, 0, dst[lo*in:], in)
					}
				})
				return 0
			}
			if res[1], err = dw.apply(inputs[0], gz); err != nil {
				return nil, err
			}
			if res[2], err = biasGrad(l, gz, 4); err != nil {
				return nil, err
			}
		}
		if need.dx {
			dx := newKernel(l.Name+".dinput", []int{2, 4}, inputs[0].Shape().Clone())
			dx.run = func(dst []float32, ins [][]float32) float32 {
				parallel(rows, rows*in*out, func(_, lo, hi int) {
					if lo < hi {
						sgemm(false, false, hi-lo, in, out, 1, ins[1][lo*out:], out, ins[0], in, 0, dst[lo*in:], in)
					}
				})
				return 0
			}
			if res[0], err = dx.apply(inputs[1], gz); err != nil {
				return nil, err
			}
		}
		if skip != nil && skipGrad {
			// The residual passes its gradient through unchanged, as a copy in a buffer
			// of its own: the machine adds the block's two gradient paths in place, and
			// must not overwrite the one this layer's other gradients read.
			id := newKernel(l.Name+".dskip", []int{4}, grad.Shape().Clone())
			id.run = func(dst []float32, ins [][]float32) float32 {
				copy(dst, ins[0])
				return 0
			}
			if res[3], err = id.apply(grad); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	return k.apply(inputs...)
}
