package nn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"transferlab/backend/nn/internal/simd"
)

// stemChunk bounds the output pixels one GEMM of the strided convolution covers.
const stemChunk = 1024

// stemOp is a strided 3x3 convolution on the input image (MobileNetV2's first layer):
// im2col of a chunk of output pixels, with the stride and Keras' asymmetric padding,
// then one GEMM, the bias and the ReLU6. Its patches are rebuilt for the weight
// gradient rather than kept: with three input channels that costs less than storing
// them. It never passes a gradient to its input, the image.
type stemOp struct {
	g      dwGeom // input and output geometry (c: input channels)
	o, kkc int    // output channels, patch length (9 * input channels)
	centre bool
	relu6  bool
	wt     []float32   // this step's weights in (ky, kx, in, out) order, the forward GEMM's B
	cols   [][]float32 // per part: one chunk of patches
	dwPart [][]float32 // per part: weight gradient partial sums, (out, ky, kx, in)
}

func stem(x, w, bias *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	if need.dx {
		return nil, fmt.Errorf("layer %s: a strided convolution must be the first layer, it passes no gradient to its input", l.Name)
	}
	if l.Kernel != 3 {
		return nil, fmt.Errorf("layer %s: a strided convolution must be 3x3, not %dx%d", l.Name, l.Kernel, l.Kernel)
	}
	g := newDWGeom(l, batch)
	op := &stemOp{g: g, o: l.Out, kkc: 9 * g.c, centre: l.Centre, relu6: l.ReLU6}
	op.wt = make([]float32, op.kkc*op.o)
	for range parts {
		op.cols = append(op.cols, make([]float32, stemChunk*op.kkc))
		if need.dw {
			op.dwPart = append(op.dwPart, make([]float32, op.o*op.kkc))
		}
	}
	k := newKernel(l.Name+".conv", []int{4, 2, 1}, tensor.Shape{g.b, g.ho, g.wo, op.o})
	k.run = func(out []float32, in [][]float32) float32 {
		op.forward(in[0], in[1], in[2], out)
		return 0
	}
	if !need.dw {
		return k.apply(x, w, bias)
	}
	k.diffWRT = []bool{false, true, true}
	k.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		gz, err := preActGrad(l, output, grad)
		if err != nil {
			return nil, err
		}
		dw := newKernel(l.Name+".dweight", []int{4, 4}, tensor.Shape{op.o, op.kkc})
		dw.run = func(out []float32, in [][]float32) float32 {
			op.weightGrad(in[0], in[1], out)
			return 0
		}
		res := make(G.Nodes, 3)
		if res[1], err = dw.apply(inputs[0], gz); err != nil {
			return nil, err
		}
		if res[2], err = biasGrad(l, gz, 4); err != nil {
			return nil, err
		}
		return res, nil
	}
	return k.apply(x, w, bias)
}

// im2col writes the patches of output pixels [p0,p1) (numbered over the whole batch)
// into cols in (ky, kx, c) order, padding with zeros (after centring: Keras pads the
// preprocessed image).
func (op *stemOp) im2col(x []float32, p0, p1 int, cols []float32) {
	g, c := op.g, op.g.c
	for p := p0; p < p1; p++ {
		b, rest := p/(g.ho*g.wo), p%(g.ho*g.wo)
		oy, ox := rest/g.wo, rest%g.wo
		row := cols[(p-p0)*op.kkc:][:op.kkc]
		for ky := range 3 {
			iy := g.tap(oy, ky, g.h)
			for kx := range 3 {
				seg := row[(ky*3+kx)*c:][:c]
				ix := g.tap(ox, kx, g.w)
				if iy < 0 || ix < 0 {
					clear(seg)
					continue
				}
				src := x[((b*g.h+iy)*g.w+ix)*c:][:c]
				for i, v := range src {
					if op.centre {
						v = 2*v - 1
					}
					seg[i] = v
				}
			}
		}
	}
}

func (op *stemOp) forward(x, w, bias, out []float32) {
	g, c, o, kkc := op.g, op.g.c, op.o, op.kkc
	for oc := range o {
		for ci := range c {
			for t := range 9 {
				op.wt[(t*c+ci)*o+oc] = w[oc*kkc+ci*9+t]
			}
		}
	}
	n := g.b * g.ho * g.wo
	parallel(n, n*kkc*o, func(part, lo, hi int) {
		for p0 := lo; p0 < hi; p0 += stemChunk {
			p1 := min(p0+stemChunk, hi)
			cols := op.cols[part][:(p1-p0)*kkc]
			op.im2col(x, p0, p1, cols)
			dst := out[p0*o : p1*o]
			sgemm(false, false, p1-p0, o, kkc, 1, cols, kkc, op.wt, o, 0, dst, o)
			biasAct(dst, bias, nil, op.relu6)
		}
	})
}

// weightGrad writes dW (out, in*9 in the file's (in, ky, kx) order) from the input and
// the pre-activation gradient gz, adding the parts' partial sums in part order.
func (op *stemOp) weightGrad(x, gz, dw []float32) {
	g, c, o, kkc := op.g, op.g.c, op.o, op.kkc
	n := g.b * g.ho * g.wo
	parallel(n, n*kkc*o, func(part, lo, hi int) {
		acc := op.dwPart[part]
		clear(acc)
		for p0 := lo; p0 < hi; p0 += stemChunk {
			p1 := min(p0+stemChunk, hi)
			cols := op.cols[part][:(p1-p0)*kkc]
			op.im2col(x, p0, p1, cols)
			sgemm(true, false, o, kkc, p1-p0, 1, gz[p0*o:], o, cols, kkc, 1, acc, kkc)
		}
	})
	for oc := range o {
		for ci := range c {
			for t := range 9 {
				var s float32
				for _, p := range op.dwPart {
					s += p[oc*kkc+t*c+ci]
				}
				dw[oc*kkc+ci*9+t] = s
			}
		}
	}
}

// avgPool adds global average pooling: (B,H,W,C) to (B,C).
func avgPool(x *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	out := l.OutShape()
	s := x.Shape()
	hw, c := s[1]*s[2], s[3]
	k := newKernel(l.Name+".avgpool", []int{4}, tensor.Shape{batch, out.Channels})
	k.run = func(dst []float32, in [][]float32) float32 {
		inv := 1 / float32(hw)
		for b := range batch {
			d := dst[b*c:][:c]
			clear(d)
			for p := range hw {
				simd.AddTo(d, in[0][(b*hw+p)*c:][:c])
			}
			for i := range d {
				d[i] *= inv
			}
		}
		return 0
	}
	if !need.dx && !need.dw {
		return k.apply(x)
	}
	k.diffWRT = []bool{true}
	k.diff = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		dx := newKernel(l.Name+".davgpool", []int{2}, inputs[0].Shape().Clone())
		dx.run = func(dst []float32, in [][]float32) float32 {
			inv := 1 / float32(hw)
			for b := range batch {
				g := in[0][b*c:][:c]
				for p := range hw {
					d := dst[(b*hw+p)*c:][:c]
					for i, v := range g {
						d[i] = v * inv
					}
				}
			}
			return 0
		}
		n, err := dx.apply(grad)
		return G.Nodes{n}, err
	}
	return k.apply(x)
}
