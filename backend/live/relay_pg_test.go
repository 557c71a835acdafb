package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/backend/store/pgtest"
)

// Two training processes append to one experiment's events while two web processes
// relay them: every viewer of either web process gets every event exactly once, in the
// order of the shared numbering and of each writer, and a viewer of a web process
// started afterwards resumes from the seq it had, with nothing missed or repeated.
func TestEventsCrossProcessesOnceAndInOrder(t *testing.T) {
	url := pgtest.URL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exp := createExperiment(t, ctx, db)

	type web struct {
		hub   *live.Hub
		relay *live.Relay
	}
	// One web process passes on the events a notice carries; the other reads the log
	// at each notice, as it does when events do not fit in one.
	var carried atomic.Int64
	startWeb := func(inline bool) web {
		hub := live.NewHub(8192, 8192)
		relay := live.NewRelay(ctx, hub, db.LiveLog())
		ready := make(chan struct{})
		notice := func(payload string) {
			topic, _, evs, err := store.ParseLiveNotice(payload)
			if err != nil {
				t.Error(err)
			}
			if evs != nil {
				carried.Add(1)
			}
			if inline && evs != nil {
				relay.Offer(topic, evs)
			} else {
				relay.Notify(topic)
			}
		}
		go store.ListenLive(ctx, url, notice, relay.NotifyAll, ready)
		<-ready
		return web{hub, relay}
	}
	webs := []web{startWeb(true), startWeb(false)}

	const writers, each = 2, 1500
	type seen struct {
		mu   sync.Mutex
		evs  []live.Event
		done chan struct{}
	}
	var viewers []*seen
	for _, w := range webs {
		for range 2 {
			unfollow, err := w.relay.Follow(ctx, exp)
			if err != nil {
				t.Fatal(err)
			}
			defer unfollow()
			sub, _, _ := w.hub.Subscribe(exp, 0)
			defer sub.Close()
			v := &seen{done: make(chan struct{})}
			viewers = append(viewers, v)
			go func() {
				defer close(v.done)
				for len(v.evs) < writers*each {
					b, err := sub.Next(ctx, 256)
					if err != nil {
						return
					}
					if b.Resync {
						t.Errorf("viewer told to resync at %d", b.Seq)
						return
					}
					v.evs = append(v.evs, b.Events...)
				}
			}()
		}
	}

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j := live.NewJournal(db.LiveLog())
			defer j.Close()
			for i := range each {
				data, _ := json.Marshal(map[string]int{"writer": w, "i": i})
				j.Publish(exp, live.Event{RunID: fmt.Sprint("run", w), Kind: "metric", Payload: data})
				if i%100 == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	for i, v := range viewers {
		select {
		case <-v.done:
		case <-time.After(time.Minute):
			t.Fatalf("viewer %d got %d of %d events", i, len(v.evs), writers*each)
		}
		checkOnceInOrder(t, v.evs, 1, writers, each)
	}

	if carried.Load() == 0 {
		t.Fatal("no notice carried its events: every web process had to query for them")
	}

	// A web process started now (another, or the same one restarted) resumes a viewer
	// that had seen up to seq 1000.
	later := startWeb(true)
	unfollow, err := later.relay.Follow(ctx, exp)
	if err != nil {
		t.Fatal(err)
	}
	defer unfollow()
	sub, backlog, ok := later.hub.Subscribe(exp, 1000)
	defer sub.Close()
	if !ok || len(backlog) != writers*each-1000 || backlog[0].Seq != 1001 {
		t.Fatalf("resume from 1000 on a new web process: ok=%v, %d events", ok, len(backlog))
	}
	// Points recorded after the restart follow the backlog, numbered on.
	j := live.NewJournal(db.LiveLog())
	j.Publish(exp, live.Event{Kind: "status", Payload: json.RawMessage(`{}`)})
	j.Close()
	b, err := sub.Next(ctx, 10)
	if err != nil || len(b.Events) != 1 || b.Events[0].Seq != writers*each+1 {
		t.Fatalf("event after resuming: %+v %v", b, err)
	}
}

// checkOnceInOrder checks evs are numbered from first with no gap or repeat and hold
// each writer's events once, in the order it published them.
func checkOnceInOrder(t *testing.T, evs []live.Event, first uint64, writers, each int) {
	t.Helper()
	next := make([]int, writers)
	for i, ev := range evs {
		if ev.Seq != first+uint64(i) {
			t.Fatalf("event %d has seq %d, want %d", i, ev.Seq, first+uint64(i))
		}
		var p struct{ Writer, I int }
		if err := json.Unmarshal(ev.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if p.I != next[p.Writer] {
			t.Fatalf("writer %d's event %d came where %d was due", p.Writer, p.I, next[p.Writer])
		}
		next[p.Writer]++
	}
	for w, n := range next {
		if n != each {
			t.Fatalf("writer %d: %d of %d events", w, n, each)
		}
	}
}

func createExperiment(t *testing.T, ctx context.Context, db *store.DB) string {
	t.Helper()
	now := time.Now().UTC()
	e := store.Experiment{ID: "exp_live", Name: "e", DatasetID: "ds", Hyper: `{}`, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateExperiment(ctx, &e, nil); err != nil {
		t.Fatal(err)
	}
	return e.ID
}
