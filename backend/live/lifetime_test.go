package live

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFinishedTopicWithoutWatchersIsFreed(t *testing.T) {
	h := NewHub(8192, 16)
	publishN(h, "done", 500)
	publishN(h, "running", 10)
	h.Finish("done")
	if h.Topics() != 1 || h.Recent("done") != nil || len(h.Recent("running")) != 10 {
		t.Fatalf("after finish: %d topics, %d kept events of the finished one", h.Topics(), len(h.Recent("done")))
	}
	// A watcher resuming from a seq of the freed topic is told to start from a snapshot,
	// and leaves nothing behind when it goes.
	s, backlog, ok := h.Subscribe("done", 480)
	if ok || backlog != nil {
		t.Fatalf("resume into a freed topic: ok=%v backlog=%d", ok, len(backlog))
	}
	s.Close()
	if h.Topics() != 1 {
		t.Fatalf("%d topics after a watcher of a freed topic left, want 1", h.Topics())
	}
}

func TestFinishedTopicIsFreedWhenItsLastWatcherLeaves(t *testing.T) {
	h := NewHub(8192, 16)
	a, _, _ := h.Subscribe("exp", 0)
	b, _, _ := h.Subscribe("exp", 0)
	publishN(h, "exp", 5)
	h.Finish("exp")
	collect(t, a, 0, 5) // watchers still get what was published before the end
	a.Close()
	if h.Topics() != 1 {
		t.Fatal("topic freed while a watcher remains")
	}
	b.Close()
	if h.Topics() != 0 {
		t.Fatal("finished topic kept after its last watcher left")
	}
	// A topic that is not finished stays for a later watcher to resume from.
	c, _, _ := h.Subscribe("live", 0)
	publishN(h, "live", 3)
	c.Close()
	if h.Topics() != 1 || len(h.Recent("live")) != 3 {
		t.Fatal("an unfinished topic was freed")
	}
}

func TestCloseEndsEverySubscription(t *testing.T) {
	h := NewHub(64, 16)
	var subs []*Subscriber
	for _, name := range []string{"a", "a", "b"} {
		s, _, _ := h.Subscribe(name, 0)
		subs = append(subs, s)
	}
	publishN(h, "a", 2)
	errs := make(chan error, len(subs))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range subs {
		go func() {
			for {
				if _, err := s.Next(ctx, 64); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond) // let them block in Next
	h.Close()
	for range subs {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Fatalf("Next after Close: %v", err)
		}
	}
	late, _, _ := h.Subscribe("a", 0)
	if _, err := late.Next(ctx, 64); !errors.Is(err, ErrClosed) {
		t.Fatalf("subscription after Close: %v", err)
	}
}
