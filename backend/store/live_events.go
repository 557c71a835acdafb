package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

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
	var err error
	if l.d.g.Dialector.Name() == "postgres" {
		err = l.appendPostgres(ctx, topic, evs)
	} else {
		err = l.appendPortable(ctx, topic, evs)
	}
	if errors.Is(err, gorm.ErrForeignKeyViolated) || isForeignKeyViolation(err) {
		return nil
	}
	return err
}

// appendPostgresSQL does all of Append in one statement, so a point costs the worker
// one round trip to the database, not one per step of a transaction. The notice's
// payload is the experiment, the last seq and, when they fit, the events themselves
// (a JSON array, in order), so a web process can pass them on without a query.
// synchronous_commit is off for it: a live event is for watching, the points are
// stored durably by the metrics.
const appendPostgresSQL = `WITH t AS (
	INSERT INTO live_topics (experiment_id, seq) VALUES ($1, $2)
	ON CONFLICT (experiment_id) DO UPDATE SET seq = live_topics.seq + excluded.seq
	RETURNING seq
), e AS (
	INSERT INTO live_events (experiment_id, seq, run_id, kind, data)
	SELECT $1, t.seq - $2 + x.ord, x.run_id, x.kind, x.data
	FROM t, unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(run_id, kind, data, ord)
), p AS (
	DELETE FROM live_events d USING t
	WHERE d.experiment_id = $1 AND d.seq <= t.seq - $7 AND (t.seq - $2) / 4096 <> t.seq / 4096
)
SELECT set_config('synchronous_commit', 'off', true), pg_notify($8, $1 || ' ' || t.seq || ' ' || $6) FROM t`

// notifyMax keeps a notice's payload under PostgreSQL's limit of 8000 bytes.
const notifyMax = 7000

func (l LiveLog) appendPostgres(ctx context.Context, topic string, evs []live.Event) error {
	runs, kinds, data := make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
	for i, ev := range evs {
		runs[i], kinds[i], data[i] = ev.RunID, ev.Kind, string(ev.Payload)
	}
	inline, _ := json.Marshal(evs)
	if len(inline)+len(topic) > notifyMax {
		inline = nil
	}
	_, err := l.d.sqlDB.ExecContext(ctx, appendPostgresSQL, topic, len(evs), runs, kinds, data, string(inline), liveKeep, LiveChannel)
	return err
}

func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

// appendPortable is Append in a transaction of portable statements: SQLite's, where
// no other process listens.
func (l LiveLog) appendPortable(ctx context.Context, topic string, evs []live.Event) error {
	return l.d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
			return tx.Where("experiment_id = ? AND seq <= ?", topic, last-liveKeep).Delete(&liveEventRow{}).Error
		}
		return nil
	})
}

// ParseLiveNotice reads a notice's payload: the experiment, the seq of the last event
// it announces and, when they fitted, the events, numbered up to that seq.
func ParseLiveNotice(payload string) (topic string, last uint64, evs []live.Event, err error) {
	topic, rest, _ := strings.Cut(payload, " ")
	seqText, inline, _ := strings.Cut(rest, " ")
	if last, err = strconv.ParseUint(seqText, 10, 64); err != nil {
		return topic, 0, nil, fmt.Errorf("live notice %q: %w", payload, err)
	}
	if inline == "" {
		return topic, last, nil, nil
	}
	if err := json.Unmarshal([]byte(inline), &evs); err != nil {
		return topic, last, nil, fmt.Errorf("live notice events: %w", err)
	}
	for i := range evs {
		evs[i].Seq = last - uint64(len(evs)-1-i)
	}
	return topic, last, evs, nil
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
