package server

import (
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"transferlab/backend/store"
)

// Progress entries are kept a while after their upload ends so a last poll still sees
// done; the cap keeps a client that invents ids from growing the map without bound.
const (
	progressKeep    = 5 * time.Minute
	progressMaxLive = 1000
)

var progressIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// UploadProgress is what GET /api/uploads/:upload_id/progress answers: bytes of the
// request body received so far and images the import has decoded.
type UploadProgress struct {
	BytesRead     int64 `json:"bytes_read"`
	TotalBytes    int64 `json:"total_bytes"`
	ImagesDecoded int   `json:"images_decoded"`
	ImagesTotal   int   `json:"images_total"`
	Done          bool  `json:"done"`
	updated       time.Time
}

// ProgressBoard holds the progress of uploads in flight, keyed by the id the client
// chose. It is in memory: progress only matters to the process receiving the upload.
type ProgressBoard struct {
	mu sync.Mutex
	m  map[string]*UploadProgress
}

// NewProgressBoard makes an empty board.
func NewProgressBoard() *ProgressBoard { return &ProgressBoard{m: map[string]*UploadProgress{}} }

// update applies f to the entry of id, creating it; an empty id tracks nothing.
func (b *ProgressBoard) update(id string, f func(*UploadProgress)) {
	if id == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.m[id]
	if !ok {
		b.prune()
		if len(b.m) >= progressMaxLive {
			return
		}
		p = &UploadProgress{}
		b.m[id] = p
	}
	f(p)
	p.updated = time.Now()
}

// prune drops entries that finished, or stopped moving, longer ago than progressKeep.
func (b *ProgressBoard) prune() {
	cutoff := time.Now().Add(-progressKeep)
	for id, p := range b.m {
		if p.updated.Before(cutoff) {
			delete(b.m, id)
		}
	}
}

func (b *ProgressBoard) get(id string) (UploadProgress, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.m[id]
	if !ok {
		return UploadProgress{}, false
	}
	return *p, true
}

func (a *DatasetAPI) progress(c *gin.Context) {
	p, ok := a.Progress.get(progressOwner(c) + "/" + c.Param("upload_id"))
	if !ok {
		fail(c, store.ErrNotFound)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, p)
}

// progressOwner is the account an upload's progress belongs to; empty without accounts.
func progressOwner(c *gin.Context) string {
	v, _ := store.ViewerOf(c.Request.Context())
	return v.UserID
}
