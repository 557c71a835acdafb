// Package simd holds the innermost loops of backend/nn, written in assembly where
// the CPU has the instructions (Go does not vectorise loops itself): the GEMM every
// op runs (gemm.go, AVX-512 or AVX2 kernels from gemm_gen.go); im2col's gathers,
// col2im's adds and the fused max pool (simd_amd64.s, AVX2); and backend/train's
// optimiser steps and gradient norm (optim_amd64.s, AVX2). It is its own package
// because Go assembly cannot live in a cgo package, which backend/nn is with
// OpenBLAS. The plain-Go versions are the fallback and the reference; apart from the
// GEMM (checked against a triple loop within rounding), both give the same results
// bit for bit, ties included.
//
// The GEMM is our own because nothing pure-Go came near it. On the shapes of backend/nn's
// BenchmarkGEMM (float32, one core, an AVX-512 Xeon, three interleaved rounds; ranges of
// the per-shape medians), ours ran 37-153 GFLOP/s (AVX2 path 28-82); gomlx v0.26.0's SimpleGo DotGeneral, called as a
// compiled graph, 0.5-4 (0.01-0.06x ours); the packed AVX-512 GEMM its repository added
// since (packgemm, on Go 1.26's experimental simd/archsimd) 2.6-37 (0.03-0.36x); a
// packed 4x32 or 6x32 FMA kernel written directly on simd/archsimd 4-43 (0.04-0.40x);
// gonum 1.6-14 (0.03-0.17x). With archsimd, Go 1.26 puts each FMA's result in a
// multiplicand's register, so every FMA costs a register copy and a 6x32 tile's twelve
// accumulators spill; the package is also outside the Go 1 compatibility promise.
package simd

import "math"

// PoolCut marks, in a pool's arg, a window whose maximum the ReLU cut to zero.
const PoolCut = 4

// PoolRowGo is PoolRow in plain Go. For each window px (len(dst)/o of them, o =
// len(bias)) and channel ch it takes the maximum of r0[2px*o+ch], r0[(2px+1)*o+ch]
// and the same two in r1 (positions 0-3, ties to the first), adds bias[ch], applies
// the ReLU when reluMask is -1, and writes the value to dst and the position, with
// PoolCut if the ReLU cut it, to arg. It is branch-free, on integer keys that order
// like the floats: the comparisons are coin tosses a branch predictor loses.
func PoolRowGo(r0, r1, bias, dst []float32, arg []int32, reluMask int32) {
	o := len(bias)
	for px := 0; px < len(dst)/o; px++ {
		p00, p01 := r0[2*px*o:][:o], r0[(2*px+1)*o:][:o]
		p10, p11 := r1[2*px*o:][:o], r1[(2*px+1)*o:][:o]
		d, ar := dst[px*o:][:o], arg[px*o:][:o]
		for ch := range d {
			fa, fb, fc, fe := bits(p00[ch]), bits(p01[ch]), bits(p10[ch]), bits(p11[ch])
			ka, kb, kc, ke := orderKey(fa), orderKey(fb), orderKey(fc), orderKey(fe)
			// gt(x, y) is all ones when x > y, else zero; selects are then masks.
			g0 := gt(kb, ka)
			k0, f0, i0 := ka^(ka^kb)&g0, fa^(fa^fb)&g0, g0&1
			g1 := gt(ke, kc)
			k1, f1, i1 := kc^(kc^ke)&g1, fc^(fc^fe)&g1, 2|g1&1
			g2 := gt(k1, k0)
			f, pos := f0^(f0^f1)&g2, i0^(i0^i1)&g2
			vb := bits(math.Float32frombits(uint32(f)) + bias[ch])
			cut := gt(1, vb) & reluMask // v <= 0, -0 included
			d[ch] = math.Float32frombits(uint32(vb &^ cut))
			ar[ch] = pos | cut&PoolCut
		}
	}
}

func bits(f float32) int32 { return int32(math.Float32bits(f)) }

