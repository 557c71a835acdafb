package jobs

import (
	"runtime"
	"testing"
)

// A process that trains gets one processor beyond its lanes, for the goroutines that
// carry live points, and keeps its lanes; a one-core process is left as it is.
func TestReserveIOProcessorAddsOneBeyondTheLanes(t *testing.T) {
	was := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(was) })
	for _, n := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(n)
		withLanes(t, n)
		ReserveIOProcessor()
		want := n + 1
		if n == 1 {
			want = 1
		}
		if got := runtime.GOMAXPROCS(0); got != want || lanes != n {
			t.Fatalf("%d lanes: %d processors and %d lanes, want %d and %d", n, got, lanes, want, n)
		}
		ReserveIOProcessor() // a second call adds nothing
		if got := runtime.GOMAXPROCS(0); got != want {
			t.Fatalf("%d lanes, called twice: %d processors, want %d", n, got, want)
		}
	}
}
