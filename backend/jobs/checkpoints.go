package jobs

import (
	"context"
	"log/slog"
	"os"
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
	if err := r.DB.UpdateRun(ctx, runID, map[string]any{"checkpoint_path": ""}); err != nil {
		slog.Warn("could not record the removed checkpoint", "run", runID, "err", err)
	}
}
