//go:build !unix

package main

import "time"

// cpuTime is unknown here; the benchmark then reports no cores busy.
func cpuTime() time.Duration { return 0 }
