package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"transferlab/backend/data"
)

// SweepUploadsArgs asks for stale partial uploads to be deleted.
type SweepUploadsArgs struct {
	OlderThan time.Duration `json:"older_than"`
}

// Kind names the job in the queue.
func (SweepUploadsArgs) Kind() string { return "sweep_uploads" }

// SweepUploadsWorker removes partial uploads a crashed request left behind.
type SweepUploadsWorker struct {
	river.WorkerDefaults[SweepUploadsArgs]
	Dir string
}

// Work deletes the stale files; files of uploads still in progress are younger and stay.
func (w *SweepUploadsWorker) Work(ctx context.Context, job *river.Job[SweepUploadsArgs]) error {
	entries, err := os.ReadDir(w.Dir)
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-job.Args.OlderThan)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), data.TempUploadPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || info.ModTime().After(cutoff) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(w.Dir, e.Name())); err != nil {
			return err
		}
	}
	return ctx.Err()
}
