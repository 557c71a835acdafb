package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"transferlab/backend/experiment"
	"transferlab/backend/live"
	"transferlab/backend/store"
)

// liveFixture is a server with one experiment of two runs whose events the test
// publishes into the hub, as the training jobs do.
type liveFixture struct {
	ts   *testServer
	hub  *live.Hub
	exp  store.Experiment
	runs []string
}

func newLiveFixture(t testing.TB, history, buffer int) *liveFixture {
	t.Helper()
	hub := live.NewHub(history, buffer)
	ts := newTestServer(t, func(d *Deps) { d.Hub = hub; d.HubID = "hub_test" })
	now := time.Now().UTC()
	exp := store.Experiment{ID: store.NewID("exp"), Name: "e", DatasetID: "ds", CreatedAt: now, UpdatedAt: now}
	for i, s := range []string{"finetune", "scratch"} {
		exp.Runs = append(exp.Runs, store.Run{ID: store.NewID("run"), ExperimentID: exp.ID, ArmIndex: i, Strategy: s,
			Status: experiment.Running, Hyper: "{}", CreatedAt: now, UpdatedAt: now})
	}
	if err := ts.db.CreateExperiment(context.Background(), &exp, nil); err != nil {
		t.Fatal(err)
	}
	return &liveFixture{ts: ts, hub: hub, exp: exp, runs: []string{exp.Runs[0].ID, exp.Runs[1].ID}}
}

func (f *liveFixture) publish(run string, step int) {
	data, _ := json.Marshal(map[string]any{"step": step, "values": map[string]float64{"train_loss": 1 / float64(step+1)}})
	f.hub.Publish(f.exp.ID, live.Event{RunID: run, Kind: "metric", Payload: data})
}

func (f *liveFixture) dial(t testing.TB, query string) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(f.ts.URL, "http") + "/api/experiments/" + f.exp.ID + "/live" + query
	conn, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

type wsMsg struct {
	Type    string          `json:"type"`
	Seq     uint64          `json:"seq"`
	RunID   string          `json:"run_id"`
	Kind    string          `json:"kind"`
	Recent  []live.Event    `json:"recent"`
	Metrics json.RawMessage `json:"metrics"`
	Events  []wsMsg         `json:"events"`
}

// pending holds the events of a batch message not yet handed out, per connection.
var (
	pendingMu sync.Mutex
	pending   = map[*websocket.Conn][]wsMsg{}
)

// read returns the next message, handing out a batch's events one at a time.
func read(t testing.TB, conn *websocket.Conn) wsMsg {
	t.Helper()
	pendingMu.Lock()
	if q := pending[conn]; len(q) > 0 {
		pending[conn] = q[1:]
		pendingMu.Unlock()
		return q[0]
	}
	pendingMu.Unlock()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var m wsMsg
	if err := conn.ReadJSON(&m); err != nil {
		t.Fatalf("read: %v", err)
	}
	if m.Type != "batch" {
		return m
	}
	if len(m.Events) < 2 {
		t.Fatalf("a batch message of %d events", len(m.Events))
	}
	pendingMu.Lock()
	pending[conn] = m.Events[1:]
	pendingMu.Unlock()
	return m.Events[0]
}

// readSeqs reads deltas until upTo, failing on a gap, a repeat or a message out of order.
func readSeqs(t *testing.T, conn *websocket.Conn, after, upTo uint64) {
	t.Helper()
	for want := after + 1; want <= upTo; want++ {
		m := read(t, conn)
		if m.Type == "snapshot" {
			t.Fatalf("unexpected snapshot while waiting for seq %d", want)
		}
		if m.Seq != want {
			t.Fatalf("got seq %d, want %d", m.Seq, want)
		}
	}
}

func TestLiveSnapshotThenDeltasInOrder(t *testing.T) {
	f := newLiveFixture(t, 1000, 64)
	for i := 0; i < 5; i++ {
		f.publish(f.runs[i%2], i)
	}
	conn := f.dial(t, "")
	snap := read(t, conn)
	if snap.Type != "snapshot" || snap.Seq != 5 || len(snap.Recent) != 5 {
		t.Fatalf("snapshot %+v", snap)
	}
	go func() {
		for i := 5; i < 200; i++ {
			f.publish(f.runs[i%2], i)
		}
	}()
	readSeqs(t, conn, 5, 200)
}

func TestLiveReconnectResumesWithoutGapOrRepeat(t *testing.T) {
	f := newLiveFixture(t, 1000, 64)
	conn := f.dial(t, "")
	read(t, conn) // snapshot at seq 0
	for i := 0; i < 10; i++ {
		f.publish(f.runs[0], i)
	}
	readSeqs(t, conn, 0, 6)
	conn.Close() // the client drops after seeing seq 6
	for i := 10; i < 20; i++ {
		f.publish(f.runs[1], i)
	}
	conn2 := f.dial(t, "?since=6&hub=hub_test")
	readSeqs(t, conn2, 6, 20)

	// A seq from another server process gets a snapshot, not a resume.
	conn3 := f.dial(t, "?since=6&hub=hub_other")
	if m := read(t, conn3); m.Type != "snapshot" || m.Seq != 20 {
		t.Fatalf("stale hub: %+v", m)
	}
}

