package store

import "context"

// UnfinishedRuns lists the runs still queued or running, oldest first: at start they
// are checked against the job queue, as a crash or a full disk can leave a run marked
// running that no job will ever finish.
func (d *DB) UnfinishedRuns(ctx context.Context) ([]Run, error) {
	var runs []Run
	err := d.Gorm.WithContext(ctx).Where("status IN ?", []string{StatusQueued, StatusRunning}).
		Order("created_at, id").Find(&runs).Error
	return runs, err
}

// DatasetInUse returns a *DatasetInUseError when queued or running runs read the
// dataset, and nil when none do. It only reads, so it answers on a full disk.
func (d *DB) DatasetInUse(ctx context.Context, id string) error {
	runs, err := activeRuns(d.Gorm.WithContext(ctx), id)
	if err != nil {
		return err
	}
	if len(runs) > 0 {
		return &DatasetInUseError{Runs: runs}
	}
	return nil
}
