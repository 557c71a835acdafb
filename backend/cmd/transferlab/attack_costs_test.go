package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// A preview of 10 classes of 512x512 images took 1.75 GB on main, 2,000 classes of
// 28x28 1.1 GB: the canvas is now capped, and the class count at import.
func TestAttackPreviewBombs(t *testing.T) {
	tg := startTarget(t, "")
	id := tg.uploadDataset(t, "big.zip", classZip(t, 10, 4, 8, 8), map[string]string{"height": "512", "width": "512"})
	tg.resetPeak(t)
	before := tg.peak(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(tg.base + "/api/datasets/" + id + "/preview?n=32")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			img, err := png.DecodeConfig(resp.Body)
			if resp.StatusCode != 200 || err != nil || img.Width*img.Height > 4<<20 {
				t.Errorf("preview: %d %v %dx%d", resp.StatusCode, err, img.Width, img.Height)
			}
		}()
	}
	wg.Wait()
	if grew := tg.peak(t) - before; grew > 200*mib {
		t.Errorf("four previews grew peak memory by %d MiB", grew/mib)
	}
	t.Logf("peak %d MiB after four previews of 10 classes at 512x512 (%d MiB before)", tg.peak(t)/mib, before/mib)

	// 2,000 classes are refused at import, with nothing left behind.
	status, body := tg.upload(t, "classes.zip", classZip(t, 2000, 2, 4, 4), nil)
	if status != 422 || errCode(body) != "too_many_classes" || !strings.Contains(body, "at most 1000") {
		t.Fatalf("2,000 classes: %d %s", status, short(body))
	}
	if left := tg.leftovers(t); len(left) != 0 || tg.datasetCount(t) != 1 {
		t.Fatalf("left behind: %v, %d datasets", left, tg.datasetCount(t))
	}
}

// 32 previews at once of the built-in icons pushed peak memory from 0.63 to 1.65 GB on
// main: each canvas and its PNG cost up to 32 MiB. A few are drawn at once now, and the
// rest wait their turn or are told to come back with 503.
func TestAttackPreviewCrowd(t *testing.T) {
	tg := startTarget(t, "")
	id := tg.uploadDataset(t, "big.zip", classZip(t, 10, 4, 8, 8), map[string]string{"height": "512", "width": "512"})
	tg.resetPeak(t)
	before := tg.peak(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	answers := map[string]int{}
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each asks for a different class, so no cache answers for the server.
			resp, err := http.Get(fmt.Sprintf("%s/api/datasets/%s/preview?n=32&class=c%04d", tg.base, id, i%10))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			answer := resp.Status
			if resp.StatusCode != 200 {
				answer += " " + errCode(string(b))
			}
			mu.Lock()
			answers[answer]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	grew := tg.peak(t) - before
	t.Logf("32 previews at once: %v; peak memory grew by %d MiB (%d MiB before)", answers, grew/mib, before/mib)
	for a, n := range answers {
		if a != "200 OK" && a != "503 Service Unavailable too_many_previews" {
			t.Errorf("%d previews answered %s", n, a)
		}
	}
	if answers["200 OK"] < 4 {
		t.Errorf("only %d of 32 previews drawn", answers["200 OK"])
	}
	if grew > 256*mib {
		t.Errorf("32 previews at once grew peak memory by %d MiB", grew/mib)
	}
}

// 2,000 1x1 PNGs asked at 512x512x3 made a 1.57 GB cache from 328 KB on main.
func TestAttackCacheBomb(t *testing.T) {
	tg := startTarget(t, "")
	zip := classZip(t, 2, 1000, 1, 1)
	tg.resetPeak(t)
	before := tg.peak(t)
	status, body := tg.upload(t, "bomb.zip", zip, map[string]string{"channels": "3", "height": "512", "width": "512"})
	if status != 413 || errCode(body) != "cache_too_large" || !strings.Contains(body, "2000 images of 3x512x512") {
		t.Fatalf("cache bomb (%d KB): %d %s", len(zip)>>10, status, short(body))
	}
	if grew := tg.peak(t) - before; grew > 64*mib {
		t.Errorf("refusing the bomb grew peak memory by %d MiB", grew/mib)
	}
	if left := tg.leftovers(t); len(left) != 0 || tg.datasetCount(t) != 0 {
		t.Fatalf("left behind: %v, %d datasets", left, tg.datasetCount(t))
	}
	// The same images at their own size are a fine dataset.
	if status, body := tg.upload(t, "small.zip", zip, nil); status != 201 {
		t.Fatalf("the same upload at 28x28: %d %s", status, short(body))
	}
}

// 500 uploads at a byte every 8 s held 1,020 descriptors on main. Here 40 slow uploads
// from four client addresses meet a cap of 4, two per client: the first client gets 2
// and is refused the rest with 429, the second fills the server, and every other one is
// refused at once with 503; the 4 are dropped when they fall under the minimum rate,
// and descriptors come back.
func TestAttackSlowLorisUploads(t *testing.T) {
	tg := startTarget(t, "", "--max-uploads", "4")
	base := tg.fds(t)
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	refused := map[int]int{}
	for i := 0; i < 40; i++ {
		from := fmt.Sprintf("127.0.0.%d", 1+i/10)
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
		c, err := d.Dial("tcp", tg.addr)
		if err != nil {
			t.Skipf("cannot connect from %s here: %v", from, err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /api/datasets HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 10000000\r\n\r\n--x\r\n", tg.addr)
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
			refused[resp.StatusCode]++
		}
	}
	if refused[429] != 8 || refused[503] != 28 || len(refused) != 2 {
		t.Fatalf("refused at once: %v; want 8 with 429 (one client over its 2) and 28 with 503 (server full)", refused)
	}
	// The four admitted ones trickle a byte a second until the server lets go.
	deadline := time.Now().Add(40 * time.Second)
	for dropped := 0; dropped < 4; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of the 4 slow uploads were dropped", dropped)
		}
		dropped = 0
		for _, c := range conns {
			c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			if _, err := c.Write([]byte("a")); err != nil {
				dropped++
			}
		}
		dropped -= 36
		time.Sleep(time.Second)
	}
	for _, c := range conns {
		c.Close()
	}
	waitForLong(t, 10*time.Second, func() bool { return tg.fds(t) <= base+2 })
	if left := tg.leftovers(t); len(left) != 0 {
		t.Fatalf("partial uploads left: %v", left)
	}
	// A real upload goes through afterwards.
	if status, body := tg.upload(t, "ok.zip", classZip(t, 2, 3, 8, 8), nil); status != 201 {
		t.Fatalf("upload after the attack: %d %s", status, short(body))
	}
}

