package live

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

func publishN(h *Hub, topic string, n int) {
	for i := 0; i < n; i++ {
		h.Publish(topic, Event{RunID: "r", Kind: "metric", Payload: json.RawMessage(fmt.Sprint(i))})
	}
}

// collect reads until it has seen seq `upTo`, failing on any gap or repeat.
func collect(t *testing.T, s *Subscriber, from, upTo uint64) (resyncs int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	want := from + 1
	for want <= upTo {
		b, err := s.Next(ctx, 64)
		if err != nil {
			t.Fatalf("waiting for seq %d: %v", want, err)
		}
		if b.Resync {
			resyncs++
			want = b.Seq + 1
			continue
		}
		for _, ev := range b.Events {
			if ev.Seq != want {
				t.Fatalf("got seq %d, want %d", ev.Seq, want)
			}
			want++
		}
	}
	return resyncs
}

func TestSubscriberGetsEveryEventInOrder(t *testing.T) {
	h := NewHub(1000, 16)
	s, backlog, ok := h.Subscribe("exp", 0)
	if !ok || len(backlog) != 0 {
		t.Fatalf("fresh subscribe: ok %v backlog %d", ok, len(backlog))
	}
	defer s.Close()
	go publishN(h, "exp", 500)
	if n := collect(t, s, 0, 500); n != 0 {
		t.Fatalf("%d resyncs while the history covered everything", n)
	}
}

func TestSlowSubscriberNeverBlocksPublishAndCatchesUpFromHistory(t *testing.T) {
	h := NewHub(1000, 4)
	s, _, _ := h.Subscribe("exp", 0)
	defer s.Close()
	done := make(chan struct{})
	go func() { publishN(h, "exp", 300); close(done) }()
	select {
	case <-done: // 300 events into a 4-slot queue nobody reads: publish must not block
	case <-time.After(5 * time.Second):
		t.Fatal("publish blocked on a subscriber that does not read")
	}
	if n := collect(t, s, 0, 300); n != 0 {
		t.Fatalf("%d resyncs; history held everything", n)
	}
}

func TestSubscriberBeyondHistoryIsToldToResync(t *testing.T) {
	h := NewHub(10, 2)
	s, _, _ := h.Subscribe("exp", 0)
	defer s.Close()
	publishN(h, "exp", 50)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	// The two queued events come first, then the gap is reported, not papered over.
	b, err := s.Next(ctx, 64)
	if err != nil || b.Resync || len(b.Events) != 2 || b.Events[0].Seq != 1 {
		t.Fatalf("first batch %+v err %v", b, err)
	}
	b, err = s.Next(ctx, 64)
	if err != nil || !b.Resync || b.Seq != 50 {
		t.Fatalf("want a resync at 50, got %+v err %v", b, err)
	}
	publishN(h, "exp", 1)
	b, _ = s.Next(ctx, 64)
	if len(b.Events) != 1 || b.Events[0].Seq != 51 {
		t.Fatalf("after resync got %+v", b)
	}
}

func TestReconnectResumesFromSeq(t *testing.T) {
	h := NewHub(100, 8)
	publishN(h, "exp", 30)
	s, backlog, ok := h.Subscribe("exp", 25)
	defer s.Close()
	if !ok || len(backlog) != 5 || backlog[0].Seq != 26 || backlog[4].Seq != 30 {
		t.Fatalf("backlog %v ok %v", backlog, ok)
	}
	publishN(h, "exp", 3)
	collect(t, s, 30, 33)

	publishN(h, "exp", 100)
	_, _, ok = h.Subscribe("exp", 2) // older than the history
	if ok {
		t.Fatal("resume from a seq the history no longer holds must ask for a snapshot")
	}
	_, _, ok = h.Subscribe("other", 99) // a seq from before a restart
	if ok {
		t.Fatal("a seq the hub never issued must ask for a snapshot")
	}
}

func TestCloseRemovesSubscriber(t *testing.T) {
	h := NewHub(10, 2)
	s, _, _ := h.Subscribe("exp", 0)
	if h.Subscribers("exp") != 1 {
		t.Fatal("not subscribed")
	}
	s.Close()
	publishN(h, "exp", 5)
	if h.Subscribers("exp") != 0 {
		t.Fatal("closed subscriber still counted")
	}
}
