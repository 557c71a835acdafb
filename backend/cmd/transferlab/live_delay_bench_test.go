package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"transferlab/backend/store/pgtest"
)

// BenchmarkLiveDelayAcrossProcesses measures the delay from a point being recorded by
// training to a websocket viewer reading it, in rounds that alternate the embedded
// set-up (one process, SQLite) with the shared one (a web process that trains nothing
// and a worker process on PostgreSQL), and reports each one's p50 and p95 in ms and
// the ratio of the shared p95 to the embedded one.
func BenchmarkLiveDelayAcrossProcesses(b *testing.B) {
	var one, shared []float64
	for i := 0; i < b.N; i++ {
		dir := benchDataDir(b)
		p := startServer(b, dir)
		one = append(one, watchExperiment(b, p)...)
		p.cmd.Process.Kill()
		p.cmd.Wait()

		url := pgtest.URL(b)
		dir = benchDataDir(b)
		web := startServer(b, dir, "--workers", "0", "--database-url", url)
		w := startWorker(b, dir, url)
		shared = append(shared, watchExperiment(b, web)...)
		w.cmd.Process.Kill()
		w.cmd.Wait()
		web.cmd.Process.Kill()
		web.cmd.Wait()
	}
	sort.Float64s(one)
	sort.Float64s(shared)
	q := func(d []float64, f float64) float64 { return d[int(float64(len(d)-1)*f)] }
	b.ReportMetric(q(one, 0.5), "p50-ms-one-process")
	b.ReportMetric(q(one, 0.95), "p95-ms-one-process")
	b.ReportMetric(q(shared, 0.5), "p50-ms-across-processes")
	b.ReportMetric(q(shared, 0.95), "p95-ms-across-processes")
	b.ReportMetric(q(shared, 0.95)/q(one, 0.95), "p95-ratio")
}

func benchDataDir(b *testing.B) string {
	dir := b.TempDir()
	shareBuiltin(b, dir)
	return dir
}

// watchExperiment trains a two-arm experiment while one viewer watches, and returns
// the delay of every point the viewer read, in ms.
func watchExperiment(b *testing.B, p *proc) []float64 {
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":12,"eval_every":8}}`
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
	if resp.StatusCode != 201 || json.Unmarshal(raw, &exp) != nil {
		b.Fatalf("create: %d %s", resp.StatusCode, raw)
	}
	conn := dialLive(b, p.base, exp.ID, "")
	defer conn.Close()
	var delays []float64
	finished := map[string]bool{}
	err = readLive(conn, func(_ liveMessage, evs []liveEvent) bool {
		now := time.Now().UnixMicro()
		for _, ev := range evs {
			if ev.Kind == "metric" && ev.Data.At > 0 {
				delays = append(delays, float64(now-ev.Data.At*1000)/1000)
			}
			if ev.Kind == "status" && (ev.Data.Status == "succeeded" || ev.Data.Status == "failed") {
				finished[ev.RunID] = true
			}
		}
		return len(finished) == len(exp.Runs)
	})
	if err != nil {
		b.Fatal(fmt.Errorf("viewer: %w", err))
	}
	return delays
}
