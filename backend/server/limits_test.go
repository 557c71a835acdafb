package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
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
	ts := newTestServer(t, func(d *Deps) {
		d.Limits = Limits{Uploads: 2, UploadsPerClient: 2}
		d.DataDir = datadir.New(t.TempDir())
	})
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

// One client trickling uploads at the minimum rate could hold every slot; it may hold
// half of them, and the others stay open to other clients until the server's cap.
func TestUploadsAreCappedPerClient(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.Limits = Limits{Uploads: 4}; d.DataDir = datadir.New(t.TempDir()) })
	addr := strings.TrimPrefix(ts.URL, "http://")
	post := func(from string, complete bool) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Skipf("cannot send from %s here: %v", from, err)
		}
		t.Cleanup(func() { c.Close() })
		body := "--x\r\n"
		if complete {
			body = "--x--\r\n"
		}
		fmt.Fprintf(c, "POST /api/datasets HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n%s", addr, map[bool]int{true: len(body), false: 100000}[complete], body)
		return c
	}
	answer := func(c net.Conn) (int, string) {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Asks from `from` until the answer is not the one a free slot gives (the slow
	// uploads may not have reached the handler yet).
	refusedFor := func(from string) (int, string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			status, body := answer(post(from, true))
			if status != 400 || time.Now().After(deadline) {
				return status, body
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	post("127.0.0.1", false)
	post("127.0.0.1", false)
	status, body := refusedFor("127.0.0.1")
	if status != 429 || errorCode(t, body) != "too_many_uploads" || !strings.Contains(body, "already sending 2 uploads, the most one client may send at once") {
		t.Fatalf("third upload from one client: %d %s", status, body)
	}
	// Another client is heard meanwhile (and refused for its content).
	if status, body := answer(post("127.0.0.2", true)); status != 400 || errorCode(t, body) != "missing_file" {
		t.Fatalf("upload from another client: %d %s", status, body)
	}
	// With the second client's two slow uploads the server is full, for everyone.
	post("127.0.0.2", false)
	post("127.0.0.2", false)
	status, body = refusedFor("127.0.0.3")
	if status != 503 || errorCode(t, body) != "too_many_uploads" || !strings.Contains(body, "already receiving 4 uploads") {
		t.Fatalf("fifth upload: %d %s", status, body)
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

// A preview waits for a free slot up to its limit, then gives up; a freed slot is
// taken at once by a waiting one.
func TestPreviewSlotsWaitThenGiveUp(t *testing.T) {
	s := make(slots, 1)
	if !s.wait(t.Context(), time.Millisecond) {
		t.Fatal("a free slot was not taken")
	}
	if s.wait(t.Context(), 20*time.Millisecond) {
		t.Fatal("a second preview got the only slot")
	}
	got := make(chan bool)
	go func() { got <- s.wait(t.Context(), 10*time.Second) }()
	time.Sleep(10 * time.Millisecond)
	s.give()
	if !<-got {
		t.Fatal("a waiting preview did not get the freed slot")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if s.wait(ctx, 10*time.Second) {
		t.Fatal("a preview whose client left still got a slot")
	}
}
