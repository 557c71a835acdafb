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

// HealthView is GET /api/health. Each part is "ok" or "unavailable"; status is "ok",
// or "degraded" with the parts that are down listed.
type HealthView struct {
	Status      string   `json:"status"`
	Version     string   `json:"version"`
	Database    string   `json:"database"`
	Queue       string   `json:"queue"`
	Store       string   `json:"store"`
	Unavailable []string `json:"unavailable"`
}

func (h *HealthAPI) get(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	body := HealthView{Status: "ok", Version: h.Version, Unavailable: []string{}}
	for _, part := range []struct {
		name string
		p    Pinger
		to   *string
	}{{"database", h.Database, &body.Database}, {"queue", h.Queue, &body.Queue}, {"store", h.Store, &body.Store}} {
		*part.to = "ok"
		if part.p == nil || part.p.Ping(ctx) != nil {
			*part.to = "unavailable"
			body.Unavailable = append(body.Unavailable, part.name)
		}
	}
	status := http.StatusOK
	if len(body.Unavailable) > 0 {
		body.Status, status = "degraded", http.StatusServiceUnavailable
	}
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
