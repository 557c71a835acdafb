//go:build openblas

package nn

import "gonum.org/v1/netlib/blas/netlib"

func init() {
	gemmImpls = append(gemmImpls, struct {
		name string
		fn   func(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int)
	}{"openblas", func(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
		netlib.Implementation{}.Sgemm(blasTrans(tA), blasTrans(tB), m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
	}})
}
