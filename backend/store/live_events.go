package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"transferlab/backend/live"
)

// LiveChannel is the PostgreSQL notification channel that says an experiment has new
// live events; its payload is the experiment's id.
const LiveChannel = "transferlab_live"

// liveKeep is how many of an experiment's latest live events stay stored: more than a
// web process holds for resuming (its hub's history), so a restarted one can fill it.
const liveKeep = 16384

type liveEventRow struct {
	ExperimentID string `gorm:"primaryKey"`
	Seq          uint64 `gorm:"primaryKey"`
	RunID        string
	Kind         string
	Data         string
}

func (liveEventRow) TableName() string { return "live_events" }

// LiveLog is the shared record of live events: web processes relay it to their
// viewers, worker processes append to it.
type LiveLog struct{ d *DB }

// LiveLog returns the database's live event log.
func (d *DB) LiveLog() LiveLog { return LiveLog{d} }

var _ live.Log = LiveLog{}

// Append numbers evs after the experiment's last event and stores them; on PostgreSQL
// the same transaction notifies the listening web processes, who are told at commit.
// The experiment's row in live_topics is locked until then, so two workers appending
// to one experiment take turns and numbers become visible in order, with no gap.
// Events of an experiment deleted meanwhile are dropped.
func (l LiveLog) Append(ctx context.Context, topic string, evs []live.Event) error {
	if len(evs) == 0 {
		return nil
	}
	err := l.d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			// A live event is for watching: the points themselves are stored durably
			// by the metrics, so the commit need not wait for the disk.
			if err := tx.Exec("SET LOCAL synchronous_commit = off").Error; err != nil {
				return err
			}
		}
		var last uint64
		err := tx.Raw(`INSERT INTO live_topics (experiment_id, seq) VALUES (?, ?)
			ON CONFLICT (experiment_id) DO UPDATE SET seq = live_topics.seq + excluded.seq
			RETURNING seq`, topic, len(evs)).Scan(&last).Error
		if err != nil {
			return err
		}
		first := last - uint64(len(evs)) + 1
		rows := make([]liveEventRow, len(evs))
		for i, ev := range evs {
			rows[i] = liveEventRow{ExperimentID: topic, Seq: first + uint64(i), RunID: ev.RunID, Kind: ev.Kind, Data: string(ev.Payload)}
		}
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return err
		}
		if (first-1)/4096 != last/4096 && last > liveKeep {
			if err := tx.Where("experiment_id = ? AND seq <= ?", topic, last-liveKeep).Delete(&liveEventRow{}).Error; err != nil {
				return err
			}
		}
		if tx.Dialector.Name() == "postgres" {
			return tx.Exec("SELECT pg_notify(?, ?)", LiveChannel, topic).Error
		}
		return nil
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		return nil
	}
	return err
}

// After returns the experiment's events numbered above seq, oldest first: the newest
// limit of them when there are more.
func (l LiveLog) After(ctx context.Context, topic string, seq uint64, limit int) ([]live.Event, error) {
	var rows []liveEventRow
	err := l.d.g.WithContext(ctx).Where("experiment_id = ? AND seq > ?", topic, seq).
		Order("seq DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	evs := make([]live.Event, len(rows))
	for i, r := range rows {
		evs[len(rows)-1-i] = live.Event{Seq: r.Seq, RunID: r.RunID, Kind: r.Kind, Payload: []byte(r.Data)}
	}
	return evs, nil
}
