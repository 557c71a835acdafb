package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// liveStates are the job states in which a training job will still run.
var liveStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateRunning,
	rivertype.JobStateScheduled, rivertype.JobStateRetryable, rivertype.JobStatePending}

// Reconcile matches the runs marked queued or running with the training jobs that will
// work them. A run with no such job (its outcome was lost to a crash or a full disk)
// gets a new one and resumes from its checkpoint; a run whose job gave up after every
// attempt is marked failed, saying so. Call it after RequeueOrphans and before Start,
// holding the data directory's lock.
func (q *Queue) Reconcile(ctx context.Context, db *store.DB) (requeued, failed int, err error) {
	runs, err := db.UnfinishedRuns(ctx)
	if err != nil || len(runs) == 0 {
		return 0, 0, err
	}
	live, err := q.jobRuns(ctx, liveStates)
	if err != nil {
		return 0, 0, err
	}
	gaveUp, err := q.jobRuns(ctx, []rivertype.JobState{rivertype.JobStateDiscarded})
	if err != nil {
		return 0, 0, err
	}
	var params []river.InsertManyParams
	for _, run := range runs {
		switch {
		case live[run.ID]:
		case gaveUp[run.ID]:
			now := time.Now().UTC()
			if _, err := db.SetRunStatusUnlessFinished(ctx, run.ID, experiment.Failed, store.RunPatch{FinishedAt: &now,
				Error: store.Set("Training stopped after repeated errors; the server log says why. Start the experiment again.")}); err != nil {
				return requeued, failed, err
			}
			failed++
		default:
			// On a shared database a worker may finish the run since it was read: its
			// job is no longer live then, and the run needs none.
			if changed, err := db.SetRunStatusUnlessFinished(ctx, run.ID, experiment.Queued, store.RunPatch{}); err != nil {
				return requeued, failed, err
			} else if !changed {
				continue
			}
			params = append(params, river.InsertManyParams{Args: TrainArmArgs{RunID: run.ID, ExperimentID: run.ExperimentID}})
		}
	}
	if len(params) > 0 {
		if _, err := q.Client.InsertMany(ctx, params); err != nil {
			return 0, failed, fmt.Errorf("requeue runs without a job: %w", err)
		}
	}
	return len(params), failed, nil
}

// jobRuns is the set of run ids that have a training job in one of states.
func (q *Queue) jobRuns(ctx context.Context, states []rivertype.JobState) (map[string]bool, error) {
	out := map[string]bool{}
	params := river.NewJobListParams().Kinds(TrainArmArgs{}.Kind()).States(states...).First(1000)
	for {
		res, err := q.Client.JobList(ctx, params)
		if err != nil {
			return nil, fmt.Errorf("list training jobs: %w", err)
		}
		for _, j := range res.Jobs {
			var a TrainArmArgs
			if json.Unmarshal(j.EncodedArgs, &a) == nil {
				out[a.RunID] = true
			}
		}
		if len(res.Jobs) < 1000 || res.LastCursor == nil {
			return out, nil
		}
		params = params.After(res.LastCursor)
	}
}
