package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"transferlab/backend/blob"
	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/live"
	"transferlab/backend/store"
)

// TrainArmArgs is the job of training one arm of an experiment.
type TrainArmArgs struct {
	RunID        string `json:"run_id"`
	ExperimentID string `json:"experiment_id"`
}

// Kind names the job in the queue.
func (TrainArmArgs) Kind() string { return "train_arm" }

// InsertOpts puts training on its own queue with room for restarts.
func (TrainArmArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueTraining, MaxAttempts: 10}
}

// Runner launches, cancels and works training arms.
type Runner struct {
	DB *store.DB
	// Hub gets every run's points and status changes: the web app's own hub, or a
	// journal on the shared database that every web process relays.
	Hub      live.Publisher
	Zoo      fs.FS          // the model zoo (shipped and --zoo-dir), for paths with store.ZooPrefix
	DataDir  datadir.Layout // where runs keep checkpoints and user models
	Datasets DatasetOpener
	Queue    *Queue
	// Blobs shares checkpoints and trained models with the other processes, and
	// fetches the datasets and checkpoints they wrote; nil keeps DataDir the only copy.
	Blobs *blob.Mirror
	// KeepCheckpoints leaves finished runs' checkpoints on disk instead of removing them.
	KeepCheckpoints bool

	gate       *gate
	preds      predictors
	scores     scoreCache
	timings    timings
	summaryMu  sync.Mutex // see summarize
	mu         sync.Mutex
	cancels    map[string]context.CancelFunc
	summarized map[string]time.Time // when each experiment's summary was last updated
	peersMu    sync.Mutex
	peersNow   peerCount // the other trainers, as of peersAt
	peersAt    time.Time
	pausedMu   sync.Mutex
	paused     map[string]string // why a run of this process waits, by run id
}

// NewRunner makes a runner that trains `slots` experiments at a time.
func NewRunner(db *store.DB, hub live.Publisher, zoo fs.FS, dataDir datadir.Layout, datasets DatasetOpener, slots int) *Runner {
	r := &Runner{DB: db, Hub: hub, Zoo: zoo, DataDir: dataDir, Datasets: datasets, gate: newGate(slots),
		cancels: map[string]context.CancelFunc{}, paused: map[string]string{}}
	r.gate.older = r.olderUnadmitted
	r.gate.peers = r.peers
	r.gate.busy = func(busy bool) {
		if r.Queue != nil {
			r.Queue.SetBusy(busy)
		}
	}
	return r
}

// peersFresh is how long the runner reuses what it learnt of the other trainers: the
// arms waiting at the gate all ask every peerPoll.
const peersFresh = 200 * time.Millisecond

// peers tells the gate about the other training processes on a shared queue.
func (r *Runner) peers(ctx context.Context) (peerCount, bool) {
	if r.Queue == nil || !r.Queue.Shared() {
		return peerCount{}, false
	}
	r.peersMu.Lock()
	defer r.peersMu.Unlock()
	if time.Since(r.peersAt) > peersFresh {
		p, err := r.Queue.Trainers(ctx)
		if err != nil {
			p = peerCount{} // none free: keep the arm
		}
		r.peersNow, r.peersAt = p, time.Now()
	}
	return r.peersNow, true
}

// olderUnadmitted lists the experiments with a training job queued before jobID whose
// arm no process has admitted yet: waiting to be fetched, running in this process, or
// fetched by another process whose gate has not admitted it (the run does not name
// that process as its worker), which may yet hand it back.
func (r *Runner) olderUnadmitted(ctx context.Context, jobID int64) ([]string, error) {
	if r.Queue == nil {
		return nil, nil
	}
	jobs, err := r.Queue.olderTraining(ctx, jobID)
	if err != nil {
		return nil, err
	}
	var elsewhere []string
	for _, j := range jobs {
		if j.Elsewhere != "" {
			elsewhere = append(elsewhere, j.RunID)
		}
	}
	workers, err := r.DB.RunWorkers(ctx, elsewhere)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, j := range jobs {
		if j.Elsewhere == "" || workers[j.RunID] != j.Elsewhere {
			ids = append(ids, j.ExperimentID)
		}
	}
	return ids, nil
}

// slotPending says whether the experiment's slot stays taken once no arm holds it:
// while an arm has yet to finish, so one whose job starts late is not shut out by the
// next experiment. On a shared queue it never does: an arm still to come may be fetched
// by another worker and never reach this one, whose slot would then be held by nothing
// while its gate turned every other experiment away. There the order is kept by the
// gate's look at older experiments instead: a younger one is not admitted anywhere
// while an older one has an arm to be admitted. It also tells the hub when the
// experiment is done (stillTraining).
func (r *Runner) slotPending(ctx context.Context, expID string) bool {
	pending := r.stillTraining(ctx, expID)
	return pending && (r.Queue == nil || !r.Queue.Shared())
}

