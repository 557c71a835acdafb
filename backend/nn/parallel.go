package nn

import (
	"runtime"
	"sync"
)

// parallel splits [0,n) into one contiguous chunk per CPU and runs f on each. Chunks
// write disjoint memory, so results do not depend on the number of CPUs.
func parallel(n int, f func(lo, hi int)) {
	p := runtime.GOMAXPROCS(0)
	if p > n {
		p = n
	}
	if p <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < p; i++ {
		lo, hi := i*n/p, (i+1)*n/p
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
