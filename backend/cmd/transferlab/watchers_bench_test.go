package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkTrainingWatched trains the same experiment in a real server process with no
// watchers and then with 50 websocket watchers, and reports the training samples/s of
// both, their ratio, and the delay from a point being recorded to a watcher reading it.
func BenchmarkTrainingWatched(b *testing.B) {
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		shareBuiltin(b, dir)
		p := startServer(b, dir)
		alone, _ := trainOnce(b, p, 0)
		watched, delays := trainOnce(b, p, 50)
		b.ReportMetric(alone, "samples/s-alone")
		b.ReportMetric(watched, "samples/s-50-watchers")
		b.ReportMetric(watched/alone, "ratio")
		if len(delays) > 0 {
			sort.Float64s(delays)
			b.ReportMetric(delays[len(delays)*95/100], "p95-delay-ms")
		}
	}
}

// trainOnce runs one fine-tuning arm for 6 epochs with `watchers` websocket clients and
// returns its mean training samples/s and every delivery delay in milliseconds.
func trainOnce(b *testing.B, p *proc, watchers int) (float64, []float64) {
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"}],"hyper":{"epochs":6,"eval_every":8}}`
	resp, err := http.Post(p.base+"/api/experiments", "application/json", bytes.NewBufferString(body))
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var exp struct {
		ID   string    `json:"id"`
		Runs []runJSON `json:"runs"`
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		b.Fatal(string(raw))
	}
	var mu sync.Mutex
	var delays []float64
	var wg sync.WaitGroup
	url := "ws" + strings.TrimPrefix(p.base, "http") + "/api/experiments/" + exp.ID + "/live"
	for i := 0; i < watchers; i++ {
		conn, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			for {
				var msg struct {
					watchedEvent
					Type   string         `json:"type"`
					Events []watchedEvent `json:"events"`
				}
				if err := conn.ReadJSON(&msg); err != nil {
					return
				}
				evs := msg.Events
				if msg.Type != "batch" {
					evs = []watchedEvent{msg.watchedEvent}
				}
				now := time.Now().UnixMicro()
				for _, ev := range evs {
					if ev.Kind == "metric" && ev.Data.At > 0 {
						mu.Lock()
						delays = append(delays, float64(now-ev.Data.At*1000)/1000)
						mu.Unlock()
					}
					if ev.Kind == "status" && (ev.Data.Status == "succeeded" || ev.Data.Status == "failed") {
						return
					}
				}
			}
		}()
	}
	path := "/api/experiments/" + exp.ID
	for {
		p.getJSON(b, path, &exp)
		if exp.Runs[0].Status == "succeeded" || exp.Runs[0].Status == "failed" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	wg.Wait()
	var m struct {
		Points []struct {
			Value float64 `json:"value"`
		} `json:"points"`
	}
	p.getJSON(b, "/api/runs/"+exp.Runs[0].ID+"/metrics?name=samples_per_sec&max_points=100000", &m)
	sum := 0.0
	for _, pt := range m.Points {
		sum += pt.Value
	}
	return sum / float64(max(len(m.Points), 1)), delays
}

// watchedEvent is the part of a live event the benchmark reads.
type watchedEvent struct {
	Kind string `json:"kind"`
	Data struct {
		At     int64  `json:"at"`
		Status string `json:"status"`
	} `json:"data"`
}
