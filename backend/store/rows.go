package store

import (
	"time"

	"transferlab/backend/data"
	"transferlab/backend/experiment"
)

// Dataset is a row of datasets. JSON-valued columns are kept as text and decoded by the
// package that owns their shape.
type Dataset struct {
	ID         string `gorm:"primaryKey"`
	Name       string
	Status     data.DatasetStatus
	Source     string
	Format     string
	NumClasses int
	NumImages  int
	Channels   int
	Height     int
	Width      int
	Classes    string
	Splits     string
	Stats      string
	Report     string
	Path       string
	Error      string
	OwnerID    string
	Shared     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Model is a row of models: a zoo model or one a run produced.
type Model struct {
	ID            string `gorm:"primaryKey"`
	Name          string
	Arch          string
	Channels      int
	Height        int
	Width         int
	Classes       string
	Source        string
	SourceDataset string
	TestAccuracy  *float64
	Card          string
	Path          string
	RunID         *string
	OwnerID       string
	Shared        bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Experiment is a row of experiments.
type Experiment struct {
	ID          string `gorm:"primaryKey"`
	Name        string
	DatasetID   string
	BaseModelID string
	Arch        string
	Hyper       string
	// Summary is the result as it stands (JSON of experiment.Summary), stored when a
	// run finishes and while runs train, so a list reads no curves.
	Summary string
	OwnerID string
	Shared  bool
	// SweepID is the sweep the experiment is a cell of ("" for none); SweepCell is
	// which value of the sweep's axis it measures.
	SweepID   string
	SweepCell int
	CreatedAt time.Time
	UpdatedAt time.Time
	Runs      []Run `gorm:"foreignKey:ExperimentID"`
}

// Run is a row of runs: one arm of an experiment.
type Run struct {
	ID           string `gorm:"primaryKey"`
	ExperimentID string
	ArmIndex     int
	// Replicate numbers the run's seed within its arm (0 for the experiment's seed);
	// Seed is that seed, which also picks the replicate's training sample.
	Replicate      int
	Seed           int64
	Strategy       string
	Hyper          string
	Status         experiment.RunStatus
	Error          string
	Steps          int
	TotalSteps     int
	EpochsDone     int
	BestValAcc     *float64
	FinalValAcc    *float64
	TestAcc        *float64
	CheckpointPath string
	ModelID        string
	// Worker is the queue client whose gate last admitted the run (run_workers.go).
	Worker     string
	StartedAt  *time.Time
	FinishedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Metric is one point of one named curve of a run.
type Metric struct {
	RunID    string `gorm:"primaryKey"`
	Name     string `gorm:"primaryKey"`
	Step     int64  `gorm:"primaryKey"`
	Epoch    float64
	Split    string
	Value    float64
	WallTime float64
}

// Artifact is a file or JSON document a run produced (evaluation, confusion matrix).
type Artifact struct {
	ID        string `gorm:"primaryKey"`
	RunID     *string
	Kind      string
	Meta      string
	CreatedAt time.Time
}
