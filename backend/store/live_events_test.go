package store

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"transferlab/backend/live"
)

// The live log numbers each experiment's events on from its last, reads them back by
// seq (the newest ones when capped), keeps only the latest liveKeep, and drops events
// of an experiment deleted meanwhile instead of failing the writer forever.
func TestLiveLogNumbersKeepsAndForgets(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	now := time.Now().UTC()
	e := Experiment{ID: "exp_l", Name: "e", DatasetID: "ds", Hyper: `{}`, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateExperiment(ctx, &e, nil); err != nil {
		t.Fatal(err)
	}
	log := db.LiveLog()
	batch := func(from, n int) []live.Event {
		evs := make([]live.Event, n)
		for i := range evs {
			evs[i] = live.Event{RunID: "run_a", Kind: "metric", Payload: json.RawMessage(fmt.Sprintf(`{"i":%d}`, from+i))}
		}
		return evs
	}
	for _, n := range []int{3, 2} {
		if err := log.Append(ctx, e.ID, batch(0, n)); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := log.After(ctx, e.ID, 1, 100)
	if err != nil || len(evs) != 4 || evs[0].Seq != 2 || evs[3].Seq != 5 || string(evs[2].Payload) != `{"i":0}` || evs[2].RunID != "run_a" {
		t.Fatalf("after 1: %+v %v", evs, err)
	}
	if evs, _ = log.After(ctx, e.ID, 0, 2); len(evs) != 2 || evs[0].Seq != 4 || evs[1].Seq != 5 {
		t.Fatalf("newest 2: %+v", evs)
	}

	// Past liveKeep, the oldest go.
	for done := 5; done < liveKeep+1000; done += 2000 {
		if err := log.Append(ctx, e.ID, batch(done, 2000)); err != nil {
			t.Fatal(err)
		}
	}
	var oldest uint64
	if err := db.g.Raw("SELECT min(seq) FROM live_events WHERE experiment_id = ?", e.ID).Scan(&oldest).Error; err != nil || oldest <= 1 {
		t.Fatalf("oldest kept seq %d, %v: nothing was let go", oldest, err)
	}

	if _, err := db.DeleteExperiment(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := log.Append(ctx, e.ID, batch(0, 1)); err != nil {
		t.Fatalf("append to a deleted experiment: %v", err)
	}
	if evs, err := log.After(ctx, e.ID, 0, 10); err != nil || len(evs) != 0 {
		t.Fatalf("a deleted experiment's events: %d, %v", len(evs), err)
	}
}

// A notice's payload names the experiment and the last seq, and numbers the events it
// carries up to that seq.
func TestParseLiveNotice(t *testing.T) {
	topic, last, evs, err := ParseLiveNotice(`exp_1 7 [{"seq":0,"run_id":"r","kind":"metric","data":{"step":1}},{"seq":0,"run_id":"r","kind":"status","data":{}}]`)
	if err != nil || topic != "exp_1" || last != 7 || len(evs) != 2 || evs[0].Seq != 6 || evs[1].Seq != 7 || evs[1].Kind != "status" {
		t.Fatalf("%q %d %+v %v", topic, last, evs, err)
	}
	if topic, last, evs, err = ParseLiveNotice("exp_2 9 "); err != nil || topic != "exp_2" || last != 9 || evs != nil {
		t.Fatalf("without events: %q %d %+v %v", topic, last, evs, err)
	}
	if _, _, _, err = ParseLiveNotice("exp_3 x"); err == nil {
		t.Fatal("a bad seq was read")
	}
}
