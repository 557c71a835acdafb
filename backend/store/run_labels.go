package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm/clause"
)

// RunLabel is a row of run_labels: the short name and tags a person gave a run.
type RunLabel struct {
	RunID     string `gorm:"primaryKey"`
	Name      string
	Tags      string
	UpdatedAt time.Time
}

// TagList decodes the stored tags; a run never labelled has none.
func (l RunLabel) TagList() []string {
	tags := []string{}
	_ = json.Unmarshal([]byte(l.Tags), &tags)
	return tags
}

// SetRunLabel replaces a run's name and tags. The run must exist (ErrNotFound otherwise).
func (d *DB) SetRunLabel(ctx context.Context, runID, name string, tags []string) (RunLabel, error) {
	if _, err := d.Run(ctx, runID); err != nil {
		return RunLabel{}, err
	}
	if tags == nil {
		tags = []string{}
	}
	enc, err := json.Marshal(tags)
	if err != nil {
		return RunLabel{}, err
	}
	l := RunLabel{RunID: runID, Name: name, Tags: string(enc), UpdatedAt: time.Now().UTC()}
	err = d.g.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "run_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "tags", "updated_at"}),
	}).Create(&l).Error
	return l, err
}

// RunLabels returns the labels of the runs named, by run id; unlabelled runs are absent.
func (d *DB) RunLabels(ctx context.Context, runIDs []string) (map[string]RunLabel, error) {
	out := map[string]RunLabel{}
	if len(runIDs) == 0 {
		return out, nil
	}
	var rows []RunLabel
	if err := d.g.WithContext(ctx).Where("run_id IN ?", runIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.RunID] = r
	}
	return out, nil
}