// Register adds the training worker to a queue's workers.
func (r *Runner) Register(w *river.Workers) {
	river.AddWorker(w, &trainArmWorker{r: r})
	if sd, ok := r.Datasets.(StoreDatasets); ok {
		river.AddWorker(w, &warmBuiltinsWorker{ds: sd})
	}
}

// Launch creates the experiment's rows and queues one job per arm in one transaction:
// a launch that fails leaves neither rows without jobs nor jobs without rows.
func (r *Runner) Launch(ctx context.Context, e *store.Experiment) error {
	params := make([]river.InsertManyParams, 0, len(e.Runs))
	for _, run := range e.Runs {
		params = append(params, river.InsertManyParams{Args: TrainArmArgs{RunID: run.ID, ExperimentID: e.ID}})
	}
	return r.DB.CreateExperiment(ctx, e, func(tx *sql.Tx) error {
		if _, err := r.Queue.Client.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("queue training: %w", err)
		}
		return nil
	})
}

// CancelRun marks a run cancelled and stops it at its next step, wherever it runs: the
// worker of this process is told at once, a worker elsewhere sees the row change.
func (r *Runner) CancelRun(ctx context.Context, runID string) error {
	now := time.Now().UTC()
	changed, err := r.DB.SetRunStatusUnlessFinished(ctx, runID, experiment.Cancelled, store.RunPatch{FinishedAt: &now})
	if err != nil || !changed {
		return err
	}
	r.mu.Lock()
	if cancel := r.cancels[runID]; cancel != nil {
		cancel()
	}
	r.mu.Unlock()
	if run, err := r.DB.Run(ctx, runID); err == nil {
		r.summarize(ctx, run.ExperimentID)
		newRecorder(r.DB, r.Hub, run.ExperimentID, run.ID).status(run)
		r.gate.recheck(run.ExperimentID, r.slotPending(ctx, run.ExperimentID))
	}
	return nil
}

// stillTraining reports whether any arm of the experiment has yet to finish. An error
// counts as none: a slot held for good would stop every later experiment. When none
// has, the experiment's live topic is finished, so the hub frees its events once no
// one watches.
func (r *Runner) stillTraining(ctx context.Context, expID string) bool {
	pending, err := r.DB.PendingArms(ctx, expID)
	if err == nil && !pending {
		r.Hub.Finish(expID)
	}
	return err == nil && pending
}

type trainArmWorker struct {
	river.WorkerDefaults[TrainArmArgs]
	r *Runner
}

// handBackDelay is how long an arm handed back by a gate stays out of the queue's
// fetches: long enough for the next poll of another worker to find it first, short
// enough that a worker freeing a slot soon finds it again. River makes a snooze this
// short available at once, with its time set ahead.
const handBackDelay = 500 * time.Millisecond

// errInterrupted is a shutdown, not a failure: the job comes back on the next start.
var errInterrupted = errors.New("interrupted by shutdown")

func (w *trainArmWorker) Work(ctx context.Context, job *river.Job[TrainArmArgs]) error {
	r := w.r
	run, err := r.DB.Run(ctx, job.Args.RunID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted: nothing to do
	}
	if err != nil {
		return err
	}
	if run.Status.Finished() {
		r.dropCheckpoint(ctx, run.ID)
		r.gate.recheck(run.ExperimentID, r.slotPending(ctx, run.ExperimentID))
		return nil
	}
	exp, err := r.DB.Experiment(ctx, run.ExperimentID)
	if err != nil {
		return err
	}
	slot, err := r.gate.acquire(ctx, exp.ID, exp.CreatedAt.UnixNano(), job.ID, len(exp.Runs))
	if errors.Is(err, errHandBack) {
		// Untrained and unrecorded: another worker fetches it, or this one again once
		// it has room.
		slog.Debug("arm handed back for another worker", "run", run.ID, "experiment", exp.ID)
		return river.JobSnooze(handBackDelay)
	}
	if err != nil {
		return river.JobSnooze(time.Second)
	}
	defer func() { r.gate.release(exp.ID, r.slotPending(context.WithoutCancel(ctx), exp.ID)) }()
	if r.Queue != nil {
		if err := r.DB.SetRunWorker(ctx, run.ID, r.Queue.Client.ID()); err != nil {
			return err
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.mu.Lock()
	r.cancels[run.ID] = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.cancels, run.ID)
		r.mu.Unlock()
	}()
	go r.watchCancel(runCtx, cancel, run.ID)

	var rec *recorder
	for {
		rec = newRecorder(r.DB, r.Hub, run.ExperimentID, run.ID)
		err = r.trainArm(runCtx, slot, exp, run, rec)
		if ferr := rec.flush(ctx); ferr != nil && err == nil {
			err = ferr
		}
		// A full disk is not the run's fault: it waits here, without needing the
		// queue to record anything, and goes on from its checkpoint once there is room.
		if !store.IsDiskFull(err) || !r.waitForSpace(runCtx, exp, run.ID, rec) {
			break
		}
	}
	return r.finish(ctx, run.ID, rec, err)
}

