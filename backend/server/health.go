package server

import (
	"context"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/blob"
	"transferlab/backend/datadir"
	"transferlab/backend/store"
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
	// DataDir is where the server writes; its disk's free space is reported.
	DataDir string
}

// A disk with less than diskFullBelow free is full: an upload is refused and training
// pauses. Under diskLowBelow it is low: a few more datasets or checkpoints fill it.
const (
	diskFullBelow = 8 << 20
	diskLowBelow  = 256 << 20
)

// HealthView is GET /api/health. Each part is "ok" or "unavailable" (the store may also
// be "full"); status is "ok", or "degraded" with the parts that are down listed, or
// with none listed when only the disk is full.
type HealthView struct {
	Status      string   `json:"status"`
	Version     string   `json:"version"`
	Database    string   `json:"database"`
	Queue       string   `json:"queue"`
	Store       string   `json:"store"`
	Unavailable []string `json:"unavailable"`
	// Disk is the data directory's disk: "ok", "low", "full" (uploads are refused and
	// training pauses until space is freed) or "unknown". A full disk makes status
	// "degraded" but the answer stays 200: this process still serves, and deleting
	// through it is how space is freed.
	Disk          string `json:"disk"`
	DiskFreeBytes *int64 `json:"disk_free_bytes"`
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
		var err error
		if part.p == nil {
			err = errors.New("not configured")
		} else {
			err = part.p.Ping(ctx)
		}
		switch {
		case err == nil:
		case part.name == "store" && store.IsDiskFull(err):
			// Full, not down: reads and deletes work, and deleting through this
			// process is how the disk gets space back.
			*part.to = "full"
		default:
			*part.to = "unavailable"
			body.Unavailable = append(body.Unavailable, part.name)
		}
	}
	body.Disk, body.DiskFreeBytes = diskState(h.DataDir)
	status := http.StatusOK
	if body.Disk == "full" || body.Store == "full" {
		body.Status = "degraded"
	}
	if len(body.Unavailable) > 0 {
		body.Status, status = "degraded", http.StatusServiceUnavailable
	}
	c.JSON(status, body)
}

// diskState says how full the disk of dir is, and how much it has free when known.
func diskState(dir string) (string, *int64) {
	if dir == "" {
		return "unknown", nil
	}
	free, err := datadir.DiskFree(dir)
	if err != nil {
		return "unknown", nil
	}
	n := int64(free)
	switch {
	case free < diskFullBelow:
		return "full", &n
	case free < diskLowBelow:
		return "low", &n
	}
	return "ok", &n
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
