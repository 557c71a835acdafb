// Package refcache shares values that are costly to build (decoded datasets, frozen
// features) between the runs of one process: a value is built once per key while any
// run holds it, handed to every run that asks meanwhile, and freed when the last one
// lets go. Nothing is kept once no run holds it, so a finished experiment leaves no
// memory behind, and the bytes shared at once are bounded.
package refcache

import (
	"context"
	"sync"
)

// Cache maps keys to shared values. The zero value is not usable: use New.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	max     int64
	used    int64
	entries map[K]*entry[V]
	stats   Stats
}

// Stats counts what the cache did, for tests and benchmarks.
type Stats struct {
	Builds int64 // values built (shared or not)
	Hits   int64 // acquires answered by a value another holder built
	Over   int64 // values built but not shared because the bound was reached
}

type entry[V any] struct {
	ready  chan struct{} // closed when val or err is set
	val    V
	err    error
	size   int64
	refs   int
	shared bool // counted in used and reachable from entries
	free   func(V)
}

// New makes a cache that shares at most maxBytes at once (by the sizes builds report).
func New[K comparable, V any](maxBytes int64) *Cache[K, V] {
	return &Cache[K, V]{max: maxBytes, entries: map[K]*entry[V]{}}
}

// Acquire returns the value under key and a function that lets go of it; release
// must be called exactly once (later calls do nothing) and the value not used after.
// When no holder has the key, build makes the value and reports its size in bytes;
// callers asking for the same key meanwhile wait for that build instead of making
// their own. A value that would take the cache past its bound is still returned but
// not shared. free, which may be nil, runs when the last holder lets go. A failed
// build is not kept: its error goes to the builder, and those waiting build their own
// (the builder may have failed only because its own context ended).
func (c *Cache[K, V]) Acquire(ctx context.Context, key K, build func() (V, int64, error), free func(V)) (V, func(), error) {
	var zero V
	c.mu.Lock()
	for e := c.entries[key]; e != nil; e = c.entries[key] {
		e.refs++
		c.stats.Hits++
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			c.release(key, e)
			return zero, func() {}, ctx.Err()
		}
		if e.err == nil {
			return e.val, c.releaser(key, e), nil
		}
		// The build failed, perhaps because its caller was cancelled: try our own.
		c.release(key, e)
		c.mu.Lock()
	}
	e := &entry[V]{ready: make(chan struct{}), refs: 1, free: free}
	c.entries[key] = e
	c.stats.Builds++
	c.mu.Unlock()

	v, size, err := build()
	c.mu.Lock()
	e.val, e.err, e.size = v, err, size
	switch {
	case err != nil:
		delete(c.entries, key)
	case c.used+size > c.max:
		delete(c.entries, key) // later callers build their own; those waiting share this one
		c.stats.Over++
	default:
		e.shared = true
		c.used += size
	}
	close(e.ready)
	c.mu.Unlock()
	if err != nil {
		c.release(key, e)
		return zero, func() {}, err
	}
	return v, c.releaser(key, e), nil
}

func (c *Cache[K, V]) releaser(key K, e *entry[V]) func() {
	var once sync.Once
	return func() { once.Do(func() { c.release(key, e) }) }
}

// release drops one hold of e; the last one removes it and frees its value.
func (c *Cache[K, V]) release(key K, e *entry[V]) {
	c.mu.Lock()
	e.refs--
	last := e.refs == 0
	if last {
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		if e.shared {
			c.used -= e.size
			e.shared = false
		}
	}
	c.mu.Unlock()
	if last && e.err == nil && e.free != nil {
		e.free(e.val)
	}
}

// Used is the bytes of the values shared now.
func (c *Cache[K, V]) Used() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// Len is the number of keys held now.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Stats returns the counts so far.
func (c *Cache[K, V]) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}
