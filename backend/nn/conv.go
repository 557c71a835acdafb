package nn

import (
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
	"transferlab/backend/nn/internal/simd"
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
// edge tests. The weights are permuted to the same order (see permute). With one input
// channel (the first layer on grey images) the runs would be a few floats each, so
// the patches are written transposed instead (see im2colT).
func (g convGeom) im2col(x []float32, b0, b1 int, cols, pad []float32) {
	if g.c == 1 {
		g.im2colT(x, b0, b1, cols, pad)
		return
	}
	kkc, kc, c := g.kkc(), g.k*g.c, g.c
	pw := g.w + 2*g.pad
	r := 0
	for b := b0; b < b1; b++ {
		g.fillPad(x, b, pad)
		for oy := 0; oy < g.ho; oy++ {
			// For kernel row ky, the output pixels of row oy read runs of kc floats
			// that start c apart on padded row oy+ky.
			for ky := 0; ky < g.k; ky++ {
				simd.CopyRuns(cols[(r*kkc+ky*kc):], kkc, pad[(oy+ky)*pw*c:], c, kc, g.wo)
			}
			r += g.wo
		}
	}
}

// im2colT writes the patches of one-channel images [b0,b1) as the transpose of
// im2col's: one row per kernel tap (ky, kx), one column per output pixel. A row of
// output pixels then reads one contiguous run of a padded image row, so the patches
// are whole-row copies rather than a handful of scalar writes per pixel.
func (g convGeom) im2colT(x []float32, b0, b1 int, cols, pad []float32) {
	pw, pix := g.w+2*g.pad, g.pix()
	rows := (b1 - b0) * pix
	for b := b0; b < b1; b++ {
		g.fillPad(x, b, pad)
		at := (b - b0) * pix
		for ky := 0; ky < g.k; ky++ {
			for kx := 0; kx < g.k; kx++ {
				tap := cols[(ky*g.k+kx)*rows+at:]
				for oy := 0; oy < g.ho; oy++ {
					copy(tap[oy*g.wo:][:g.wo], pad[(oy+ky)*pw+kx:])
				}
			}
		}
	}
}

// fillPad copies image b of x into the inside of pad, whose border stays zero.
func (g convGeom) fillPad(x []float32, b int, pad []float32) {
	c, pw := g.c, g.w+2*g.pad
	img := x[b*g.hwc():][:g.hwc()]
	for y := 0; y < g.h; y++ {
		copy(pad[((y+g.pad)*pw+g.pad)*c:][:g.w*c], img[y*g.w*c:])
	}
}

// padded is the size of im2col's padded image scratch; its border stays zero.
func (g convGeom) padded() int { return (g.h + 2*g.pad) * (g.w + 2*g.pad) * g.c }

// col2im adds the patch gradients of images [b0,b1) (cols in im2col's layout) back onto
// the input pixels they came from, overwriting those images' part of dx. It adds into
// a zero-padded image (pad, a scratch of padded() floats), where every kernel row of
// a patch is one contiguous run as in im2col, then copies the inside to dx.
func (g convGeom) col2im(cols []float32, b0, b1 int, dx, pad []float32) {
	kkc, kc, c := g.kkc(), g.k*g.c, g.c
	pw := g.w + 2*g.pad
	r := 0
	for b := b0; b < b1; b++ {
		clear(pad)
		for oy := 0; oy < g.ho; oy++ {
			for ky := 0; ky < g.k; ky++ {
				simd.AddRuns(pad[(oy+ky)*pw*c:], c, cols[r*kkc+ky*kc:], kkc, kc, g.wo)
			}
			r += g.wo
		}
		img := dx[b*g.hwc():][:g.hwc()]
		for y := 0; y < g.h; y++ {
			copy(img[y*g.w*c:][:g.w*c], pad[((y+g.pad)*pw+g.pad)*c:])
		}
	}
}

// permute copies a (out, in, k, k) weight into (out, k, k, in) order, im2col's, in wp
// (the backward pass's GEMM operand) and into (k, k, in, out) order in wt (the forward
// pass's): once a step, so that no GEMM transposes the weights per chunk.
func (g convGeom) permute(w, wp, wt []float32) {
	kk := g.k * g.k
	for o := 0; o < g.o; o++ {
		src, dst := w[o*g.kkc():][:g.kkc()], wp[o*g.kkc():][:g.kkc()]
		for ci := 0; ci < g.c; ci++ {
			for j := 0; j < kk; j++ {
				v := src[ci*kk+j]
				dst[j*g.c+ci] = v
				wt[(j*g.c+ci)*g.o+o] = v
			}
		}
	}
}

// poolCut marks, in convOp.arg, a pool window whose maximum the ReLU cut to zero: no
// gradient flows back through it.
const poolCut = simd.PoolCut

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
	wt         []float32   // the same in (k, k, in, out) order
	cols       [][]float32 // per part: patches of one chunk
	x          []float32   // this step's input, whose patches the weight gradient gathers again
	pad        [][]float32 // per part: one zero-padded image for im2col
	dpad       [][]float32 // per part: one padded image gradient for col2im
	scratch    [][]float32 // per part: gradients of one chunk's patches
	pre        [][]float32 // per part: GEMM output of one chunk, before bias and pooling
	dpre       [][]float32 // per part: gradient of one chunk's GEMM output
	arg        []int32     // pool window position (0-3) of each output's maximum, | poolCut
	bsum       [][]float32 // per part: bias gradient partial sums
	wpart      [][]float32 // per part: weight gradient partial sums, (out, k, k, in)
	dwT        bool        // wpart is transposed, (k, k, in, out): faster when k*k*in < out, and for one channel
	chunk      int         // images per GEMM
}

