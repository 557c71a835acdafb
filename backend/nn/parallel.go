package nn

import (
	"runtime"
	"sync"
)

// parts is the fixed number of pieces every parallel op splits its work into. It is a
// constant, not the CPU count: an op's result then depends on nothing but the shapes
// (a reduction adds the same partial sums in the same order on every machine and every
// run), so the same seed gives bit-identical training. Two matches the 2-core machines
// the product runs on; the GEMMs themselves run single-threaded (see blas_openblas.go).
const parts = 2

// minParallelWork is the work (multiply-adds or element visits) below which an op runs
// its parts one after the other: a goroutine hand-off costs more than the work saved.
const minParallelWork = 1 << 16

// parallel splits [0,n) into the fixed parts and runs f(part, lo, hi) on each,
// concurrently when work is large enough and more than one CPU is available. The split
// is the same either way, so results never depend on scheduling. Parts may be empty.
func parallel(n, work int, f func(part, lo, hi int)) {
	if work < minParallelWork || runtime.GOMAXPROCS(0) == 1 {
		for p := 0; p < parts; p++ {
			f(p, p*n/parts, (p+1)*n/parts)
		}
		return
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(p, p*n/parts, (p+1)*n/parts)
		}()
	}
	f(0, 0, n/parts)
	wg.Wait()
}
