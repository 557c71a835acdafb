package jobs

import (
	"github.com/riverqueue/river"

	"transferlab/backend/experiment"
)

// queueConfig says which queues this process works. A web process of a scaled-out lab
// (TrainingWorkers 0) leaves training to the worker processes; a worker (TrainOnly)
// leaves the maintenance jobs to the web process, which owns the uploads they sweep.
func queueConfig(cfg Config) map[string]river.QueueConfig {
	qs := map[string]river.QueueConfig{}
	if !cfg.TrainOnly {
		qs[QueueMaintenance] = river.QueueConfig{MaxWorkers: 2}
	}
	if cfg.TrainingWorkers > 0 {
		// Every arm of an admitted experiment needs a worker; the runner's gate is what
		// limits how many experiments train at once. On a shared queue a process may
		// fetch more arms than it should keep: its gate hands those back for other
		// workers (gate.go), so a burst of jobs does not stay with the first to poll.
		qs[QueueTraining] = river.QueueConfig{MaxWorkers: cfg.TrainingWorkers * experiment.MaxArms}
	}
	return qs
}
