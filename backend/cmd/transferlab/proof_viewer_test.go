package main

import (
	"fmt"
	"testing"
	"time"
)

// viewer is a websocket viewer of one experiment that reads until every run ended.
type viewer struct {
	done   chan struct{}
	points map[string][]float64 // training loss per run, in the order it arrived
	err    error
}

// watchAll opens a viewer on the web process before any worker trains, so every
// point of the runs arrives as a live event, and reads in the background.
func watchAll(t testing.TB, base, expID string, runs int) *viewer {
	t.Helper()
	conn := dialLive(t, base, expID, "")
	v := &viewer{done: make(chan struct{}), points: map[string][]float64{}}
	t.Cleanup(func() { conn.Close() })
	go func() {
		defer close(v.done)
		var seq uint64
		steps := map[string]int64{}
		ended := map[string]bool{}
		first := true
		err := readLive(conn, func(msg liveMessage, evs []liveEvent) bool {
			if first && (msg.Type != "snapshot" || msg.Seq != 0) {
				v.err = fmt.Errorf("the first message is not an empty snapshot: %+v", msg)
				return true
			}
			first = false
			for _, ev := range evs {
				if seq++; ev.Seq != seq {
					v.err = fmt.Errorf("event seq %d after %d: a gap or a repeat", ev.Seq, seq-1)
					return true
				}
				loss, ok := ev.Data.Values["train_loss"]
				switch {
				case ev.Kind == "metric" && ok:
					if steps[ev.RunID]++; ev.Data.Step != steps[ev.RunID] {
						v.err = fmt.Errorf("run %s: step %d arrived after step %d: a gap or a repeat", ev.RunID, ev.Data.Step, steps[ev.RunID]-1)
						return true
					}
					v.points[ev.RunID] = append(v.points[ev.RunID], loss)
				case ev.Kind == "status" && (ev.Data.Status == "succeeded" || ev.Data.Status == "failed" || ev.Data.Status == "cancelled"):
					ended[ev.RunID] = true
				}
			}
			return len(ended) == runs
		})
		if v.err == nil {
			v.err = err
		}
	}()
	return v
}

// wait waits for the viewer to see every run end and returns its training points.
func (v *viewer) wait(t testing.TB) map[string][]float64 {
	t.Helper()
	select {
	case <-v.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the viewer did not see every run end")
	}
	if v.err != nil {
		t.Fatalf("viewer: %v", v.err)
	}
	return v.points
}
