package nn

import "transferlab/backend/nn/internal/simd"

// gemm computes every GEMM of the ops: our own (internal/simd, AVX-512 or AVX2
// kernels chosen from the CPU at start, gonum's pure-Go code on other CPUs), unless a
// build file replaces it in init (blas_openblas.go, kept to compare against).
var gemm = simd.Sgemm

// BLASName names the GEMM in use, for benchmarks and cards: "avx512", "avx2", "go"
// or "openblas".
var BLASName = simd.GemmPath()

// sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where op(A) is
// m x k and op(B) is k x n.
func sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// transpose writes the rows x cols row-major matrix src transposed into dst.
func transpose(src []float32, rows, cols int, dst []float32) {
	simd.Transpose(src, cols, rows, cols, dst)
}