func TestLiveSlowClientDoesNotBlockPublishing(t *testing.T) {
	f := newLiveFixture(t, 100, 4)
	f.dial(t, "") // a client that never reads
	fast := f.dial(t, "")
	read(t, fast)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 5000; i++ {
			f.publish(f.runs[0], i)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("publishing blocked behind a client that does not read")
	}
	// The fast client either kept up or was resynced with a snapshot: never a gap.
	last := uint64(0)
	for last < 5000 {
		m := read(t, fast)
		switch {
		case m.Type == "snapshot":
			last = m.Seq
		case m.Seq != last+1:
			t.Fatalf("gap: seq %d after %d", m.Seq, last)
		default:
			last = m.Seq
		}
	}
}

func TestLiveRefusesOtherOriginsAndUnknownExperiments(t *testing.T) {
	f := newLiveFixture(t, 10, 4)
	url := "ws" + strings.TrimPrefix(f.ts.URL, "http") + "/api/experiments/" + f.exp.ID + "/live"
	host := strings.TrimPrefix(f.ts.URL, "http://")
	for _, origin := range []string{"http://evil.example", "https://" + host, "http://localhost:1", "null", "file://" + host} {
		h := http.Header{"Origin": {origin}}
		if _, resp, err := websocket.DefaultDialer.Dial(url, h); err == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("upgrade from Origin %s allowed: %v", origin, err)
		}
	}
	// A rebinding page: its Origin and Host agree, but the name is not this server's.
	h := http.Header{"Origin": {"http://evil.example:80"}, "Host": {"evil.example:80"}}
	if _, resp, err := websocket.DefaultDialer.Dial(url, h); err == nil || resp.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("rebinding upgrade allowed: %v", err)
	}
	conn, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://" + host}})
	if err != nil {
		t.Fatalf("same-origin upgrade refused: %v", err)
	}
	conn.Close()
	status, _, body := f.ts.do(t, "GET", "/api/experiments/exp_nope/live", "")
	if status != 404 || errorCode(t, body) != "not_found" {
		t.Fatalf("unknown experiment: %d %s", status, body)
	}
}

// A handshake the upgrader turns down is answered in the one error shape, saying what
// is wrong, not with a bare "Forbidden" or "Bad Request".
func TestLiveRefusalsAreJSONErrors(t *testing.T) {
	f := newLiveFixture(t, 10, 4)
	path := "/api/experiments/" + f.exp.ID + "/live"
	url := "ws" + strings.TrimPrefix(f.ts.URL, "http") + path
	_, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://evil.example"}})
	if err == nil {
		t.Fatal("upgrade from another site allowed")
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
		errorCode(t, string(b)) != "cross_origin" || !strings.Contains(string(b), `A page at \"http://evil.example\" may not watch`) {
		t.Fatalf("other origin: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	// A rebinding page's handshake never reaches the upgrader: the guard answers it.
	_, resp, err = websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://evil.example:80"}, "Host": {"evil.example:80"}})
	if err == nil {
		t.Fatal("upgrade under a foreign host name allowed")
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest || errorCode(t, string(b)) != "unknown_host" {
		t.Fatalf("foreign host: %d %s", resp.StatusCode, b)
	}
	// A plain GET, as a browser tab or curl sends, is told to use a websocket.
	status, h, body := f.ts.do(t, "GET", path, "")
	if status != 400 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || errorCode(t, body) != "not_websocket" ||
		!strings.Contains(body, "not a websocket handshake") || !strings.Contains(body, "GET /api/experiments/:id") {
		t.Fatalf("plain GET: %d %s", status, body)
	}
}

// Closing the hub, as the server does before it shuts down, ends every live connection
// with a going-away close rather than leaving it open past the shutdown.
func TestLiveConnectionsEndWhenTheHubCloses(t *testing.T) {
	f := newLiveFixture(t, 1000, 64)
	f.publish(f.runs[0], 0)
	conns := []*websocket.Conn{f.dial(t, ""), f.dial(t, "")}
	for _, c := range conns {
		if m := read(t, c); m.Type != "snapshot" {
			t.Fatalf("first message %+v", m)
		}
	}
	f.hub.Close()
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err := c.ReadMessage()
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Fatalf("after the hub closed: %v, want a going-away close", err)
		}
	}
	// The handlers return and drop their subscriptions.
	for deadline := time.Now().Add(5 * time.Second); f.hub.Subscribers(f.exp.ID) != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscriptions left open", f.hub.Subscribers(f.exp.ID))
		}
	}
}
