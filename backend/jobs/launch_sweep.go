package jobs

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"

	"transferlab/backend/store"
)

// LaunchSweep creates a sweep, its cells and their runs and queues one job per run in
// one transaction, as Launch does for one experiment: the cells are ordinary
// experiments, trained, cancelled and watched like any other.
func (r *Runner) LaunchSweep(ctx context.Context, s *store.Sweep, cells []*store.Experiment) error {
	var params []river.InsertManyParams
	for _, e := range cells {
		for _, run := range e.Runs {
			params = append(params, river.InsertManyParams{Args: TrainArmArgs{RunID: run.ID, ExperimentID: e.ID}})
		}
	}
	return r.DB.CreateSweep(ctx, s, cells, func(tx *sql.Tx) error {
		if _, err := r.Queue.Client.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("queue training: %w", err)
		}
		return nil
	})
}
