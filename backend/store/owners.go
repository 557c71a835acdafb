package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Who may see what is decided here and only here. A request of a signed-in person
// carries a Viewer in its context (WithViewer); every query of datasets, experiments,
// runs and models that takes that context sees only what the viewer owns, what its
// owner shared, and what ships with the server (built-in datasets, zoo models).
// Anything else looks exactly like a row that does not exist: ErrNotFound.
//
// A context without a Viewer sees everything. That is the single-user server without
// --auth, and the server's own work (training jobs, start-up, the command line), which
// never runs on a person's behalf.
//
// A new query of these tables applies the scope with d.scoped(ctx, kind) (or
// visibleRuns for runs), and a new route under /api/datasets/:id, /api/experiments/:id,
// /api/runs/:id or /api/models/:id gets the 404-or-owner check of the server's access
// middleware from its route group.

// Viewer is the signed-in person a request acts for.
type Viewer struct {
	UserID string
}

type viewerKey struct{}

// WithViewer returns ctx acting for v: the store's reads of owned rows see only what v
// may see.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerOf returns the viewer ctx acts for, if any.
func ViewerOf(ctx context.Context) (Viewer, bool) {
	v, ok := ctx.Value(viewerKey{}).(Viewer)
	return v, ok
}

// Kind names a table whose rows have owners.
type Kind string

// The kinds of owned rows. Runs belong to their experiment's owner.
const (
	KindDataset    Kind = "dataset"
	KindExperiment Kind = "experiment"
	KindRun        Kind = "run"
	KindModel      Kind = "model"
	KindSweep      Kind = "sweep"
)

// ErrNotOwner refuses a change to a row the viewer may see (it is shared or ships
// with the server) but does not own.
var ErrNotOwner = errors.New("only its owner may change it")

// visibleWhere is the condition, per kind, under which the viewer (the one argument)
// sees a row.
func visibleWhere(k Kind) string {
	switch k {
	case KindDataset:
		return "(datasets.source = '" + SourceBuiltin + "' OR datasets.owner_id = @uid OR datasets.shared = @yes)"
	case KindModel:
		return "(models.source = 'zoo' OR models.owner_id = @uid OR models.shared = @yes)"
	case KindExperiment:
		return "(experiments.owner_id = @uid OR experiments.shared = @yes)"
	case KindRun:
		return "runs.experiment_id IN (SELECT id FROM experiments WHERE owner_id = @uid OR shared = @yes)"
	case KindSweep:
		return "(sweeps.owner_id = @uid OR sweeps.shared = @yes)"
	}
	panic("store: no owner rule for " + string(k))
}

// scoped limits a query of kind's table to the rows ctx's viewer may see.
func (d *DB) scoped(ctx context.Context, k Kind) *gorm.DB {
	g := d.g.WithContext(ctx)
	if v, ok := ViewerOf(ctx); ok {
		g = g.Where(visibleWhere(k), map[string]any{"uid": v.UserID, "yes": true})
	}
	return g
}

// Access tells what ctx's viewer may do with one row: see it, and change it (own it).
// A row the viewer may not see answers ErrNotFound, as a missing one does.
func (d *DB) Access(ctx context.Context, k Kind, id string) (owned bool, err error) {
	v, ok := ViewerOf(ctx)
	table := tableOf(k)
	var row struct{ OwnerID string }
	q := d.scoped(ctx, k).Table(table).Where(table+".id = ?", id)
	if k == KindRun {
		q = q.Select("experiments.owner_id AS owner_id").Joins("JOIN experiments ON experiments.id = runs.experiment_id")
	} else {
		q = q.Select(table + ".owner_id AS owner_id")
	}
	res := q.Limit(1).Scan(&row)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected == 0 {
		return false, ErrNotFound
	}
	return !ok || row.OwnerID == v.UserID, nil
}

func tableOf(k Kind) string {
	switch k {
	case KindDataset:
		return "datasets"
	case KindExperiment:
		return "experiments"
	case KindRun:
		return "runs"
	case KindModel:
		return "models"
	case KindSweep:
		return "sweeps"
	}
	panic("store: no table for " + string(k))
}

// SetShared shows a row the viewer owns to everyone on the server, or hides it again.
// Runs follow their experiment; built-ins and zoo models are everyone's already.
func (d *DB) SetShared(ctx context.Context, k Kind, id string, shared bool) error {
	if k == KindRun {
		return fmt.Errorf("runs are shared with their experiment")
	}
	owned, err := d.Access(ctx, k, id)
	if err != nil {
		return err
	}
	if !owned {
		return ErrNotOwner
	}
	return d.g.WithContext(ctx).Table(tableOf(k)).Where("id = ?", id).
		Updates(map[string]any{"shared": shared, "updated_at": time.Now().UTC()}).Error
}

// stampOwner gives a new row to the viewer that makes it; rows the server makes for
// itself keep the owner they were given.
func stampOwner(ctx context.Context, owner *string) {
	if v, ok := ViewerOf(ctx); ok && *owner == "" {
		*owner = v.UserID
	}
}

// AdoptUnowned gives the rows made before accounts existed (or by a server started
// without --auth) to userID, so turning accounts on hides nobody's work from its
// maker and shows it to no one else. Built-ins and zoo models stay everyone's.
func (d *DB) AdoptUnowned(ctx context.Context, userID string) (int64, error) {
	var n int64
	err := d.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, q := range []struct{ table, where string }{
			{"datasets", "owner_id = '' AND source <> '" + SourceBuiltin + "'"},
			{"experiments", "owner_id = ''"},
			{"models", "owner_id = '' AND source <> 'zoo'"},
			{"sweeps", "owner_id = ''"},
		} {
			res := tx.Table(q.table).Where(q.where).Update("owner_id", userID)
			if res.Error != nil {
				return res.Error
			}
			n += res.RowsAffected
		}
		return nil
	})
	return n, err
}
