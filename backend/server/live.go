package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"transferlab/backend/live"
	"transferlab/backend/series"
)

// Variables so tests can shorten the keep-alive.
var (
	pingPeriod = 20 * time.Second
	pongWait   = 45 * time.Second
	writeWait  = 10 * time.Second
)

// snapshotPoints caps each curve in a snapshot; the client asks the metrics route for
// detail when it zooms.
const snapshotPoints = 2000

// LiveAPI streams an experiment's events over a websocket.
type LiveAPI struct {
	Exp *ExperimentAPI
	Hub *live.Hub
	// HubID names the numbering a client's seq belongs to. The embedded set-up's changes
	// with every start, so a client holding a seq from a previous process gets a
	// snapshot rather than a resume that would skip points; the web processes of a
	// shared database share one, since the database numbers the events.
	HubID string
	// Relay, when set, reads the experiment's events from the shared database into Hub
	// while someone here watches it.
	Relay    *live.Relay
	upgrader *websocket.Upgrader
	watchers *watchers
}

// closeTryAgainLater is the websocket close code for a server at capacity (RFC 6455
// registry: 1013); the app shows the reason and does not hammer the server.
const closeTryAgainLater = 1013

func newUpgrader(g Guard) *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 16 << 10,
		CheckOrigin:     g.originAllowed(),
		Error:           upgradeRefused,
	}
}

// upgradeRefused answers a handshake the upgrader turned down in the one error shape,
// where gorilla would send a bare "Forbidden" or "Bad Request".
func upgradeRefused(w http.ResponseWriter, r *http.Request, status int, reason error) {
	var e *apiError
	switch {
	case status == http.StatusForbidden:
		e = newError(status, "cross_origin", fmt.Sprintf(
			"A page at %s may not watch this server's experiments; open the app from the server's own address (the one in the browser's address bar must match), and its live view connects.",
			quoteHost(r.Header.Get("Origin"))))
	case status < 500:
		e = newError(status, "not_websocket", fmt.Sprintf(
			"This address streams an experiment's live events over a websocket, and the request is not a websocket handshake (%s); connect with a websocket client, as the app does, or read the experiment with GET /api/experiments/:id.",
			strings.TrimPrefix(reason.Error(), "websocket: ")))
	default:
		slog.ErrorContext(r.Context(), "websocket upgrade", "path", r.URL.Path, "err", reason)
		e = newError(status, "internal", "The live view could not be opened on the server; the details are in its log. Reload the page, and report it if it persists.")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]*apiError{"error": e})
}

type snapshotMsg struct {
	Type       string                    `json:"type"`
	Hub        string                    `json:"hub"`
	Seq        uint64                    `json:"seq"`
	Experiment ExperimentView            `json:"experiment"`
	Metrics    map[string]map[string]any `json:"metrics"`
	Recent     []live.Event              `json:"recent"`
}

