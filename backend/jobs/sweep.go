package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"transferlab/backend/atomicfile"
	"transferlab/backend/data"
)

// TempUploadPrefix is data.TempUploadPrefix, named here for the sweep.
const TempUploadPrefix = data.TempUploadPrefix

// Sweep timing: leftovers are looked for every SweepEvery, and removed once nothing in
// them changed for SweepIdle. An upload in progress writes at least every few seconds,
// and the server touches an upload being imported every minute, so neither is idle.
const (
	SweepEvery = 10 * time.Minute
	SweepIdle  = 30 * time.Minute
)

// SweepUploadsArgs asks for stale partial uploads and imports to be deleted.
type SweepUploadsArgs struct {
	OlderThan time.Duration `json:"older_than"`
}

// Kind names the job in the queue.
func (SweepUploadsArgs) Kind() string { return "sweep_uploads" }

// SweepUploadsWorker removes partial uploads and imports a crashed request left behind.
type SweepUploadsWorker struct {
	river.WorkerDefaults[SweepUploadsArgs]
	Dir      string   // uploads/
	PartDirs []string // datasets/ and builtin/: where imports and cache builds write
}

// Work deletes the stale leftovers; those of uploads still in progress are younger and
// stay.
func (w *SweepUploadsWorker) Work(ctx context.Context, job *river.Job[SweepUploadsArgs]) error {
	_, err := SweepLeftovers(w.Dir, w.PartDirs, job.Args.OlderThan, time.Now())
	if err != nil {
		return err
	}
	return ctx.Err()
}

// PeriodicSweep is the job that runs the sweep every SweepEvery while the server runs.
func PeriodicSweep() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(SweepEvery), func() (river.JobArgs, *river.InsertOpts) {
		return SweepUploadsArgs{OlderThan: SweepIdle}, nil
	}, nil)
}

// SweepLeftovers removes uploads/incoming-* files, .*.part-* folders in partDirs and in
// the dataset folders they hold, in which nothing changed since now-olderThan, and returns how many it removed. With
// olderThan 0 it removes them all: right for a server starting on a data directory
// it holds the lock of, as no request can be writing them then.
func SweepLeftovers(uploadsDir string, partDirs []string, olderThan time.Duration, now time.Time) (int, error) {
	cutoff := now.Add(-olderThan)
	removed := 0
	var errs []error
	type place struct {
		dir  string
		left func(string) bool
	}
	places := []place{{uploadsDir, func(n string) bool { return strings.HasPrefix(n, TempUploadPrefix) }}}
	for _, dir := range partDirs { // a folder a killed import or cache build was writing
		places = append(places, place{dir, atomicfile.IsPart})
		// Inside each dataset, a copy at a model's input size a killed run or score was
		// making (openAtSize), in a .part folder, or a .building one of earlier versions.
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() && !atomicfile.IsPart(e.Name()) {
				places = append(places, place{filepath.Join(dir, e.Name()), sizedLeftover})
			}
		}
	}
	for _, d := range places {
		if d.dir == "" {
			continue
		}
		entries, err := os.ReadDir(d.dir)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range entries {
			path := filepath.Join(d.dir, e.Name())
			if !d.left(e.Name()) || (olderThan > 0 && lastChange(path).After(cutoff)) {
				continue
			}
			if err := os.RemoveAll(path); err != nil {
				errs = append(errs, err)
				continue
			}
			removed++
		}
	}
	return removed, errors.Join(errs...)
}

// lastChange is the newest modification time of path and, for a folder, of the files
// directly in it (an import appends to its cache file without touching the folder).
func lastChange(path string) time.Time {
	info, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	newest := info.ModTime()
	if !info.IsDir() {
		return newest
	}
	entries, _ := os.ReadDir(path)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.ModTime().After(newest) {
			newest = fi.ModTime()
		}
	}
	return newest
}

// sizedLeftover names a partial copy of a dataset at a model's input size.
func sizedLeftover(name string) bool {
	return atomicfile.IsPart(name) || strings.HasPrefix(name, "at-") && strings.HasSuffix(name, ".building")
}
