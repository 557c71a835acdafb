//go:build amd64 && !purego

package simd

import "golang.org/x/sys/cpu"

var useAVX2 = cpu.X86.HasAVX2

var useFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func mulAddAVX2(dst, a, b []float32)

//go:noescape
func clampAVX2(x []float32, lo, hi float32)

// Clamp limits every x[i] to [lo, hi]: see ClampGo.
func Clamp(x []float32, lo, hi float32) {
	if useAVX2 {
		clampAVX2(x, lo, hi)
		return
	}
	ClampGo(x, lo, hi)
}

//go:noescape
func passInsideAVX2(dst, y, g []float32, lo, hi float32)

// PassInside keeps g where y lies strictly inside (lo, hi): see PassInsideGo.
func PassInside(dst, y, g []float32, lo, hi float32) {
	if useAVX2 && len(y) >= len(dst) && len(g) >= len(dst) {
		passInsideAVX2(dst, y, g, lo, hi)
		return
	}
	PassInsideGo(dst, y, g, lo, hi)
}

//go:noescape
func poolRowAVX2(r0, r1, bias, dst []float32, arg []int32, reluMask int32)

// PoolRow pools one row of windows: see PoolRowGo.
func PoolRow(r0, r1, bias, dst []float32, arg []int32, reluMask int32) {
	o := len(bias)
	if useAVX2 && o%8 == 0 && len(r0) >= 2*len(dst) && len(r1) >= 2*len(dst) && len(arg) >= len(dst) && len(dst)%o == 0 {
		poolRowAVX2(r0, r1, bias, dst, arg, reluMask)
		return
	}
	PoolRowGo(r0, r1, bias, dst, arg, reluMask)
}

//go:noescape
func poolGradRowAVX2(gs []float32, arg []int32, q0, q1, bs []float32)

// PoolGradRow routes one row of pooled gradients back: see PoolGradRowGo.
func PoolGradRow(gs []float32, arg []int32, q0, q1, bs []float32) {
	o := len(bs)
	if useAVX2 && o%8 == 0 && len(gs)%o == 0 && len(arg) >= len(gs) && len(q0) >= 2*len(gs) && len(q1) >= 2*len(gs) {
		poolGradRowAVX2(gs, arg, q0, q1, bs)
		return
	}
	PoolGradRowGo(gs, arg, q0, q1, bs)
}

// MulAdd adds a[i]*b[i] to dst[i]: see MulAddGo.
func MulAdd(dst, a, b []float32) {
	if useFMA && len(a) >= len(dst) && len(b) >= len(dst) {
		mulAddAVX2(dst, a, b)
		return
	}
	MulAddGo(dst, a, b)
}

//go:noescape
func transpose8AVX2(src *float32, ld int, blocks int, dst *float32, ldd int, srcStep int, dstStep int)

//go:noescape
func copyRunsAVX2(dst *float32, dstStride int, src *float32, srcStride int, n int, count int)

// CopyRuns copies count runs of n floats, run r from src[r*srcStride:] to
// dst[r*dstStride:]: the gather of im2col.
func CopyRuns(dst []float32, dstStride int, src []float32, srcStride int, n, count int) {
	if count <= 0 || n <= 0 {
		return
	}
	_, _ = dst[(count-1)*dstStride+n-1], src[(count-1)*srcStride+n-1] // bounds, once
	if useAVX2 && n%8 == 0 {
		copyRunsAVX2(&dst[0], dstStride, &src[0], srcStride, n, count)
		return
	}
	CopyRunsGo(dst, dstStride, src, srcStride, n, count)
}

//go:noescape
func addRunsAVX2(dst *float32, dstStride int, src *float32, srcStride int, n int, count int)

// AddRuns adds count runs of n floats, run r from src[r*srcStride:] onto
// dst[r*dstStride:], in order (dst runs may overlap): the scatter of col2im.
func AddRuns(dst []float32, dstStride int, src []float32, srcStride int, n, count int) {
	if count <= 0 || n <= 0 {
		return
	}
	_, _ = dst[(count-1)*dstStride+n-1], src[(count-1)*srcStride+n-1] // bounds, once
	if useAVX2 && n%8 == 0 {
		addRunsAVX2(&dst[0], dstStride, &src[0], srcStride, n, count)
		return
	}
	AddRunsGo(dst, dstStride, src, srcStride, n, count)
}

//go:noescape
func addBiasAVX2(out, bias []float32, relu int)

// AddBias adds bias to each row of out (rows of len(bias) floats), then applies the
// ReLU if asked: see AddBiasGo.
func AddBias(out, bias []float32, relu bool) {
	if useAVX2 && len(bias)%8 == 0 {
		r := 0
		if relu {
			r = 1
		}
		addBiasAVX2(out, bias, r)
		return
	}
	AddBiasGo(out, bias, relu)
}