func (a *LiveAPI) serve(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	if _, err := a.Exp.DB.Experiment(ctx, id); err != nil {
		fail(c, err)
		return
	}
	since, hasSince := uint64(0), false
	if s := c.Query("since"); s != "" && c.Query("hub") == a.HubID {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fail(c, badRequest("bad_query", "since must be the last seq you received, got %q.", s))
			return
		}
		since, hasSince = n, true
	}
	conn, err := a.upgrader.Upgrade(c.Writer, c.Request, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	defer conn.Close()
	leave, refusal := a.watchers.join(id)
	if leave == nil {
		conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeTryAgainLater, refusal), time.Now().Add(writeWait))
		return
	}
	defer leave()
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	go readUntilClosed(conn, cancel)

	if a.Relay != nil {
		unfollow, err := a.Relay.Follow(ctx, id)
		if err != nil {
			slog.Warn("live events", "experiment", id, "err", err)
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeTryAgainLater, "live events cannot be read now"), time.Now().Add(writeWait))
			return
		}
		defer unfollow()
	}
	sub, backlog, resumed := a.Hub.Subscribe(id, since)
	defer sub.Close()
	if !hasSince || !resumed {
		if err := a.sendSnapshot(ctx, conn, id, sub.Last()); err != nil {
			slog.Warn("live snapshot", "experiment", id, "err", err)
			return
		}
		backlog = nil
	}
	if err := writeEvents(conn, backlog); err != nil {
		return
	}
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	// One channel keeps batches and resyncs in the order the subscriber produced them.
	batches := make(chan live.Batch)
	go func() {
		defer cancel() // the connection ends with its events
		for {
			b, err := sub.Next(ctx, 256)
			if errors.Is(err, live.ErrClosed) {
				// The server is stopping: say so, so the client reconnects later.
				conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(writeWait))
			}
			if err != nil {
				return
			}
			if !b.Resync {
				// Gather what arrives in the next few milliseconds into the same message.
				select {
				case <-time.After(coalesceWindow):
				case <-ctx.Done():
					return
				}
				for len(b.Events) < 1024 {
					more, ok := sub.TryNext(1024 - len(b.Events))
					if !ok {
						break
					}
					if more.Resync {
						// Send what was gathered first; the resync follows in order.
						select {
						case batches <- b:
						case <-ctx.Done():
							return
						}
						b = more
						break
					}
					b.Events = append(b.Events, more.Events...)
				}
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-batches:
			var err error
			if b.Resync {
				err = a.sendSnapshot(ctx, conn, id, b.Seq)
			} else {
				err = writeEvents(conn, b.Events)
			}
			if err != nil {
				return
			}
		case <-ping.C:
			conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}

// readUntilClosed handles pongs and close frames; the client sends nothing else.
func readUntilClosed(conn *websocket.Conn, done context.CancelFunc) {
	defer done()
	conn.SetReadLimit(512)
	conn.SetReadDeadline(time.Now().Add(pongWait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
	}
}

// writeEvents sends one event as one message, and several as one
// {"type":"batch","events":[...]} message: a busy run makes hundreds of points a
// second, and one write per watcher per point would cost training its CPU.
func writeEvents(conn *websocket.Conn, evs []live.Event) error {
	if len(evs) == 0 {
		return nil
	}
	conn.SetWriteDeadline(time.Now().Add(writeWait))
	if len(evs) == 1 {
		return conn.WriteMessage(websocket.TextMessage, wire(evs[0]))
	}
	w, err := conn.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	w.Write([]byte(`{"type":"batch","events":[`))
	for i, ev := range evs {
		if i > 0 {
			w.Write([]byte{','})
		}
		w.Write(wire(ev))
	}
	w.Write([]byte(`]}`))
	return w.Close()
}

func wire(ev live.Event) []byte {
	if ev.Wire != nil {
		return ev.Wire
	}
	b, _ := json.Marshal(ev)
	return b
}

func (a *LiveAPI) sendSnapshot(ctx context.Context, conn *websocket.Conn, id string, seq uint64) error {
	view, err := a.Exp.view(ctx, id)
	if err != nil {
		return err
	}
	msg := snapshotMsg{Type: "snapshot", Hub: a.HubID, Seq: seq, Experiment: view,
		Metrics: map[string]map[string]any{}, Recent: []live.Event{}}
	for _, ev := range a.Hub.Recent(id) {
		if ev.Seq <= seq {
			msg.Recent = append(msg.Recent, ev)
		}
	}
	for _, r := range view.Runs {
		names, err := a.Exp.DB.MetricNames(ctx, r.ID)
		if err != nil {
			return err
		}
		curves := map[string]any{}
		for _, name := range names {
			pts, err := points(ctx, a.Exp.DB, r.ID, name, 0)
			if err != nil {
				return err
			}
			curves[name] = series.Downsample(pts, snapshotPoints)
		}
		msg.Metrics[r.ID] = curves
	}
	conn.SetWriteDeadline(time.Now().Add(writeWait))
	return conn.WriteJSON(msg)
}

// coalesceWindow is how long the first event of a message may wait for others: far
// under what a person notices on a chart, and it turns a run's hundreds of points a
// second into tens of messages per watcher.
var coalesceWindow = 25 * time.Millisecond
