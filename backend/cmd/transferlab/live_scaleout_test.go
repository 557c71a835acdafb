package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// liveEvent is the part of a live event these tests read.
type liveEvent struct {
	Seq   uint64 `json:"seq"`
	RunID string `json:"run_id"`
	Kind  string `json:"kind"`
	Data  struct {
		Step   int64              `json:"step"`
		At     int64              `json:"at"`
		Status string             `json:"status"`
		Values map[string]float64 `json:"values"`
	} `json:"data"`
}

// liveMessage is one websocket message: a snapshot, a batch, or a single event.
type liveMessage struct {
	liveEvent
	Type   string      `json:"type"`
	Hub    string      `json:"hub"`
	Events []liveEvent `json:"events"`
}

// received is an event with when the viewer read it (Unix microseconds).
type received struct {
	liveEvent
	readAt int64
}

// dialLive opens a viewer of an experiment on a web process; query resumes.
func dialLive(t testing.TB, base, expID, query string) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(base, "http") + "/api/experiments/" + expID + "/live" + query
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// readLive reads messages until the connection ends or stop says so, handing each to
// got; the first message's type is returned for the caller to check.
func readLive(conn *websocket.Conn, got func(msg liveMessage, evs []liveEvent) (stop bool)) error {
	for {
		var msg liveMessage
		if err := conn.ReadJSON(&msg); err != nil {
			return err
		}
		evs := msg.Events
		switch msg.Type {
		case "batch":
		case "snapshot":
			evs = nil
		default:
			evs = []liveEvent{msg.liveEvent}
		}
		if got(msg, evs) {
			return nil
		}
	}
}

// A worker process trains while a viewer watches through a web process that trains
// nothing; the web process is killed mid-run and another started, and the viewer
// resumes from the last seq it had. It sees every point of both arms exactly once, in
// step order, with the numbering unbroken across the restart. The delay from a point
// being recorded in the worker to the viewer reading it is logged.
func TestLivePointsCrossFromWorkerToViewerAcrossAWebRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model in real server and worker processes")
	}
	web, dir, url := webOnPostgres(t)
	const epochs, stepsPerEpoch = 16, 8
	body := fmt.Sprintf(`{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":%d,"eval_every":8}}`, epochs)
	exp := web.createExperiment(t, body)
	if len(exp.Runs) != 2 {
		t.Fatalf("%d runs, want 2", len(exp.Runs))
	}

	// Watch before any worker exists, so every point arrives as a live event.
	conn := dialLive(t, web.base, exp.ID, "")
	var all []received
	var hub string
	first := true
	worker := startWorker(t, dir, url)
	readLive(conn, func(msg liveMessage, evs []liveEvent) bool {
		if first {
			if msg.Type != "snapshot" || msg.Seq != 0 {
				t.Fatalf("first message: %+v", msg)
			}
			hub, first = msg.Hub, false
		}
		now := time.Now().UnixMicro()
		for _, ev := range evs {
			all = append(all, received{ev, now})
		}
		return countSteps(all) >= 40
	})
	conn.Close()
	firstSpan := len(all)

	// Kill the web process mid-run: the viewer resumes on the next one from its seq.
	web.cmd.Process.Kill()
	web.cmd.Wait()
	web = startServer(t, dir, "--workers", "0", "--database-url", url)
	last := all[len(all)-1].Seq
	resumedAt := time.Now().UnixMicro()
	conn = dialLive(t, web.base, exp.ID, fmt.Sprintf("?hub=%s&since=%d", hub, last))
	defer conn.Close()
	finished := map[string]bool{}
	first = true
	err := readLive(conn, func(msg liveMessage, evs []liveEvent) bool {
		if first && msg.Type == "snapshot" {
			t.Fatalf("resuming from seq %d on a restarted web process got a snapshot, not the missed events", last)
		}
		first = false
		now := time.Now().UnixMicro()
		for _, ev := range evs {
			all = append(all, received{ev, now})
			if ev.Kind == "status" && (ev.Data.Status == "succeeded" || ev.Data.Status == "failed") {
				finished[ev.RunID] = true
			}
		}
		return len(finished) == len(exp.Runs)
	})
	if err != nil {
		t.Fatalf("viewer after the restart: %v (%d events)\nweb:\n%s\nworker:\n%s", err, len(all), web.log.String(), worker.log.String())
	}

	for i, ev := range all {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d: a gap or a repeat", i, ev.Seq)
		}
	}
	for _, r := range exp.Runs {
		var steps []int64
		for _, ev := range all {
			if ev.RunID == r.ID && ev.Kind == "metric" && ev.Data.Values["train_loss"] != 0 {
				steps = append(steps, ev.Data.Step)
			}
		}
		if len(steps) != epochs*stepsPerEpoch {
			t.Fatalf("run %s: the viewer saw %d training points, want %d", r.ID, len(steps), epochs*stepsPerEpoch)
		}
		for i, s := range steps {
			if s != int64(i+1) {
				t.Fatalf("run %s: point %d is step %d", r.ID, i, s)
			}
		}
	}
	// Delays of points that were live when read: those recorded while the web process
	// was down waited for it by design.
	var delays []float64
	for i, ev := range all {
		if ev.Kind == "metric" && (i < firstSpan || ev.Data.At*1000 > resumedAt) {
			delays = append(delays, float64(ev.readAt-ev.Data.At*1000)/1000)
		}
	}
	sort.Float64s(delays)
	if len(delays) > 0 {
		t.Logf("worker-to-viewer delay over %d points: p50 %.1f ms, p95 %.1f ms, max %.1f ms",
			len(delays), delays[len(delays)/2], delays[len(delays)*95/100], delays[len(delays)-1])
	}
}

// countSteps counts the training points among evs.
func countSteps(evs []received) int {
	n := 0
	for _, ev := range evs {
		if ev.Kind == "metric" && ev.Data.Values["train_loss"] != 0 {
			n++
		}
	}
	return n
}
