package nn

import (
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// convGeom is a stride-1 square convolution over NHWC activations.
type convGeom struct {
	b, h, w, c int // input batch and shape
	o, k, pad  int // output channels, kernel, padding
	ho, wo     int
}

func (g convGeom) pix() int { return g.ho * g.wo } // GEMM rows (output pixels) per image
func (g convGeom) kkc() int { return g.k * g.k * g.c }
func (g convGeom) hwc() int { return g.h * g.w * g.c }

// im2col writes the patches of images [b0,b1) into cols, one row per output pixel in
// (ky, kx, c) order: each kernel row of a patch is then one contiguous run of a
// zero-padded copy of the image (pad, a scratch of padded() floats), copied with no
// edge tests. The weights are permuted to the same order (see permute).
func (g convGeom) im2col(x []float32, b0, b1 int, cols, pad []float32) {
	kkc, kc, c := g.kkc(), g.k*g.c, g.c
	pw := g.w + 2*g.pad
	r := 0
	for b := b0; b < b1; b++ {
		img := x[b*g.hwc():][:g.hwc()]
		for y := 0; y < g.h; y++ {
			copy(pad[((y+g.pad)*pw+g.pad)*c:][:g.w*c], img[y*g.w*c:])
		}
		for oy := 0; oy < g.ho; oy++ {
			for ox := 0; ox < g.wo; ox++ {
				row := cols[r*kkc:][:kkc]
				r++
				for ky := 0; ky < g.k; ky++ {
					seg := row[ky*kc:][:kc]
					src := pad[((oy+ky)*pw+ox)*c:][:kc]
					if kc <= 16 {
						for i := range seg {
							seg[i] = src[i]
						}
					} else {
						copy(seg, src)
					}
				}
			}
		}
	}
}

// padded is the size of im2col's padded image scratch; its border stays zero.
func (g convGeom) padded() int { return (g.h + 2*g.pad) * (g.w + 2*g.pad) * g.c }

// col2im adds the patch gradients of images [b0,b1) (cols in im2col's layout) back onto
// the input pixels they came from, overwriting those images' part of dx.
func (g convGeom) col2im(cols []float32, b0, b1 int, dx []float32) {
	kkc, kc, c := g.kkc(), g.k*g.c, g.c
	clear(dx[b0*g.hwc() : b1*g.hwc()])
	r := 0
	for b := b0; b < b1; b++ {
		img := dx[b*g.hwc():][:g.hwc()]
		for oy := 0; oy < g.ho; oy++ {
			for ox := 0; ox < g.wo; ox++ {
				row := cols[r*kkc:][:kkc]
				r++
				ix0 := ox - g.pad
				kx0, kx1 := max(0, -ix0), min(g.k, g.w-ix0)
				if kx0 >= kx1 {
					continue
				}
				for ky := 0; ky < g.k; ky++ {
					iy := oy + ky - g.pad
					if iy < 0 || iy >= g.h {
						continue
					}
					src := row[ky*kc+kx0*c:][:(kx1-kx0)*c]
					dst := img[(iy*g.w+ix0+kx0)*c:][:len(src)]
					for i, v := range src {
						dst[i] += v
					}
				}
			}
		}
	}
}

// permute copies a (out, in, k, k) weight into (out, k, k, in) order, im2col's.
func (g convGeom) permute(w, wp []float32) {
	kk := g.k * g.k
	for o := 0; o < g.o; o++ {
		src, dst := w[o*g.kkc():][:g.kkc()], wp[o*g.kkc():][:g.kkc()]
		for ci := 0; ci < g.c; ci++ {
			for j := 0; j < kk; j++ {
				dst[j*g.c+ci] = src[ci*kk+j]
			}
		}
	}
}

// poolCut marks, in convOp.arg, a pool window whose maximum the ReLU cut to zero: no
// gradient flows back through it.
const poolCut = 4

// layerGrads says which gradients a layer's backward pass must produce.
type layerGrads struct {
	dx, dw bool // gradient for the input (a trainable layer lies below) and the weights
}

// convOp is one convolution layer fused with its bias, ReLU and 2x2 max pool: the
// forward pass is im2col + one GEMM per chunk of images, then bias, ReLU and pooling in
// a single pass over the GEMM output while it is still in cache. Only the pooled output
// and, for training, which of the four inputs won each pool window are kept.
type convOp struct {
	g          convGeom
	relu, pool bool
	hp, wp     int         // pooled output size
	wperm      []float32   // this step's weights in (out, k, k, in) order
	cols       []float32   // every patch of the batch, kept for the weight gradient; nil if frozen
	pad        [][]float32 // per part: one zero-padded image for im2col
	scratch    [][]float32 // per part: patches of one chunk (when cols is nil) or their gradients
	pre        [][]float32 // per part: GEMM output of one chunk, before bias and pooling
	arg        []uint8     // pool window position (0-3) of each output's maximum, | poolCut
	prev       []uint8     // arg as of the last backward pass: where dpre is nonzero
	bsum       [][]float32 // per part: bias gradient partial sums
	wpart      [][]float32 // per part: weight gradient partial sums, (out, k, k, in)
	dwT        bool        // wpart is transposed, (k, k, in, out): faster when k*k*in < out
	chunk      int         // images per GEMM
}

// chunkImages picks how many images one GEMM covers: the chunk's patches and GEMM
// output together about chunkFloats, so what im2col writes is still in cache when the
// GEMM reads it, and the GEMM's output when the pool reads it.
func (g convGeom) chunkImages() int {
	return max(1, min(chunkFloats/(g.pix()*(g.kkc()+g.o)), (g.b+parts-1)/parts))
}

var chunkFloats = 1 << 18

// conv adds a convolution (with its bias, optional ReLU and optional 2x2 max pool)
// reading x (B,H,W,C).
func conv(x, w, bias *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	g := convGeom{b: batch, h: l.InShape.Height, w: l.InShape.Width, c: l.In, o: l.Out, k: l.Kernel, pad: l.Pad}
	g.ho, g.wo = g.h+2*g.pad-g.k+1, g.w+2*g.pad-g.k+1
	op := &convOp{g: g, relu: l.ReLU, pool: l.Pool, chunk: g.chunkImages()}
	op.wperm = make([]float32, g.o*g.kkc())
	op.dwT = g.kkc() < g.o
	backward := need.dx || need.dw
	if need.dw {
		op.cols = make([]float32, g.b*g.pix()*g.kkc())
	}
	outShape := tensor.Shape{g.b, g.ho, g.wo, g.o}
	if op.pool {
		op.hp, op.wp = g.ho/2, g.wo/2
		outShape = tensor.Shape{g.b, op.hp, op.wp, g.o}
		if backward {
			op.arg = make([]uint8, g.b*op.hp*op.wp*g.o)
			op.prev = make([]uint8, len(op.arg))
		}
	}
	op.scratch, op.pre, op.bsum = make([][]float32, parts), make([][]float32, parts), make([][]float32, parts)
	op.pad = make([][]float32, parts)
	for p := range parts {
		op.pad[p] = make([]float32, g.padded())
		if op.cols == nil || need.dx {
			op.scratch[p] = make([]float32, op.chunk*g.pix()*g.kkc())
		}
		if op.pool {
			op.pre[p] = make([]float32, op.chunk*g.pix()*g.o)
		}
		op.bsum[p] = make([]float32, g.o)
	}
	if need.dw {
		op.wpart = make([][]float32, parts)
		for p := range parts {
			op.wpart[p] = make([]float32, g.o*g.kkc())
		}
	}
	k := newKernel(l.Name+".conv", []int{4, 4, 1}, outShape)
	k.run = func(out []float32, in [][]float32) float32 {
		op.forward(in[0], in[1], in[2], out)
		return 0
	}
	if !backward {
		return k.apply(x, w, bias)
	}
	k.diffWRT = []bool{need.dx, need.dw, need.dw}
	k.diff = func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
		// dpre is the gradient of the GEMM output (pre-activation, before pooling).
		dpre := newKernel(l.Name+".dpre", []int{4, 4}, tensor.Shape{g.b, g.ho, g.wo, g.o})
		dpre.run = func(out []float32, in [][]float32) float32 {
			op.preGrad(in[0], in[1], out)
			return 0
		}
		gy, err := dpre.apply(output, grad)
		if err != nil {
			return nil, err
		}
		res := make(G.Nodes, 3)
		if need.dw {
			dw := newKernel(l.Name+".dweight", []int{4, 4}, tensor.Shape{g.o, g.c, g.k, g.k})
			dw.run = func(out []float32, in [][]float32) float32 {
				op.weightGrad(in[1], out)
				return 0
			}
			if res[1], err = dw.apply(inputs[0], gy); err != nil {
				return nil, err
			}
			db := newKernel(l.Name+".dbias", []int{4}, tensor.Shape{g.o})
			db.run = func(out []float32, _ [][]float32) float32 {
				// preGrad left one partial sum per part: add them in part order.
				copy(out, op.bsum[0])
				for _, s := range op.bsum[1:] {
					for j, v := range s {
						out[j] += v
					}
				}
				return 0
			}
			if res[2], err = db.apply(gy); err != nil {
				return nil, err
			}
		}
		if need.dx {
			dx := newKernel(l.Name+".dinput", []int{4, 4}, tensor.Shape{g.b, g.h, g.w, g.c})
			dx.run = func(out []float32, in [][]float32) float32 {
				op.inputGrad(in[1], out)
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

func (op *convOp) forward(x, w, bias, out []float32) {
	g := op.g
	g.permute(w, op.wperm)
	pix, kkc := g.pix(), g.kkc()
	parallel(g.b, g.b*pix*kkc*g.o, func(part, b0, b1 int) {
		for c0 := b0; c0 < b1; c0 += op.chunk {
			c1 := min(c0+op.chunk, b1)
			rows := (c1 - c0) * pix
			cols := op.scratch[part]
			if op.cols != nil {
				cols = op.cols[c0*pix*kkc:]
			}
			cols = cols[:rows*kkc]
			g.im2col(x, c0, c1, cols, op.pad[part])
			if !op.pool {
				dst := out[c0*pix*g.o:][:rows*g.o]
				sgemm(false, true, rows, g.o, kkc, 1, cols, kkc, op.wperm, kkc, 0, dst, g.o)
				addBias(dst, bias, op.relu)
				continue
			}
			pre := op.pre[part][:rows*g.o]
			sgemm(false, true, rows, g.o, kkc, 1, cols, kkc, op.wperm, kkc, 0, pre, g.o)
			op.poolChunk(pre, bias, c0, c1, out)
		}
	})
}

// poolChunk max-pools the GEMM output of images [c0,c1), then adds the bias and applies
// the ReLU to each maximum: both are monotone, so this equals pooling their output.
// It records which window position won, for the backward pass. Ties go to the first
// position in (top-left, top-right, bottom-left, bottom-right) order.
func (op *convOp) poolChunk(pre, bias []float32, c0, c1 int, out []float32) {
	g, o, relu := op.g, op.g.o, op.relu
	for b := c0; b < c1; b++ {
		img := pre[(b-c0)*g.pix()*o:]
		for py := 0; py < op.hp; py++ {
			r0 := img[2*py*g.wo*o:][:g.wo*o]
			r1 := img[(2*py+1)*g.wo*o:][:g.wo*o]
			at := ((b*op.hp + py) * op.wp) * o
			dst := out[at:][:op.wp*o]
			var arg []uint8
			if op.arg != nil {
				arg = op.arg[at:][:op.wp*o]
			}
			for px := 0; px < op.wp; px++ {
				p00, p01 := r0[2*px*o:][:o], r0[(2*px+1)*o:][:o]
				p10, p11 := r1[2*px*o:][:o], r1[(2*px+1)*o:][:o]
				d := dst[px*o:][:o]
				bs := bias[:o]
				for ch := range d {
					// Branch-free: the comparisons are unpredictable.
					a, b, c, e := p00[ch], p01[ch], p10[ch], p11[ch]
					m0, i0 := math.Float32bits(a), uint8(0)
					if b > a {
						m0, i0 = math.Float32bits(b), 1
					}
					m1, i1 := math.Float32bits(c), uint8(2)
					if e > c {
						m1, i1 = math.Float32bits(e), 3
					}
					best, pos := m0, i0
					if math.Float32frombits(m1) > math.Float32frombits(m0) {
						best, pos = m1, i1
					}
					v := math.Float32frombits(best) + bs[ch]
					vb := math.Float32bits(v)
					if relu && v <= 0 {
						vb, pos = 0, pos|poolCut
					}
					d[ch] = math.Float32frombits(vb)
					if arg != nil {
						arg[px*o+ch] = pos
					}
				}
			}
		}
	}
}

// preGrad turns the gradient of the layer's output (after ReLU and pool) into the
// gradient of the GEMM output, and leaves each part's bias-gradient partial sums in
// bsum. Every element it owns is written, so nothing needs zeroing; rows and columns a
// pool drops (odd sizes) are never written and stay zero.
func (op *convOp) preGrad(y, dy, dpre []float32) {
	g, o := op.g, op.g.o
	parallel(g.b, len(dpre), func(part, b0, b1 int) {
		bs := op.bsum[part]
		clear(bs)
		if !op.pool {
			for r := b0 * g.pix(); r < b1*g.pix(); r++ {
				ys, gs, ds := y[r*o:][:o], dy[r*o:][:o], dpre[r*o:][:o]
				for ch, v := range gs {
					if op.relu {
						v = reluGrad(ys[ch], v)
					}
					ds[ch] = v
					bs[ch] += v
				}
			}
			return
		}
		// Each window's gradient goes to the position that won it; the other three
		// are zero. dpre is this op's own buffer, so only the position written last
		// step needs zeroing: two stores a window instead of four.
		rowStep := g.wo * o
		for b := b0; b < b1; b++ {
			for py := 0; py < op.hp; py++ {
				base := dpre[((b*g.ho+2*py)*g.wo)*o:][:2*rowStep]
				at := ((b*op.hp + py) * op.wp) * o
				gs := dy[at:][:op.wp*o]
				arg, prev := op.arg[at:][:len(gs)], op.prev[at:][:len(gs)]
				for px := 0; px < op.wp; px++ {
					win := base[2*px*o:]
					a, pa, gv := arg[px*o:][:o], prev[px*o:][:o], gs[px*o:][:o]
					for ch := range a {
						cur := a[ch]
						keep := uint32(cur>>2&1) - 1 // all ones unless poolCut
						v := math.Float32frombits(math.Float32bits(gv[ch]) & keep)
						po := int(pa[ch]&2>>1)*rowStep + int(pa[ch]&1)*o + ch
						co := int(cur&2>>1)*rowStep + int(cur&1)*o + ch
						win[po] = 0
						win[co] = v
						pa[ch] = cur
						bs[ch] += v
					}
				}
			}
		}
	})
}

// weightGrad computes dW = dpre^T cols. Each part multiplies its own images' rows into
// its own buffer; the parts are then added in part order while permuting back to the
// (out, in, k, k) layout.
func (op *convOp) weightGrad(dpre, out []float32) {
	g := op.g
	pix, kkc := g.pix(), g.kkc()
	partial := op.wpart
	parallel(g.b, g.b*pix*kkc*g.o, func(part, b0, b1 int) {
		dst := partial[part]
		if b0 == b1 {
			clear(dst)
			return
		}
		rows := (b1 - b0) * pix
		dp, cols := dpre[b0*pix*g.o:], op.cols[b0*pix*kkc:]
		if op.dwT {
			sgemm(true, false, kkc, g.o, rows, 1, cols, kkc, dp, g.o, 0, dst, g.o)
		} else {
			sgemm(true, false, g.o, kkc, rows, 1, dp, g.o, cols, kkc, 0, dst, kkc)
		}
	})
	kk := g.k * g.k
	for o := 0; o < g.o; o++ {
		dst := out[o*kkc:][:kkc]
		for j := 0; j < kk; j++ {
			for ci := 0; ci < g.c; ci++ {
				at := o*kkc + j*g.c + ci // (out, k, k, in)
				if op.dwT {
					at = (j*g.c+ci)*g.o + o // (k, k, in, out)
				}
				var s float32
				for _, p := range partial {
					s += p[at]
				}
				dst[ci*kk+j] = s
			}
		}
	}
}

// inputGrad computes dx: per chunk of images, dcols = dpre W, then col2im.
func (op *convOp) inputGrad(dpre, dx []float32) {
	g := op.g
	pix, kkc := g.pix(), g.kkc()
	parallel(g.b, g.b*pix*kkc*g.o, func(part, b0, b1 int) {
		for c0 := b0; c0 < b1; c0 += op.chunk {
			c1 := min(c0+op.chunk, b1)
			rows := (c1 - c0) * pix
			dcols := op.scratch[part][:rows*kkc]
			sgemm(false, false, rows, kkc, g.o, 1, dpre[c0*pix*g.o:], g.o, op.wperm, kkc, 0, dcols, kkc)
			g.col2im(dcols, c0, c1, dx)
		}
	})
}

// reluGrad passes g where the ReLU's output y is positive. It masks bits rather than
// branching: whether a unit is active is a coin toss the branch predictor loses.
func reluGrad(y, g float32) float32 {
	keep := uint32(0)
	if y > 0 {
		keep = ^uint32(0)
	}
	return math.Float32frombits(math.Float32bits(g) & keep)
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
			out[i] = reluGrad(v, gy[i])
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
