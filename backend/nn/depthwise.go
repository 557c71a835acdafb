package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"transferlab/backend/nn/internal/simd"
)

// dwGeom is a 3x3 depthwise convolution over NHWC activations: each channel has its own
// 3x3 filter, so the work is a multiply-add of whole pixels (C contiguous floats).
type dwGeom struct {
	b, h, w, c     int
	stride, before int // stride; zero rows/columns padded before (the rest after)
	ho, wo         int
}

func newDWGeom(l Layer, batch int) dwGeom {
	before, _ := l.pads()
	out := l.OutShape()
	return dwGeom{b: batch, h: l.InShape.Height, w: l.InShape.Width, c: l.In, stride: l.stride(), before: before, ho: out.Height, wo: out.Width}
}

// taps gives, for output column ox and kernel column kx, the input column or -1 when
// it falls in the padding.
func (g dwGeom) tap(o, k, size int) int {
	i := o*g.stride + k - g.before
	if i < 0 || i >= size {
		return -1
	}
	return i
}

// depthwiseOp holds the weights transposed to (9, C), so a kernel tap's weights for
// every channel are contiguous like the pixels they multiply, and the per-part
// partial sums of the weight and bias gradients.
type depthwiseOp struct {
	g      dwGeom
	relu6  bool
	wt     []float32   // (9, C)
	dz     [][]float32 // per part: one output row's pre-activation gradient
	dwPart [][]float32 // per part: (9, C) weight gradient partial sums
	dbPart [][]float32 // per part: bias gradient partial sums
}

// depthwise adds a 3x3 depthwise convolution (with bias and ReLU6) reading x (B,H,W,C)
// with weight (C, 9).
func depthwise(x, w, bias *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	g := newDWGeom(l, batch)
	op := &depthwiseOp{g: g, relu6: l.ReLU6, wt: make([]float32, 9*g.c)}
	k := newKernel(l.Name+".depthwise", []int{4, 2, 1}, tensor.Shape{g.b, g.ho, g.wo, g.c})
	k.run = func(out []float32, in [][]float32) float32 {
		op.forward(in[0], in[1], in[2], out)
		return 0
	}
	if !need.dx && !need.dw {
		return k.apply(x, w, bias)
	}
	for range parts {
		op.dz = append(op.dz, make([]float32, g.wo*g.c))
		op.dwPart = append(op.dwPart, make([]float32, 9*g.c))
		op.dbPart = append(op.dbPart, make([]float32, g.c))
	}
	k.diffWRT = []bool{need.dx, need.dw, need.dw}
	k.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		// One kernel runs the backward pass; the weight and bias gradients add up the
		// partial sums it left, in part order.
		back := newKernel(l.Name+".dinput", []int{4, 4, 4}, inputs[0].Shape().Clone())
		back.run = func(dx []float32, in [][]float32) float32 {
			if !need.dx {
				dx = nil
			}
			op.backward(in[0], in[1], in[2], dx)
			return 0
		}
		res := make(G.Nodes, 3)
		bn, err := back.apply(inputs[0], output, grad)
		if err != nil {
			return nil, err
		}
		if need.dx {
			res[0] = bn
		}
		if need.dw {
			dw := newKernel(l.Name+".dweight", []int{4}, tensor.Shape{g.c, 9})
			dw.run = func(out []float32, _ [][]float32) float32 {
				for t := range 9 {
					for ch := range g.c {
						var s float32
						for _, p := range op.dwPart {
							s += p[t*g.c+ch]
						}
						out[ch*9+t] = s
					}
				}
				return 0
			}
			if res[1], err = dw.apply(bn); err != nil {
				return nil, err
			}
			db := newKernel(l.Name+".dbias", []int{4}, tensor.Shape{g.c})
			db.run = func(out []float32, _ [][]float32) float32 {
				copy(out, op.dbPart[0])
				for _, p := range op.dbPart[1:] {
					simd.AddTo(out, p)
				}
				return 0
			}
			if res[2], err = db.apply(bn); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	return k.apply(x, w, bias)
}

func (op *depthwiseOp) forward(x, w, bias, out []float32) {
	g := op.g
	for ch := range g.c {
		for t := range 9 {
			op.wt[t*g.c+ch] = w[ch*9+t]
		}
	}
	c := g.c
	parallel(g.b, g.b*g.ho*g.wo*c*9, func(_, b0, b1 int) {
		for b := b0; b < b1; b++ {
			for oy := range g.ho {
				orow := out[((b*g.ho+oy)*g.wo)*c:][:g.wo*c]
				for ox := range g.wo {
					copy(orow[ox*c:][:c], bias)
				}
				for ky := range 3 {
					iy := g.tap(oy, ky, g.h)
					if iy < 0 {
						continue
					}
					irow := x[((b*g.h+iy)*g.w)*c:][:g.w*c]
					for kx := range 3 {
						wk := op.wt[(ky*3+kx)*c:][:c]
						for ox := range g.wo {
							ix := g.tap(ox, kx, g.w)
							if ix < 0 {
								continue
							}
							simd.MulAdd(orow[ox*c:][:c], irow[ix*c:][:c], wk)
						}
					}
				}
				if op.relu6 {
					simd.Clamp(orow, 0, 6)
				}
			}
		}
	})
}

// backward computes, from the input x, the output y and its gradient dy, the input
// gradient (into dx when not nil) and the parts' weight and bias partial sums. Each
// image belongs to one part, so the parts write disjoint pieces of dx.
func (op *depthwiseOp) backward(x, y, dy, dx []float32) {
	g := op.g
	c := g.c
	parallel(g.b, 2*g.b*g.ho*g.wo*c*9, func(part, b0, b1 int) {
		dwp, dbp, dz := op.dwPart[part], op.dbPart[part], op.dz[part]
		clear(dwp)
		clear(dbp)
		if dx != nil {
			clear(dx[b0*g.h*g.w*c : b1*g.h*g.w*c])
		}
		for b := b0; b < b1; b++ {
			for oy := range g.ho {
				at := ((b*g.ho + oy) * g.wo) * c
				yr, gr := y[at:][:g.wo*c], dy[at:][:g.wo*c]
				if op.relu6 {
					// At both clamps the output does not move with its input.
					simd.PassInside(dz[:len(gr)], yr, gr, 0, 6)
				} else {
					copy(dz, gr)
				}
				for ox := range g.wo {
					simd.AddTo(dbp, dz[ox*c:][:c])
				}
				for ky := range 3 {
					iy := g.tap(oy, ky, g.h)
					if iy < 0 {
						continue
					}
					irow := x[((b*g.h+iy)*g.w)*c:][:g.w*c]
					var drow []float32
					if dx != nil {
						drow = dx[((b*g.h+iy)*g.w)*c:][:g.w*c]
					}
					for kx := range 3 {
						t := ky*3 + kx
						dwk, wk := dwp[t*c:][:c], op.wt[t*c:][:c]
						for ox := range g.wo {
							ix := g.tap(ox, kx, g.w)
							if ix < 0 {
								continue
							}
							d := dz[ox*c:][:c]
							simd.MulAdd(dwk, irow[ix*c:][:c], d)
							if drow != nil {
								simd.MulAdd(drow[ix*c:][:c], wk, d)
							}
						}
					}
				}
			}
		}
	})
}
