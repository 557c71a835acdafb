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
func addToAVX2(dst, src []float32)

//go:noescape
func poolRowAVX2(r0, r1, bias, dst []float32, arg []int32, reluMask int32)

// AddTo adds src to dst elementwise; len(dst) >= len(src).
func AddTo(dst, src []float32) {
	if useAVX2 {
		addToAVX2(dst[:len(src)], src)
		return
	}
	AddToGo(dst, src)
}

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
