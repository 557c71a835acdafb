package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"

	"github.com/gin-gonic/gin"
)

type pingErr struct{ err error }

func (p pingErr) Ping(context.Context) error { return p.err }

// A store that cannot take a file because the disk is full is reported full, not down:
// the answer stays 200, so the process stays in rotation and deletes can free space.
func TestHealthReportsAFullDiskWithoutTakingTheServerDown(t *testing.T) {
	enospc := &os.PathError{Op: "write", Path: "/data/.health-1", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		store      error
		code       int
		status     string
		storeState string
	}{
		{nil, 200, "ok", "ok"},
		{enospc, 200, "degraded", "full"},
		{os.ErrPermission, 503, "degraded", "unavailable"},
	} {
		h := &HealthAPI{Version: "v", Database: pingErr{}, Queue: pingErr{}, Store: pingErr{tc.store}, DataDir: t.TempDir()}
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/api/health", nil)
		h.get(c)
		var v HealthView
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		if w.Code != tc.code || v.Status != tc.status || v.Store != tc.storeState || v.Disk == "unknown" || v.DiskFreeBytes == nil {
			t.Errorf("store error %v: %d %+v", tc.store, w.Code, v)
		}
	}
}
