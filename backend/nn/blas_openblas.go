//go:build openblas

package nn

// Built with -tags openblas, the ops' GEMMs go to OpenBLAS (apt libopenblas-dev)
// through gonum's cgo binding; netlib sets no linker flags itself, hence the directive.

// #cgo LDFLAGS: -lopenblas
import "C"

import "gonum.org/v1/netlib/blas/netlib"

func init() {
	blasImpl = netlib.Implementation{}
	BLASName = "openblas"
}