// orderKey maps a float's bits to an int32 that orders like the float, -0 equal to
// +0 (NaNs go to the ends).
func orderKey(b int32) int32 {
	k := b ^ (b >> 31 & 0x7fffffff) // -0 is -1, the smallest negative -2, ...
	return k + (k >> 31 & 1)        // ... shifted up by one: -0 is 0
}

// gt is -1 (all ones) when x > y, else 0, computed without a branch.
func gt(x, y int32) int32 { return int32((int64(y) - int64(x)) >> 63) }

// PoolGradRowGo is PoolGradRow in plain Go. For each window px (len(gs)/o of them,
// o = len(bs)) and channel ch, the gradient v = gs[px*o+ch] goes to the window
// position arg names (q0[2px*o+ch], q0[(2px+1)*o+ch], q1[2px*o+ch] or
// q1[(2px+1)*o+ch]) and zero to the other three, or zero to all four if the ReLU cut
// it; bs[ch] gathers what went through.
func PoolGradRowGo(gs []float32, arg []int32, q0, q1, bs []float32) {
	o := len(bs)
	for px := 0; px < len(gs)/o; px++ {
		p00, p01 := q0[2*px*o:][:o], q0[(2*px+1)*o:][:o]
		p10, p11 := q1[2*px*o:][:o], q1[(2*px+1)*o:][:o]
		a, gv := arg[px*o:][:o], gs[px*o:][:o]
		for ch := range a {
			// Branch-free: positions with PoolCut land in w[4:], unused.
			var w [8]float32
			w[a[ch]&7] = gv[ch]
			p00[ch], p01[ch], p10[ch], p11[ch] = w[0], w[1], w[2], w[3]
			bs[ch] += w[0] + w[1] + w[2] + w[3]
		}
	}
}

// MulAddGo adds a[i]*b[i] to dst[i] for i < len(dst); a and b are at least as long.
// The assembly version fuses the multiply and the add (one rounding, not two), so the
// two may differ in the last bit; each is deterministic on its own.
func MulAddGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] += a[i] * b[i]
	}
}

// ClampGo limits every x[i] to [lo, hi].
func ClampGo(x []float32, lo, hi float32) {
	for i, v := range x {
		x[i] = min(max(v, lo), hi)
	}
}

// PassInsideGo sets dst[i] to g[i] where lo < y[i] < hi and to 0 elsewhere: the
// gradient through a clamp, which does not move at either bound.
func PassInsideGo(dst, y, g []float32, lo, hi float32) {
	y, g = y[:len(dst)], g[:len(dst)]
	for i := range dst {
		v := g[i]
		if !(y[i] > lo && y[i] < hi) {
			v = 0
		}
		dst[i] = v
	}
}

// CopyRunsGo is CopyRuns in plain Go.
func CopyRunsGo(dst []float32, dstStride int, src []float32, srcStride int, n, count int) {
	for r := 0; r < count; r++ {
		d, s := dst[r*dstStride:][:n], src[r*srcStride:][:n]
		if n <= 16 { // a call to memmove costs more than a few moves
			for i := range d {
				d[i] = s[i]
			}
			continue
		}
		copy(d, s)
	}
}

// AddRunsGo is AddRuns in plain Go.
func AddRunsGo(dst []float32, dstStride int, src []float32, srcStride int, n, count int) {
	for r := 0; r < count; r++ {
		d, s := dst[r*dstStride:][:n], src[r*srcStride:][:n]
		for i := range d {
			d[i] += s[i]
		}
	}
}

// AddBiasGo is AddBias in plain Go: each row of len(bias) floats in out gets bias
// added, then, with relu, negative values become 0 (-0 and NaN stay as they are).
func AddBiasGo(out, bias []float32, relu bool) {
	n := len(bias)
	for r := 0; r+n <= len(out) && n > 0; r += n {
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

// AddTo adds src to dst elementwise; len(dst) >= len(src).
func AddTo(dst, src []float32) { AddRuns(dst, 0, src, 0, len(src), 1) }
