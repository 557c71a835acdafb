package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// blasImpl computes every GEMM of the ops. It is gonum's pure-Go BLAS unless a build
// file for a faster implementation replaces it in init.
var blasImpl blas.Float32Level3 = gonum.Implementation{}

// BLASName names the BLAS in use, for benchmarks and cards.
var BLASName = "gonum"

// sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices, where op(A) is
// m x k and op(B) is k x n.
func sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if tA {
		ta = blas.Trans
	}
	if tB {
		tb = blas.Trans
	}
	blasImpl.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
