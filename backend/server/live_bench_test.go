package server

import (
	"encoding/json"
	"sort"
	"sync"
	"testing"
	"time"

	"transferlab/backend/live"
)

// BenchmarkLiveFanout50 measures the delay from a metric being published to each of 50
// websocket watchers receiving it, at the rate a training run produces points.
func BenchmarkLiveFanout50(b *testing.B) {
	f := newLiveFixture(b, 8192, 512)
	const clients = 50
	var mu sync.Mutex
	var delays []time.Duration
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		conn := f.dial(b, "")
		read(b, conn) // snapshot
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var msg struct {
					fanoutEvent
					Type   string        `json:"type"`
					Events []fanoutEvent `json:"events"`
				}
				if err := conn.ReadJSON(&msg); err != nil {
					return
				}
				evs := msg.Events
				if msg.Type != "batch" {
					evs = []fanoutEvent{msg.fanoutEvent}
				}
				for _, ev := range evs {
					d := time.Since(time.Unix(0, ev.Data.Sent))
					mu.Lock()
					delays = append(delays, d)
					mu.Unlock()
					if ev.Data.Last {
						return
					}
				}
			}
		}()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data, _ := json.Marshal(map[string]any{"sent": time.Now().UnixNano(), "last": i == b.N-1,
			"values": map[string]float64{"train_loss": 0.5, "train_acc": 0.8, "lr": 0.01}})
		f.hub.Publish(f.exp.ID, live.Event{RunID: f.runs[0], Kind: "metric", Payload: data})
		time.Sleep(2 * time.Millisecond) // about one training step
	}
	wg.Wait()
	b.StopTimer()
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	if len(delays) > 0 {
		b.ReportMetric(float64(delays[len(delays)*95/100].Microseconds())/1000, "p95-ms")
		b.ReportMetric(float64(delays[len(delays)/2].Microseconds())/1000, "p50-ms")
	}
}

type fanoutEvent struct {
	Data struct {
		Sent int64 `json:"sent"`
		Last bool  `json:"last"`
	} `json:"data"`
}
