package store

import (
	"context"

	"transferlab/backend/experiment"
)

// UnfinishedRuns lists the runs still queued or running, oldest first: at start they
// are checked against the job queue, as a crash or a full disk can leave a run marked
// running that no job will ever finish.
func (d *DB) UnfinishedRuns(ctx context.Context) ([]Run, error) {
	var runs []Run
	err := d.g.WithContext(ctx).Where("status IN ?", experiment.Unfinished).
		Order("created_at, id").Find(&runs).Error
	return runs, err
}
