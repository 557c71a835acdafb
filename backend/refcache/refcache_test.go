package refcache

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentHoldersShareOneBuild has many goroutines ask for the same keys at once:
// each key is built once while held, every holder sees the same value, and the value
// is freed once, when the last holder lets go.
func TestConcurrentHoldersShareOneBuild(t *testing.T) {
	c := New[string, *[]int](1 << 20)
	var builds, frees atomic.Int64
	start := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]*[]int, 64)
	releases := make([]func(), 64)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			key := []string{"a", "b"}[i%2]
			v, release, err := c.Acquire(context.Background(), key, func() (*[]int, int64, error) {
				builds.Add(1)
				s := make([]int, 10)
				return &s, 80, nil
			}, func(*[]int) { frees.Add(1) })
			if err != nil {
				t.Error(err)
				return
			}
			_ = (*v)[0] // holders read the shared value at once
			got[i], releases[i] = v, release
		}()
	}
	close(start)
	wg.Wait()
	if builds.Load() != 2 || c.Len() != 2 || c.Used() != 160 {
		t.Fatalf("builds %d, keys %d, used %d; want 2, 2, 160", builds.Load(), c.Len(), c.Used())
	}
	for i := range got {
		if got[i] != got[i%2] {
			t.Fatalf("holder %d got another value than holder %d", i, i%2)
		}
	}
	for i, r := range releases {
		r()
		r()                                           // a second call does nothing
		if i < len(releases)-2 && frees.Load() != 0 { // the last two hold "a" and "b"
			t.Fatalf("freed while %d holders remain", len(releases)-1-i)
		}
	}
	if frees.Load() != 2 || c.Len() != 0 || c.Used() != 0 {
		t.Fatalf("after the last release: frees %d, keys %d, used %d; want 2, 0, 0", frees.Load(), c.Len(), c.Used())
	}
	// Nothing is kept once released: the next holder builds again.
	_, release, _ := c.Acquire(context.Background(), "a", func() (*[]int, int64, error) { builds.Add(1); return new([]int), 1, nil }, nil)
	release()
	if builds.Load() != 3 {
		t.Fatalf("builds %d after a fresh acquire, want 3", builds.Load())
	}
}

// TestBoundKeepsLargeValuesPrivate: a value past the byte bound is returned but not
// shared, so the next caller builds its own and the bound holds.
func TestBoundKeepsLargeValuesPrivate(t *testing.T) {
	c := New[int, int](100)
	build := func(size int64) func() (int, int64, error) {
		return func() (int, int64, error) { return int(size), size, nil }
	}
	_, r1, _ := c.Acquire(context.Background(), 1, build(60), nil)
	_, r2, _ := c.Acquire(context.Background(), 2, build(60), nil) // 120 > 100: private
	_, r3, _ := c.Acquire(context.Background(), 2, build(60), nil)
	if s := c.Stats(); s.Builds != 3 || s.Over != 2 || s.Hits != 0 || c.Used() != 60 {
		t.Fatalf("stats %+v, used %d; want 3 builds, 2 over the bound, used 60", s, c.Used())
	}
	r1()
	_, r4, _ := c.Acquire(context.Background(), 2, build(60), nil) // room again
	if c.Used() != 60 || c.Len() != 1 {
		t.Fatalf("used %d, keys %d after room was freed; want 60, 1", c.Used(), c.Len())
	}
	r2()
	r3()
	r4()
	if c.Used() != 0 || c.Len() != 0 {
		t.Fatalf("used %d, keys %d at the end", c.Used(), c.Len())
	}
}

// TestFailedBuildIsNotKept: the error reaches the builder; one waiting builds its own
// (the failure may have been the builder's cancellation), and so does the next caller.
func TestFailedBuildIsNotKept(t *testing.T) {
	c := New[string, int](100)
	gate := make(chan struct{})
	boom := errors.New("boom")
	errs := make(chan error, 1)
	go func() {
		_, _, err := c.Acquire(context.Background(), "k", func() (int, int64, error) { <-gate; return 0, 0, boom }, nil)
		errs <- err
	}()
	for c.Len() == 0 { // the build has started
		runtime.Gosched()
	}
	waiter := make(chan error, 1)
	go func() {
		v, release, err := c.Acquire(context.Background(), "k", func() (int, int64, error) { return 1, 1, nil }, nil)
		if err == nil && v != 1 {
			err = errors.New("waiter's own build not returned")
		}
		release()
		waiter <- err
	}()
	for c.Stats().Hits == 0 {
		runtime.Gosched()
	}
	close(gate)
	if err := <-errs; !errors.Is(err, boom) {
		t.Fatalf("builder got %v", err)
	}
	if err := <-waiter; err != nil {
		t.Fatalf("waiter got %v, want its own build", err)
	}
	v, release, err := c.Acquire(context.Background(), "k", func() (int, int64, error) { return 7, 1, nil }, nil)
	if err != nil || v != 7 {
		t.Fatalf("after a failure: %d, %v; want a fresh build", v, err)
	}
	release()
	if c.Len() != 0 || c.Used() != 0 {
		t.Fatalf("keys %d, used %d at the end", c.Len(), c.Used())
	}
}

// TestCancelledWaiterLetsGo: a caller whose context ends while another builds stops
// waiting, and the value is freed when the builder lets go.
func TestCancelledWaiterLetsGo(t *testing.T) {
	c := New[string, int](100)
	gate := make(chan struct{})
	var frees atomic.Int64
	done := make(chan func())
	go func() {
		_, release, _ := c.Acquire(context.Background(), "k", func() (int, int64, error) { <-gate; return 1, 1, nil }, func(int) { frees.Add(1) })
		done <- release
	}()
	for c.Len() == 0 {
		runtime.Gosched()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := c.Acquire(ctx, "k", nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter got %v", err)
	}
	close(gate)
	release := <-done
	if frees.Load() != 0 {
		t.Fatal("freed while the builder holds it")
	}
	release()
	if frees.Load() != 1 || c.Len() != 0 {
		t.Fatalf("frees %d, keys %d; want 1, 0", frees.Load(), c.Len())
	}
}
