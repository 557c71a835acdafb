package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// Limits bound what clients may cost the server; zero fields take DefaultLimits.
type Limits struct {
	// WritesPerSecond and WriteBurst are each client's budget of requests that change
	// something; reads are not limited.
	WritesPerSecond float64
	WriteBurst      int
	// Uploads is how many dataset uploads may stream at once, and UploadsPerClient how
	// many of them one client address may hold (half of Uploads unless set), so one
	// client trickling at the minimum rate cannot take every slot.
	Uploads          int
	UploadsPerClient int
	// Previews is how many dataset previews may be drawn at once: each canvas costs up
	// to 16 MiB and its PNG as much again.
	Previews int
	// WatchersPerExperiment and Watchers cap the live websockets of one experiment and
	// of the whole server.
	WatchersPerExperiment int
	Watchers              int
}

// DefaultLimits leave a person clicking around, and the tests, far below every limit.
func DefaultLimits() Limits {
	return Limits{WritesPerSecond: 10, WriteBurst: 50, Uploads: 4, Previews: 4, WatchersPerExperiment: 64, Watchers: 256}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.WritesPerSecond <= 0 {
		l.WritesPerSecond = d.WritesPerSecond
	}
	if l.WriteBurst <= 0 {
		l.WriteBurst = d.WriteBurst
	}
	if l.Uploads <= 0 {
		l.Uploads = d.Uploads
	}
	if l.UploadsPerClient <= 0 {
		l.UploadsPerClient = max(1, l.Uploads/2)
	}
	l.UploadsPerClient = min(l.UploadsPerClient, l.Uploads)
	if l.Previews <= 0 {
		l.Previews = d.Previews
	}
	if l.WatchersPerExperiment <= 0 {
		l.WatchersPerExperiment = d.WatchersPerExperiment
	}
	if l.Watchers <= 0 {
		l.Watchers = d.Watchers
	}
	return l
}

// Variables so tests can shorten them: a request body must arrive within
// requestReadTimeout, an upload must deliver uploadMinBytes every uploadWindow, and a
// preview waits up to previewWait for a free slot.
var (
	requestReadTimeout = 30 * time.Second
	uploadWindow       = 10 * time.Second
	uploadMinBytes     = int64(16 << 10)
	previewWait        = 5 * time.Second
)

// readDeadline stops a client that sends a request body a byte at a time from holding
// its connection: the upload route replaces it with a minimum rate.
func readDeadline() gin.HandlerFunc {
	return func(c *gin.Context) {
		http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(requestReadTimeout))
		c.Next()
	}
}

// writeLimiter gives each client address a token bucket for requests that change
// something, so one script cannot flood the queue or the disk.
type writeLimiter struct {
	every rate.Limit
	burst int
	mu    sync.Mutex
	by    map[string]*clientBucket
	swept time.Time
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newWriteLimiter(l Limits) *writeLimiter {
	return &writeLimiter{every: rate.Limit(l.WritesPerSecond), burst: l.WriteBurst, by: map[string]*clientBucket{}}
}

func (w *writeLimiter) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if wait, ok := w.allow(clientAddr(c.Request), time.Now()); !ok {
			c.Header("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			writeError(c, newError(http.StatusTooManyRequests, "too_many_requests",
				"Too many changes from this client in a short time; wait a moment and try again."))
			return
		}
		c.Next()
	}
}

// allow takes a token for addr, or says how long until one is free.
func (w *writeLimiter) allow(addr string, now time.Time) (time.Duration, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	// Buckets idle for a minute are full again and can be forgotten; this keeps the
	// map as small as the set of recent clients.
	if now.Sub(w.swept) > time.Minute {
		for k, b := range w.by {
			if now.Sub(b.seen) > time.Minute {
				delete(w.by, k)
			}
		}
		w.swept = now
	}
	b := w.by[addr]
	if b == nil {
		b = &clientBucket{lim: rate.NewLimiter(w.every, w.burst)}
		w.by[addr] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// clientAddr is the peer's IP: forwarded-for headers are the client's own words and
// would let it pick a fresh bucket per request.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// slots is a counting semaphore that refuses instead of waiting.
type slots chan struct{}

func (s slots) take() bool {
	select {
	case s <- struct{}{}:
		return true
	default:
		return false
	}
}

// wait takes a slot, waiting up to d for one to free, or until ctx ends.
func (s slots) wait(ctx context.Context, d time.Duration) bool {
	if s.take() {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case s <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

func (s slots) give() { <-s }

// uploadSlots counts the uploads streaming now, in all and per client address, and
// refuses past either cap instead of waiting: a waiting upload would hold its
// connection all the same.
type uploadSlots struct {
	total, perClient int
	mu               sync.Mutex
	n                int
	by               map[string]int
}

func newUploadSlots(l Limits) *uploadSlots {
	return &uploadSlots{total: l.Uploads, perClient: l.UploadsPerClient, by: map[string]int{}}
}

// take holds a slot for client until release is called, or says why there is none.
func (u *uploadSlots) take(client string) (release func(), refusal *apiError) {
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case u.n >= u.total:
		return nil, newError(http.StatusServiceUnavailable, "too_many_uploads", fmt.Sprintf(
			"The server is already receiving %d uploads, its limit; try again when one has finished.", u.total))
	case u.by[client] >= u.perClient:
		return nil, newError(http.StatusTooManyRequests, "too_many_uploads", fmt.Sprintf(
			"You are already sending %d uploads, the most one client may send at once; wait for one to finish, then send the next.", u.perClient))
	}
	u.n++
	u.by[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.n--
			if u.by[client]--; u.by[client] == 0 {
				delete(u.by, client)
			}
		})
	}, nil
}

// uploadRate holds an upload to a minimum transfer rate: each window must bring
// uploadMinBytes, or the read deadline ends the request. A byte every few seconds
// would otherwise hold a connection, a descriptor and an upload slot forever.
type uploadRate struct {
	r     io.ReadCloser
	rc    *http.ResponseController
	got   int64
	start time.Time
}

func newUploadRate(c *gin.Context) *uploadRate {
	u := &uploadRate{r: c.Request.Body, rc: http.NewResponseController(c.Writer), start: time.Now()}
	u.rc.SetReadDeadline(u.start.Add(uploadWindow))
	return u
}

func (u *uploadRate) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	u.got += int64(n)
	if u.got >= uploadMinBytes {
		u.got = 0
		u.start = time.Now()
		u.rc.SetReadDeadline(u.start.Add(uploadWindow))
	}
	return n, err
}

func (u *uploadRate) Close() error { return u.r.Close() }
