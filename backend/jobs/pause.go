package jobs

import (
	"context"
	"io/fs"
	"os"
	"strings"

	"transferlab/backend/store"
)

// resumeFloor is the least free disk a run paused by a full disk waits for, whatever
// its size: room for the database's journal and the points of the next few hundred
// steps.
const resumeFloor = 4 << 20

// spaceToResume is the free disk a run paused by a full disk waits for before training
// again: its checkpoint is written beside the last one before replacing it, and the
// trained model (about a checkpoint's weights) is saved at the end, so three times its
// checkpoint, or its base model before it has one, and the floor on top. A fixed
// figure would keep a small run waiting on a small disk that has plenty for it.
func (r *Runner) spaceToResume(ctx context.Context, exp *store.Experiment, runID string) uint64 {
	size := fileBytes(r.DataDir.Checkpoint(runID))
	if size == 0 && exp != nil && exp.BaseModelID != "" {
		size = r.modelBytes(ctx, exp.BaseModelID)
	}
	return 3*uint64(size) + resumeFloor
}

// modelBytes is the size of a model's weight file, 0 when it cannot be told.
func (r *Runner) modelBytes(ctx context.Context, id string) int64 {
	row, err := r.DB.Model(ctx, id)
	if err != nil {
		return 0
	}
	if name, ok := strings.CutPrefix(row.Path, store.ZooPrefix); ok {
		if st, err := fs.Stat(r.Zoo, name); err == nil {
			return st.Size()
		}
		return 0
	}
	path, err := r.DataDir.Resolve(row.Path)
	if err != nil {
		return 0
	}
	return fileBytes(path)
}

func fileBytes(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// setPaused records why a run of this process waits; "" clears it.
func (r *Runner) setPaused(runID, why string) {
	r.pausedMu.Lock()
	defer r.pausedMu.Unlock()
	if why == "" {
		delete(r.paused, runID)
	} else {
		r.paused[runID] = why
	}
}

// PausedWhy says why a run waits though it is queued or running (the disk is full),
// or "" when it does not, as far as this process knows: a run paused in another
// worker process reads as "".
func (r *Runner) PausedWhy(runID string) string {
	r.pausedMu.Lock()
	defer r.pausedMu.Unlock()
	return r.paused[runID]
}
