package nn

import "transferlab/backend/nn/internal/simd"

// gemmFunc is a single-precision GEMM on row-major matrices, as sgemm takes it.
type gemmFunc func(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// gemm computes every GEMM of the ops: our own (internal/simd, AVX-512 or AVX2
// kernels chosen from the CPU at start, gonum's pure-Go code on other CPUs), unless a
// build file replaces it in init (blas_openblas.go, kept to compare against).
var gemm gemmFunc = simd.Sgemm

// BLASName names the GEMM in use, for benchmarks and cards: "avx512", "avx2", "go"
// or "openblas".
var BLASName = simd.GemmPath()

// otherGEMMs are the GEMMs a build offers beside ours, by name, for UseGEMM
// (blas_openblas.go adds OpenBLAS).
var otherGEMMs = map[string]gemmFunc{}

// UseGEMM makes every op run the named GEMM until restore is called, so benchmarks
// and tests can compare whole training steps across them: "avx512" or "avx2" (our
// kernels), "go" (gonum's pure Go) or, built with -tags openblas, "openblas". It
// reports false, changing nothing, when this CPU or build has no such GEMM. Not safe
// while a graph runs.
func UseGEMM(name string) (restore func(), ok bool) {
	savedGemm, savedName := gemm, BLASName
	restoreSimd := func() {}
	if fn, other := otherGEMMs[name]; other {
		gemm = fn
	} else {
		r, ok := simd.UseGemmPath(name)
		if !ok {
			return func() {}, false
		}
		gemm, restoreSimd = simd.Sgemm, r
	}
	BLASName = name
	return func() { gemm, BLASName = savedGemm, savedName; restoreSimd() }, true
}

// sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where op(A) is
// m x k and op(B) is k x n.
func sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// transpose writes the rows x cols row-major matrix src transposed into dst.
func transpose(src []float32, rows, cols int, dst []float32) {
	simd.Transpose(src, cols, rows, cols, dst)
}