// A 200-connection crowd on one experiment's live view: watchers past the caps are
// closed at once with code 1013 and a reason.
func TestAttackWebsocketCrowd(t *testing.T) {
	tg := startTarget(t, "", "--max-watchers-per-experiment", "16", "--max-watchers", "24")
	ds := tg.tinyDataset(t, "cats.zip")
	status, _, body := tg.do(t, "POST", "/api/experiments", strings.NewReader(experimentBody(ds)), asJSON)
	if status != 201 {
		t.Fatalf("create: %d %s", status, short(body))
	}
	var exp struct{ ID string }
	json.Unmarshal([]byte(body), &exp)
	base := tg.fds(t)
	url := "ws://" + tg.addr + "/api/experiments/" + exp.ID + "/live"
	var conns []*websocket.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	watching, refused := 0, 0
	for i := 0; i < 200; i++ {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := c.ReadMessage()
		var ce *websocket.CloseError
		switch {
		case err == nil && strings.Contains(string(msg), `"snapshot"`):
			watching++
			conns = append(conns, c)
		case errors.As(err, &ce) && ce.Code == 1013 && strings.Contains(ce.Text, "live views open"):
			refused++
			c.Close()
		default:
			t.Fatalf("watcher %d: %v %.80s", i, err, msg)
		}
	}
	if watching != 16 || refused != 184 {
		t.Fatalf("%d watching, %d refused; want 16 and 184", watching, refused)
	}
	if n := tg.fds(t); n > base+16+8 {
		t.Fatalf("%d descriptors open with 16 watchers (%d before)", n, base)
	}
}

// 2,000 writes went through in 2.7 s on main. Each client now has a token bucket.
func TestAttackWriteFlood(t *testing.T) {
	tg := startTarget(t, "", "--writes-per-second", "10")
	start := time.Now()
	passed, limited := 0, 0
	for i := 0; i < 2000; i++ {
		status, h, body := tg.do(t, "POST", "/api/runs/run_nope/cancel", nil, nil)
		switch {
		case status == 404:
			passed++
		case status == 429 && errCode(body) == "too_many_requests" && h.Get("Retry-After") != "":
			limited++
		default:
			t.Fatalf("request %d: %d %s", i, status, short(body))
		}
	}
	// A burst of 50, then 10 a second.
	allowed := 50 + int(10*time.Since(start).Seconds()) + 1
	if passed > allowed || limited < 2000-allowed {
		t.Fatalf("%d passed, %d limited; at most %d may pass", passed, limited, allowed)
	}
	if status, _, _ := tg.do(t, "GET", "/api/experiments", nil, nil); status != 200 {
		t.Fatalf("reads are limited too: %d", status)
	}
}

func waitForLong(t testing.TB, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
