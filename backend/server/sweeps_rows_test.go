package server

import (
	"context"

	"transferlab/backend/store"
)

// LaunchSweep creates the sweep's rows and queues nothing, as rowsOnly.Launch does.
func (l rowsOnly) LaunchSweep(ctx context.Context, s *store.Sweep, cells []*store.Experiment) error {
	return l.db.CreateSweep(ctx, s, cells, nil)
}
