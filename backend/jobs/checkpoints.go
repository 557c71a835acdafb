package jobs

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"transferlab/backend/store"
)

// dropCheckpoint removes the checkpoint of a run that has ended for good (succeeded,
// failed or cancelled): it will never resume, and each checkpoint holds a full copy of
// the model and its optimiser state. KeepCheckpoints keeps them, for inspection.
func (r *Runner) dropCheckpoint(ctx context.Context, runID string) {
	if r.KeepCheckpoints {
		return
	}
	if err := os.RemoveAll(r.DataDir.Run(runID)); err != nil {
		slog.Warn("could not remove the checkpoint of a finished run", "run", runID, "err", err)
		return
	}
	if rel, err := r.DataDir.Rel(r.DataDir.Run(runID)); err == nil {
		if err := r.Blobs.Remove(ctx, filepath.ToSlash(rel)); err != nil {
			slog.Warn("could not remove the shared checkpoint of a finished run", "run", runID, "err", err)
		}
	}
	if err := r.DB.UpdateRun(ctx, runID, store.RunPatch{CheckpointPath: store.Set("")}); err != nil {
		slog.Warn("could not record the removed checkpoint", "run", runID, "err", err)
	}
}
