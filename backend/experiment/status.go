package experiment

// RunStatus is where one arm's run stands.
type RunStatus string

// Run statuses.
const (
	Queued    RunStatus = "queued"
	Running   RunStatus = "running"
	Succeeded RunStatus = "succeeded"
	Failed    RunStatus = "failed"
	Cancelled RunStatus = "cancelled"
)

// Finished reports whether a run in this status will never change again.
func (s RunStatus) Finished() bool {
	return s == Succeeded || s == Failed || s == Cancelled
}

// Unfinished lists the statuses a run can still leave.
var Unfinished = []RunStatus{Queued, Running}

// ExperimentStatus is where an experiment stands, derived from its runs.
type ExperimentStatus string

// Experiment statuses: the run statuses, read over all arms.
const (
	ExperimentQueued    ExperimentStatus = "queued"
	ExperimentRunning   ExperimentStatus = "running"
	ExperimentSucceeded ExperimentStatus = "succeeded"
	ExperimentFailed    ExperimentStatus = "failed"
	ExperimentCancelled ExperimentStatus = "cancelled"
)

// StatusOf derives an experiment's status from its runs: running while any runs,
// queued while any waits, otherwise failed or cancelled if any did, else succeeded.
func StatusOf(runs []RunStatus) ExperimentStatus {
	count := map[RunStatus]int{}
	for _, s := range runs {
		count[s]++
	}
	for _, s := range []RunStatus{Running, Queued, Failed, Cancelled} {
		if count[s] > 0 {
			return ExperimentStatus(s)
		}
	}
	return ExperimentSucceeded
}