// PausedFull is why a run waits while the disk is full, as the API shows it.
const PausedFull = "the disk is full: free some space (delete unused datasets, experiments or models); training resumes on its own"

// waitForSpace marks the run queued (if the database still takes the write) and paused
// for everyone watching, checks the free disk every diskFullRetry, and says whether to
// train again: false when the run was cancelled or the server is stopping.
func (r *Runner) waitForSpace(ctx context.Context, exp *store.Experiment, runID string, rec *recorder) bool {
	need := r.spaceToResume(ctx, exp, runID)
	slog.Warn("the disk is full: training pauses and resumes when space is freed", "run", runID, "needs_mib", need>>20)
	bg := context.WithoutCancel(ctx)
	r.setPaused(runID, PausedFull)
	defer r.setPaused(runID, "")
	r.DB.SetRunStatusUnlessFinished(bg, runID, experiment.Queued, store.RunPatch{})
	if run, err := r.DB.Run(bg, runID); err == nil {
		rec.statusPaused(run, PausedFull)
	}
	t := time.NewTicker(diskFullRetry)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
		if free, err := datadir.DiskFree(r.DataDir.Root); err != nil || free >= need {
			slog.Info("disk space is back: training resumes from its checkpoint", "run", runID)
			return true
		}
	}
}

// finish records how the run ended and tells River whether to try again.
func (r *Runner) finish(ctx context.Context, runID string, rec *recorder, err error) error {
	bg := context.WithoutCancel(ctx)
	run, lerr := r.DB.Run(bg, runID)
	if lerr != nil {
		return lerr
	}
	switch {
	case run.Status == experiment.Cancelled:
		r.dropCheckpoint(bg, runID)
		r.summarize(bg, run.ExperimentID)
		rec.status(run)
		return nil
	case err == nil:
		// finishArm recorded the success with the run's model and evaluation.
	case ctx.Err() != nil:
		// The process is stopping: the run resumes from its checkpoint on the next start.
		slog.Info("training interrupted; it resumes on the next start", "run", runID)
		r.DB.SetRunStatusUnlessFinished(bg, runID, experiment.Queued, store.RunPatch{})
		run, _ = r.DB.Run(bg, runID)
		rec.status(run)
		return river.JobSnooze(time.Second)
	default:
		slog.Warn("run failed", "run", runID, "err", err)
		now := time.Now().UTC()
		if err := r.settle(ctx, runID, experiment.Failed, store.RunPatch{FinishedAt: &now, Error: store.Set(err.Error())}); err != nil {
			return err
		}
	}
	r.dropCheckpoint(bg, runID)
	// The summary first: a watcher that refetches the experiment on the status event
	// then reads the final one.
	r.summarize(bg, run.ExperimentID)
	if pending, err := r.DB.PendingArms(bg, run.ExperimentID); err == nil && !pending {
		r.mu.Lock()
		delete(r.summarized, run.ExperimentID)
		r.mu.Unlock()
	}
	run, _ = r.DB.Run(bg, runID)
	rec.status(run)
	return nil
}

// Variables so tests can shorten them: how often a run paused by a full disk looks
// for free space, and the first pause between tries of a final status write.
var (
	diskFullRetry = 10 * time.Second
	settleBackoff = 500 * time.Millisecond
)

// settleTries bounds the tries of a final status write (about four minutes in all).
const settleTries = 10

// settle writes a run's final status, trying again while the database refuses (a full
// disk, a lock held too long); an outcome is never dropped silently. If every try fails
// the error goes back to River, which keeps it with the job and runs the job again.
func (r *Runner) settle(ctx context.Context, runID string, status experiment.RunStatus, p store.RunPatch) error {
	bg := context.WithoutCancel(ctx)
	wait := settleBackoff
	var err error
	for try := 1; try <= settleTries; try++ {
		if _, err = r.DB.SetRunStatusUnlessFinished(bg, runID, status, p); err == nil {
			return nil
		}
		slog.Warn("could not record the run's final status; trying again", "run", runID, "status", status, "try", try, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fmt.Errorf("record run %s as %s: %w", runID, status, err)
		}
		wait = min(2*wait, 30*time.Second)
	}
	slog.Error("the run's final status could not be recorded", "run", runID, "status", status, "err", err)
	return fmt.Errorf("record run %s as %s: %w", runID, status, err)
}

// watchCancel notices a cancel made by another process, checking the row each second.
func (r *Runner) watchCancel(ctx context.Context, cancel context.CancelFunc, runID string) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if run, err := r.DB.Run(ctx, runID); err == nil && run.Status == experiment.Cancelled {
				cancel()
				return
			}
		}
	}
}
