package server

import (
	"context"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/blob"
)

// Pinger is anything that can say whether it is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// HealthAPI answers whether the server, its database, its job queue and its file store
// work. A load balancer reads the status code: 503 takes this process out of rotation,
// and `unavailable` says which part is down.
type HealthAPI struct {
	Version  string
	Database Pinger
	Queue    Pinger
	Store    Pinger
}

func (h *HealthAPI) get(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	body := gin.H{"status": "ok", "version": h.Version}
	down := []string{}
	for _, part := range []struct {
		name string
		p    Pinger
	}{{"database", h.Database}, {"queue", h.Queue}, {"store", h.Store}} {
		body[part.name] = "ok"
		if part.p == nil || part.p.Ping(ctx) != nil {
			body[part.name] = "unavailable"
			down = append(down, part.name)
		}
	}
	status := http.StatusOK
	if len(down) > 0 {
		body["status"], status = "degraded", http.StatusServiceUnavailable
	}
	body["unavailable"] = down
	c.JSON(status, body)
}

// dirStore checks the data directory the way the server uses it: a file can be
// written there and removed. A full or read-only disk fails it.
// With a shared store, that store must answer too.
type dirStore struct {
	root   string
	shared *blob.Mirror
}

func (s dirStore) Ping(ctx context.Context) error {
	if s.root == "" {
		return errors.New("no data directory configured")
	}
	if s.shared.Shared() {
		if err := s.shared.Store.Check(ctx); err != nil {
			return err
		}
	}
	f, err := os.CreateTemp(s.root, ".health-*")
	if err != nil {
		return err
	}
	name := f.Name()
	_, werr := f.Write([]byte("ok"))
	cerr := f.Close()
	rerr := os.Remove(name)
	return errors.Join(werr, cerr, rerr)
}
