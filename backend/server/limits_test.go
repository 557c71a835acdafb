package server

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"transferlab/backend/datadir"
)

func TestWriteFloodIsThrottledPerClient(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.Limits = Limits{WritesPerSecond: 1, WriteBurst: 5} })
	var ok, limited int
	for i := 0; i < 40; i++ {
		status, h, body := ts.send(t, "POST", "/api/runs/run_nope/cancel", "", nil)
		switch status {
		case 404:
			ok++
		case 429:
			limited++
			if errorCode(t, body) != "too_many_requests" || h.Get("Retry-After") == "" {
				t.Fatalf("429 without its code or Retry-After: %v %s", h, body)
			}
		default:
			t.Fatalf("status %d: %s", status, body)
		}
	}
	// The burst gets through, and at most a few more as the bucket refills.
	if ok < 5 || ok > 10 || limited < 30 {
		t.Fatalf("%d through, %d limited", ok, limited)
	}
	// Reads are never limited.
	if status, _, _ := ts.send(t, "GET", "/api/health", "", nil); status != 200 {
		t.Fatalf("read after a flood: %d", status)
	}
}

func TestUploadsAreCappedAndMustKeepMoving(t *testing.T) {
	window, minBytes := uploadWindow, uploadMinBytes
	t.Cleanup(func() { uploadWindow, uploadMinBytes = window, minBytes })
	uploadWindow, uploadMinBytes = 300*time.Millisecond, 1<<10
	ts := newTestServer(t, func(d *Deps) { d.Limits = Limits{Uploads: 2}; d.DataDir = datadir.New(t.TempDir()) })
	addr := strings.TrimPrefix(ts.URL, "http://")
	// Two uploads that send their headers and then a byte now and then.
	slow := make([]net.Conn, 2)
	for i := range slow {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /api/datasets HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\n", addr)
		slow[i] = c
	}
	time.Sleep(100 * time.Millisecond) // both are in the handler
	status, h, body := ts.send(t, "POST", "/api/datasets", "--x--\r\n", map[string]string{"Content-Type": "multipart/form-data; boundary=x"})
	if status != 503 || errorCode(t, body) != "too_many_uploads" || h.Get("Retry-After") == "" {
		t.Fatalf("third upload: %d %v %s", status, h, body)
	}
	// The slow ones are answered and dropped once a window passes without enough bytes.
	for _, c := range slow {
		c.Write([]byte("a"))
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			// The server may close before its answer gets out; either way it let go.
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != 408 && resp.StatusCode != 400 {
			t.Fatalf("slow upload answered %d", resp.StatusCode)
		}
	}
	// With the slots free again, an upload is heard (and refused for its content).
	status, _, body = ts.send(t, "POST", "/api/datasets", "--x--\r\n", map[string]string{"Content-Type": "multipart/form-data; boundary=x"})
	if status != 400 || errorCode(t, body) != "missing_file" {
		t.Fatalf("upload after the slow ones: %d %s", status, body)
	}
}

func TestLiveWatchersAreCappedWithAReason(t *testing.T) {
	f := newLiveFixture(t, 10, 4)
	f.ts.Close()
	hub := f.hub
	ts := newTestServer(t, func(d *Deps) {
		d.Hub, d.HubID, d.DB = hub, "hub_test", f.ts.db
		d.Limits = Limits{WatchersPerExperiment: 2, Watchers: 3}
	})
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/api/experiments/" + f.exp.ID + "/live"
	var open []*websocket.Conn
	for i := 0; i < 2; i++ {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if m := read(t, c); m.Type != "snapshot" {
			t.Fatalf("watcher %d got %q first", i, m.Type)
		}
		open = append(open, c)
	}
	refused := func(wantReason string) {
		t.Helper()
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err = c.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != closeTryAgainLater || !strings.Contains(ce.Text, wantReason) {
			t.Fatalf("over the cap: %v", err)
		}
	}
	refused("This experiment has 2 live views open")
	// A watcher that leaves frees its place.
	open[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, msg, err := c.ReadMessage()
		if err == nil && strings.Contains(string(msg), `"snapshot"`) {
			defer c.Close()
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the place of a closed watcher was not freed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
