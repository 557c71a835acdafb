package store

import "context"

// SetRunWorker records that the queue client worker admitted the run: it trains there
// from now on. It is written before the run's first step, so a process that sees the
// run's job running elsewhere can tell an admitted arm from one that may still be
// handed back.
func (d *DB) SetRunWorker(ctx context.Context, runID, worker string) error {
	return d.g.WithContext(ctx).Model(&Run{}).Where("id = ?", runID).Update("worker", worker).Error
}

// RunWorkers returns the worker recorded for each of the runs named that still exists.
func (d *DB) RunWorkers(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID     string
		Worker string
	}
	if err := d.g.WithContext(ctx).Model(&Run{}).Select("id, worker").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Worker
	}
	return out, nil
}
