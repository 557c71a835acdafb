//go:build !amd64 || purego

package simd

// AddTo adds src to dst elementwise; len(dst) >= len(src).
func AddTo(dst, src []float32) { AddToGo(dst, src) }

// PoolRow pools one row of windows: see PoolRowGo.
func PoolRow(r0, r1, bias, dst []float32, arg []int32, reluMask int32) {
	PoolRowGo(r0, r1, bias, dst, arg, reluMask)
}

// PoolGradRow routes one row of pooled gradients back: see PoolGradRowGo.
func PoolGradRow(gs []float32, arg []int32, q0, q1, bs []float32) {
	PoolGradRowGo(gs, arg, q0, q1, bs)
}

// MulAdd adds a[i]*b[i] to dst[i]: see MulAddGo.
func MulAdd(dst, a, b []float32) { MulAddGo(dst, a, b) }

// Clamp limits every x[i] to [lo, hi]: see ClampGo.
func Clamp(x []float32, lo, hi float32) { ClampGo(x, lo, hi) }
