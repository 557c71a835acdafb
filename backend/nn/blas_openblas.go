//go:build openblas

package nn

// Built with -tags openblas, the ops' GEMMs go to OpenBLAS (apt libopenblas-dev)
// through gonum's cgo binding; netlib sets no linker flags itself, hence the directive.
//
// OpenBLAS runs single-threaded: the ops split their work into fixed parts on their
// own goroutines (parallel.go), and OpenBLAS's own spinning threads would fight them
// for the same cores. A fixed split also keeps results independent of the CPU count.

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import "gonum.org/v1/netlib/blas/netlib"

func init() {
	C.openblas_set_num_threads(1)
	blasImpl = netlib.Implementation{}
	BLASName = "openblas"
}
