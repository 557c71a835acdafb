package store

import "context"

// LastLiveStep is the highest training step of the run that the shared live log
// holds: viewers of every web process were shown the points up to it. A run resumed
// from an earlier checkpoint redoes those steps to the same values, so it need not
// show them again. 0 when the log holds none (the embedded mode never writes it);
// naming the experiment keeps the search on the table's key.
func (d *DB) LastLiveStep(ctx context.Context, experimentID, runID string) (int64, error) {
	step := "CAST(json_extract(data, '$.step') AS INTEGER)"
	if d.g.Dialector.Name() == "postgres" {
		step = "(data::jsonb->>'step')::bigint"
	}
	var n int64
	err := d.g.WithContext(ctx).Raw("SELECT COALESCE(MAX("+step+"), 0) FROM live_events WHERE experiment_id = ? AND run_id = ? AND kind = 'metric'", experimentID, runID).
		Scan(&n).Error
	return n, err
}
