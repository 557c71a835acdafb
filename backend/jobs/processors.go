package jobs

import "runtime"

// ReserveIOProcessor gives the Go scheduler one processor more than the training lanes,
// for a process that trains and carries live points (a server with its workers, a
// worker process). Training steps keep every lane's processor busy, and a goroutine
// that carries a point (the hub's and the websocket's in one process; the journal's,
// the database driver's and the listener's across processes) otherwise waits for the
// scheduler to preempt a step before it runs, at each hop: most of a point's delay on a
// busy machine (its p95 was about 100 ms on two cores; with the spare processor, the
// operating system runs the woken thread at once). The lanes, and so how many arms step
// at once, stay as they were. A one-core process keeps its single processor: it has no
// core to spare, and a second processor would only split ops that run whole on one.
func ReserveIOProcessor() {
	if lanes > 1 && runtime.GOMAXPROCS(0) == lanes {
		runtime.GOMAXPROCS(lanes + 1)
	}
}
