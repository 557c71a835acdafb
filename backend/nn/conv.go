package nn

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// convGeom is a stride-1 square convolution over NHWC activations.
type convGeom struct {
	b, h, w, c int // input batch and shape
	o, k, pad  int // output channels, kernel, padding
	ho, wo     int
}

func (g convGeom) rows() int { return g.b * g.ho * g.wo } // one GEMM row per output pixel
func (g convGeom) ckk() int  { return g.c * g.k * g.k }

// im2col writes, for each output pixel, the input patch in (c, ky, kx) order, which is
// the order of a (out, in, k, k) weight's rows: the convolution is then one GEMM
// cols x W^T with no transposes, producing NHWC output directly.
func (g convGeom) im2col(x, cols []float32) {
	ckk, kk := g.ckk(), g.k*g.k
	parallel(g.b, func(b0, b1 int) {
		for b := b0; b < b1; b++ {
			for oy := 0; oy < g.ho; oy++ {
				for ox := 0; ox < g.wo; ox++ {
					row := cols[((b*g.ho+oy)*g.wo+ox)*ckk:][:ckk]
					for ky := 0; ky < g.k; ky++ {
						iy := oy + ky - g.pad
						for kx := 0; kx < g.k; kx++ {
							ix := ox + kx - g.pad
							j := ky*g.k + kx
							if iy < 0 || iy >= g.h || ix < 0 || ix >= g.w {
								for c := 0; c < g.c; c++ {
									row[c*kk+j] = 0
								}
								continue
							}
							px := x[((b*g.h+iy)*g.w+ix)*g.c:][:g.c]
							for c, v := range px {
								row[c*kk+j] = v
							}
						}
					}
				}
			}
		}
	})
}

// col2im adds each patch gradient back onto the input pixels it came from.
func (g convGeom) col2im(cols, dx []float32) {
	ckk, kk := g.ckk(), g.k*g.k
	parallel(g.b, func(b0, b1 int) {
		clear(dx[b0*g.h*g.w*g.c : b1*g.h*g.w*g.c])
		for b := b0; b < b1; b++ {
			for oy := 0; oy < g.ho; oy++ {
				for ox := 0; ox < g.wo; ox++ {
					row := cols[((b*g.ho+oy)*g.wo+ox)*ckk:][:ckk]
					for ky := 0; ky < g.k; ky++ {
						iy := oy + ky - g.pad
						if iy < 0 || iy >= g.h {
							continue
						}
						for kx := 0; kx < g.k; kx++ {
							ix := ox + kx - g.pad
							if ix < 0 || ix >= g.w {
								continue
							}
							j := ky*g.k + kx
							px := dx[((b*g.h+iy)*g.w+ix)*g.c:][:g.c]
							for c := range px {
								px[c] += row[c*kk+j]
							}
						}
					}
				}
			}
		}
	})
}

// layerGrads says which gradients a layer's backward pass must produce.
type layerGrads struct {
	dx, dw bool // gradient for the input (a trainable layer lies below) and the weights
}

// conv adds a convolution (with its bias and optional ReLU) reading x (B,H,W,C).
func conv(x, w, bias *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	g := convGeom{b: batch, h: l.InShape.Height, w: l.InShape.Width, c: l.In, o: l.Out, k: l.Kernel, pad: l.Pad}
	g.ho, g.wo = g.h+2*g.pad-g.k+1, g.w+2*g.pad-g.k+1
	cols := make([]float32, g.rows()*g.ckk())
	k := newKernel(l.Name+".conv", []int{4, 2, 1}, tensor.Shape{g.b, g.ho, g.wo, g.o})
	k.run = func(out []float32, in [][]float32) float32 {
		g.im2col(in[0], cols)
		sgemm(false, true, g.rows(), g.o, g.ckk(), 1, cols, g.ckk(), in[1], g.ckk(), 0, out, g.o)
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
			dw := newKernel(l.Name+".dweight", []int{4, 4}, tensor.Shape{g.o, g.ckk()})
			// The patches are still in cols from this step's forward pass.
			dw.run = func(out []float32, in [][]float32) float32 {
				sgemm(true, false, g.o, g.ckk(), g.rows(), 1, in[1], g.o, cols, g.ckk(), 0, out, g.ckk())
				return 0
			}
			if res[1], err = dw.apply(inputs[0], gy); err != nil {
				return nil, err
			}
			if res[2], err = biasGrad(l, gy, 4); err != nil {
				return nil, err
			}
		}
		if need.dx {
			dcols := make([]float32, len(cols))
			dx := newKernel(l.Name+".dinput", []int{2, 4}, tensor.Shape{g.b, g.h, g.w, g.c})
			dx.run = func(out []float32, in [][]float32) float32 {
				sgemm(false, false, g.rows(), g.ckk(), g.o, 1, in[1], g.o, in[0], g.ckk(), 0, dcols, g.ckk())
				g.col2im(dcols, out)
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

// addBias adds a per-column bias to a row-major matrix, then applies ReLU if asked.
func addBias(out, bias []float32, relu bool) {
	n := len(bias)
	for r := 0; r+n <= len(out); r += n {
		row := out[r : r+n]
		for j, b := range bias {
			v := row[j] + b
			if relu && v < 0 {
				v = 0
			}
			row[j] = v
		}
	}
}

// activationGrad turns the gradient of a layer's output into the gradient of its
// pre-activation: a ReLU passes it only where the output is positive.
func activationGrad(l Layer, output, grad *G.Node) (*G.Node, error) {
	if !l.ReLU {
		return grad, nil
	}
	shape := output.Shape().Clone()
	k := newKernel(l.Name+".drelu", []int{len(shape), len(shape)}, shape)
	k.run = func(out []float32, in [][]float32) float32 {
		y, gy := in[0], in[1]
		for i, v := range y {
			if v > 0 {
				out[i] = gy[i]
			} else {
				out[i] = 0
			}
		}
		return 0
	}
	return k.apply(output, grad)
}

// biasGrad sums the pre-activation gradient over every row (pixel or sample).
func biasGrad(l Layer, gy *G.Node, dims int) (*G.Node, error) {
	k := newKernel(l.Name+".dbias", []int{dims}, tensor.Shape{l.Out})
	k.run = func(out []float32, in [][]float32) float32 {
		clear(out)
		n := len(out)
		g := in[0]
		for r := 0; r+n <= len(g); r += n {
			for j, v := range g[r : r+n] {
				out[j] += v
			}
		}
		return 0
	}
	return k.apply(gy)
}
