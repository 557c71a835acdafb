//go:build !amd64 || purego

package simd

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

const useAVX2 = false

func transpose8AVX2(src *float32, ld int, blocks int, dst *float32, ldd int, srcStep int, dstStep int) {
}

// CopyRuns copies count runs of n floats: see CopyRunsGo.
func CopyRuns(dst []float32, dstStride int, src []float32, srcStride int, n, count int) {
	CopyRunsGo(dst, dstStride, src, srcStride, n, count)
}

// AddRuns adds count runs of n floats in order: see AddRunsGo.
func AddRuns(dst []float32, dstStride int, src []float32, srcStride int, n, count int) {
	AddRunsGo(dst, dstStride, src, srcStride, n, count)
}

// AddBias adds bias to each row of out, then applies the ReLU if asked: see AddBiasGo.
func AddBias(out, bias []float32, relu bool) { AddBiasGo(out, bias, relu) }

// PassInside keeps g where y lies strictly inside (lo, hi): see PassInsideGo.
func PassInside(dst, y, g []float32, lo, hi float32) { PassInsideGo(dst, y, g, lo, hi) }
