package simd

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkOptimKernels times the optimiser's kernels on 100,000 values (a mid-sized
// layer's share), dispatching version against plain Go. The gradient has no zeros:
// moments that only decay become subnormal after many thousand steps, which slows
// both versions alike and would measure the CPU's subnormal handling instead; so
// would weight decay, which drives the gradient to zero where it balances it.
func BenchmarkOptimKernels(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 100_000
	w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range g {
		w[i], g[i] = rng.Float32()-0.5, (rng.Float32()+0.1)*1e-2
	}
	b.Run("sgd/simd", func(b *testing.B) {
		for b.Loop() {
			SGDStep(w, g, m, 0, 0.9, 1e-3, false)
		}
	})
	b.Run("sgd/go", func(b *testing.B) {
		for b.Loop() {
			SGDStepGo(w, g, m, 0, 0.9, 1e-3, false)
		}
	})
	b.Run("adam/simd", func(b *testing.B) {
		for b.Loop() {
			AdamStep(w, g, m, v, 0, 0.9, 0.999, 1e-3, 0.5, 1e-8)
		}
	})
	b.Run("adam/go", func(b *testing.B) {
		for b.Loop() {
			AdamStepGo(w, g, m, v, 0, 0.9, 0.999, 1e-3, 0.5, 1e-8)
		}
	})
	var sink float64
	b.Run("sumsq/simd", func(b *testing.B) {
		for b.Loop() {
			sink += SumSquares(g)
		}
	})
	b.Run("sumsq/go", func(b *testing.B) {
		for b.Loop() {
			sink += SumSquaresGo(g)
		}
	})
	_ = sink
}
