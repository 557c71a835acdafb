//go:build openblas

package nn

// Built with -tags openblas, the ops' GEMMs go to OpenBLAS (apt libopenblas-dev)
// through gonum's cgo binding, to compare against ours (`make bench-openblas`);
// netlib sets no linker flags itself, hence the directive.
//
// OpenBLAS runs single-threaded: the ops split their work into fixed parts on their
// own goroutines (parallel.go), and OpenBLAS's own spinning threads would fight them
// for the same cores. A fixed split also keeps results independent of the CPU count.

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	C.openblas_set_num_threads(1)
	gemm = func(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		netlib.Implementation{}.Sgemm(trans(tA), trans(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	BLASName = "openblas"
	otherGEMMs["openblas"] = gemm
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
