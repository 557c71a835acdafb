package jobs

import (
	"context"
	"sort"

	"transferlab/backend/metrics"
)

// kinds are the job kinds this program queues; each is reported even with no job, so
// a dashboard shows a zero instead of a gap.
var kinds = []string{TrainArmArgs{}.Kind(), SweepUploadsArgs{}.Kind(), WarmBuiltinsArgs{}.Kind()}

// JobCounts says how many jobs of each kind are queued (available, pending, scheduled
// or waiting on a retry) and running, read from River's table so it counts every
// process's work on this database.
func (q *Queue) JobCounts(ctx context.Context) ([]metrics.JobCount, error) {
	rows, err := q.pool.QueryContext(ctx, `SELECT kind,
		COALESCE(SUM(CASE WHEN state IN ('available', 'pending', 'scheduled', 'retryable') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0)
		FROM river_job WHERE state IN ('available', 'pending', 'scheduled', 'retryable', 'running') GROUP BY kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[string]metrics.JobCount{}
	for _, k := range kinds {
		by[k] = metrics.JobCount{Kind: k}
	}
	for rows.Next() {
		var c metrics.JobCount
		if err := rows.Scan(&c.Kind, &c.Queued, &c.Running); err != nil {
			return nil, err
		}
		by[c.Kind] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]metrics.JobCount, 0, len(by))
	for _, c := range by {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out, nil
}
