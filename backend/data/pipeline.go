package data

import (
	"context"
	"crypto/sha256"
	"sync"
)

type decodeJob struct {
	seq  int
	name string
	data []byte
}

type decodeResult struct {
	seq  int
	name string
	pix  []byte
	sum  [32]byte
	err  error
}

// decodeOrdered decodes images on a fixed number of workers and hands the results to
// sink strictly in feed order, so the cache and the split never depend on scheduling.
// At most window images are in flight, which bounds memory however slow one image is.
func decodeOrdered(ctx context.Context, workers int, feed func(send func(decodeJob) error) error,
	decode func(decodeJob) decodeResult, sink func(decodeResult) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	window := 8*workers + 16
	slots := make(chan struct{}, window)
	jobs := make(chan decodeJob, workers)
	results := make(chan decodeResult, window)

	feedErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		feedErr <- feed(func(j decodeJob) error {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- j:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := decode(j)
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := make(map[int]decodeResult, window)
	next := 0
	var sinkErr error
	for r := range results {
		if sinkErr != nil {
			continue // drain so the workers can exit
		}
		pending[r.seq] = r
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-slots
			if err := sink(p); err != nil {
				sinkErr = err
				cancel()
				break
			}
		}
	}
	// Wait for the feeder even on failure: it reads the archive the caller closes next.
	ferr := <-feedErr
	if sinkErr != nil {
		return sinkErr
	}
	if ferr != nil {
		return ferr
	}
	return ctx.Err()
}

// decodeWith returns the worker function for image files.
func decodeWith(maxPixels int64, t target) func(decodeJob) decodeResult {
	return func(j decodeJob) decodeResult {
		r := decodeResult{seq: j.seq, name: j.name}
		r.sum = sha256.Sum256(j.data)
		r.pix, r.err = decodeImage(j.name, j.data, maxPixels, t)
		return r
	}
}