// chunkImages picks how many images one GEMM covers: the chunk's patches and GEMM
// output together about chunkFloats, so what im2col writes is still in cache when the
// GEMM reads it, and the GEMM's output when the pool reads it.
func (g convGeom) chunkImages() int {
	return max(1, min(chunkFloats/(g.pix()*(g.kkc()+g.o)), (g.b+parts-1)/parts))
}

var chunkFloats = 1 << 16

// conv adds a convolution (with its bias, optional ReLU and optional 2x2 max pool)
// reading x (B,H,W,C).
func conv(x, w, bias *G.Node, l Layer, batch int, need layerGrads) (*G.Node, error) {
	g := convGeom{b: batch, h: l.InShape.Height, w: l.InShape.Width, c: l.In, o: l.Out, k: l.Kernel, pad: l.Pad}
	g.ho, g.wo = g.h+2*g.pad-g.k+1, g.w+2*g.pad-g.k+1
	op := newConvOp(g, l.ReLU, l.Pool, need)
	backward := need.dx || need.dw
	outShape := tensor.Shape{g.b, g.ho, g.wo, g.o}
	if op.pool {
		outShape = tensor.Shape{g.b, op.hp, op.wp, g.o}
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
		// One kernel runs the whole backward pass chunk by chunk (see backward); the
		// other gradients are read from the buffers it filled, their kernels
		// depending on it only to run after it.
		res := make(G.Nodes, 3)
		var dxBuf []float32
		var dx *kernel
		if need.dx {
			dx = newKernel(l.Name+".dinput", []int{4, 4}, tensor.Shape{g.b, g.h, g.w, g.c})
			dxBuf = dx.out.Data().([]float32)
		}
		if !need.dw {
			dx.run = func(out []float32, in [][]float32) float32 {
				op.backward(in[0], in[1], nil, out)
				return 0
			}
			n, err := dx.apply(output, grad)
			res[0] = n
			return res, err
		}
		dw := newKernel(l.Name+".dweight", []int{4, 4}, tensor.Shape{g.o, g.c, g.k, g.k})
		dw.run = func(out []float32, in [][]float32) float32 {
			op.backward(in[0], in[1], out, dxBuf)
			return 0
		}
		var err error
		if res[1], err = dw.apply(output, grad); err != nil {
			return nil, err
		}
		db := newKernel(l.Name+".dbias", []int{4}, tensor.Shape{g.o})
		db.run = func(out []float32, _ [][]float32) float32 {
			// backward left one partial sum per part: add them in part order.
			copy(out, op.bsum[0])
			for _, s := range op.bsum[1:] {
				for j, v := range s {
					out[j] += v
				}
			}
			return 0
		}
		if res[2], err = db.apply(res[1]); err != nil {
			return nil, err
		}
		if need.dx {
			dx.inDims = []int{4}
			dx.ins = make([][]float32, 1)
			dx.diffWRT = []bool{false}
			dx.run = func([]float32, [][]float32) float32 { return 0 } // filled by dweight
			if res[0], err = dx.apply(res[1]); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	return k.apply(x, w, bias)
}

// newConvOp allocates every buffer the op will use, once.
func newConvOp(g convGeom, relu, pool bool, need layerGrads) *convOp {
	op := &convOp{g: g, relu: relu, pool: pool, chunk: g.chunkImages()}
	op.wperm, op.wt = make([]float32, g.o*g.kkc()), make([]float32, g.o*g.kkc())
	// One-channel patches are stored transposed already (im2colT), which suits the
	// transposed layout whatever the sizes.
	op.dwT = g.kkc() < g.o || g.c == 1
	backward := need.dx || need.dw
	if op.pool {
		op.hp, op.wp = g.ho/2, g.wo/2
		op.arg = make([]int32, g.b*op.hp*op.wp*g.o)
	}
	op.scratch, op.pre, op.bsum = make([][]float32, parts), make([][]float32, parts), make([][]float32, parts)
	op.pad, op.dpre, op.cols = make([][]float32, parts), make([][]float32, parts), make([][]float32, parts)
	op.dpad = make([][]float32, parts)
	for p := range parts {
		op.pad[p] = make([]float32, g.padded())
		op.cols[p] = make([]float32, op.chunk*g.pix()*g.kkc())
		if need.dx {
			op.scratch[p] = make([]float32, op.chunk*g.pix()*g.kkc())
			op.dpad[p] = make([]float32, g.padded())
		}
		if op.pool {
			op.pre[p] = make([]float32, op.chunk*g.pix()*g.o)
		}
		if backward {
			op.dpre[p] = make([]float32, op.chunk*g.pix()*g.o)
		}
		op.bsum[p] = make([]float32, g.o)
	}
	if need.dw {
		op.wpart = make([][]float32, parts)
		for p := range parts {
			op.wpart[p] = make([]float32, g.o*g.kkc())
		}
	}
	return op
}

func (op *convOp) forward(x, w, bias, out []float32) {
	g := op.g
	g.permute(w, op.wperm, op.wt)
	op.x = x
	pix, kkc := g.pix(), g.kkc()
	parallel(g.b, g.b*pix*kkc*g.o, func(part, b0, b1 int) {
		for c0 := b0; c0 < b1; c0 += op.chunk {
			c1 := min(c0+op.chunk, b1)
			rows := (c1 - c0) * pix
			cols := op.cols[part][:rows*kkc]
			g.im2col(x, c0, c1, cols, op.pad[part])
			if !op.pool {
				dst := out[c0*pix*g.o:][:rows*g.o]
				g.patchGEMM(cols, rows, op.wt, dst)
				addBias(dst, bias, op.relu)
				continue
			}
			pre := op.pre[part][:rows*g.o]
			g.patchGEMM(cols, rows, op.wt, pre)
			op.poolChunk(pre, bias, c0, c1, out)
		}
	})
}

// patchGEMM computes dst (rows x out) = patches x wt, with the patches in the layout
// im2col wrote them.
func (g convGeom) patchGEMM(cols []float32, rows int, wt, dst []float32) {
	if g.c == 1 {
		sgemm(true, false, rows, g.o, g.kkc(), 1, cols, rows, wt, g.o, 0, dst, g.o)
		return
	}
	sgemm(false, false, rows, g.o, g.kkc(), 1, cols, g.kkc(), wt, g.o, 0, dst, g.o)
}

// poolChunk max-pools the GEMM output of images [c0,c1), then adds the bias and applies
// the ReLU to each maximum: both are monotone, so this equals pooling their output.
// It records which window position won, for the backward pass; ties go to the first
// position in (top-left, top-right, bottom-left, bottom-right) order.
func (op *convOp) poolChunk(pre, bias []float32, c0, c1 int, out []float32) {
	g, o := op.g, op.g.o
	reluMask := int32(0)
	if op.relu {
		reluMask = -1
	}
	for b := c0; b < c1; b++ {
		img := pre[(b-c0)*g.pix()*o:]
		for py := 0; py < op.hp; py++ {
			r0 := img[2*py*g.wo*o:][:g.wo*o]
			r1 := img[(2*py+1)*g.wo*o:][:g.wo*o]
			at := ((b*op.hp + py) * op.wp) * o
			simd.PoolRow(r0, r1, bias[:o], out[at:][:op.wp*o], op.arg[at:][:op.wp*o], reluMask)
		}
	}
}

// backward runs the layer's backward pass from y and dy, the layer's output and its
// gradient. Each part takes its images a chunk at a time: the chunk's gradient of the
// GEMM output (dpre) is built in a small scratch and used at once, while in cache, for
// the chunk's share of dW (accumulated into the part's own partial sum) and, if dx is
// not nil, for dx (dcols = dpre W, then col2im). The parts' partial sums are then
// added in part order into dw (if not nil, in (out, in, k, k) layout) and left in
// bsum for the bias. A fixed split, so the result never depends on scheduling.
func (op *convOp) backward(y, dy, dw, dx []float32) {
	g := op.g
	pix, kkc, o := g.pix(), g.kkc(), g.o
	parallel(g.b, 3*g.b*pix*kkc*o, func(part, b0, b1 int) {
		clear(op.bsum[part])
		if dw != nil && b0 == b1 {
			clear(op.wpart[part])
		}
		for c0 := b0; c0 < b1; c0 += op.chunk {
			c1 := min(c0+op.chunk, b1)
			rows := (c1 - c0) * pix
			dpre := op.dpre[part][:rows*o]
			op.preGrad(y, dy, c0, c1, dpre, op.bsum[part])
			if dw != nil {
				beta := float32(1)
				if c0 == b0 {
					beta = 0
				}
				// The chunk's patches again, gathered into cache rather than kept
				// for the whole batch: writing them all out to memory in the forward
				// pass and reading them back here cost more than gathering twice.
				cols, dst := op.cols[part][:rows*kkc], op.wpart[part]
				g.im2col(op.x, c0, c1, cols, op.pad[part])
				switch {
				case g.c == 1: // cols is already the transpose, and dwT is set
					sgemm(false, false, kkc, o, rows, 1, cols, rows, dpre, o, beta, dst, o)
				case op.dwT:
					sgemm(true, false, kkc, o, rows, 1, cols, kkc, dpre, o, beta, dst, o)
				default:
					sgemm(true, false, o, kkc, rows, 1, dpre, o, cols, kkc, beta, dst, kkc)
				}
			}
			if dx != nil {
				dcols := op.scratch[part][:rows*kkc]
				sgemm(false, false, rows, kkc, o, 1, dpre, o, op.wperm, kkc, 0, dcols, kkc)
				g.col2im(dcols, c0, c1, dx, op.dpad[part])
			}
		}
	})
	if dw == nil {
		return
	}
	kk := g.k * g.k
	for oc := 0; oc < o; oc++ {
		dst := dw[oc*kkc:][:kkc]
		for j := 0; j < kk; j++ {
			for ci := 0; ci < g.c; ci++ {
				at := oc*kkc + j*g.c + ci // (out, k, k, in)
				if op.dwT {
					at = (j*g.c+ci)*o + oc // (k, k, in, out)
				}
				var s float32
				for _, p := range op.wpart {
					s += p[at]
				}
				dst[ci*kk+j] = s
			}
		}
	}
}

// preGrad writes the gradient of the GEMM output of images [c0,c1) into dpre (chunk
// rows), and adds the bias gradient into bs. Behind a pool, each window's gradient
// goes to the position that won it and the other three get zero; rows and columns a
// pool drops (odd sizes) are never written, and stay zero in the op's own scratch.
func (op *convOp) preGrad(y, dy []float32, c0, c1 int, dpre, bs []float32) {
	g, o := op.g, op.g.o
	if !op.pool {
		for r := c0 * g.pix(); r < c1*g.pix(); r++ {
			ys, gs, ds := y[r*o:][:o], dy[r*o:][:o], dpre[(r-c0*g.pix())*o:][:o]
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
	rowStep := g.wo * o
	for b := c0; b < c1; b++ {
		for py := 0; py < op.hp; py++ {
			base := dpre[(((b-c0)*g.ho+2*py)*g.wo)*o:][:2*rowStep]
			at := ((b*op.hp + py) * op.wp) * o
			simd.PoolGradRow(dy[at:][:op.wp*o], op.arg[at:][:op.wp*o], base[:rowStep], base[rowStep:], bs)
		}
	}
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
func addBias(out, bias []float32, relu bool) { simd.AddBias(out, bias, relu) }

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
		simd.AddRuns(out, 0, in[0], n, n, len(in[0])/n) // every row into out, in order
		return 0
	}
	return k.apply(gy)
}
