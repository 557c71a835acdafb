package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"

	"github.com/gin-gonic/gin"

	"transferlab/backend/blob"
	"transferlab/backend/datadir"
	"transferlab/backend/store"
)

// DeleteAPI undoes mistakes: it deletes finished experiments with everything they made,
// and trained models no training uses.
type DeleteAPI struct {
	DB      *store.DB
	DataDir datadir.Layout
	Blobs   *blob.Mirror
}

// Only ids of the shapes this server hands out name files, so a row cannot point a
// delete elsewhere.
var (
	runIDPattern   = regexp.MustCompile(`^run_[0-9a-f]{8,32}$`)
	modelIDPattern = regexp.MustCompile(`^model-[0-9a-f]{8,32}$`)
)

func (a *DeleteAPI) experiment(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	var del *store.ExperimentDeletion
	err := deleteMakingRoom(a.DataDir,
		func() (err error) { del, err = a.DB.DeleteExperiment(ctx, id); return err },
		func() bool { return a.DB.ExperimentDeletable(ctx, id) == nil },
		func() { a.removeExperimentFiles(ctx, id) })
	var inUse *store.InUseError
	var cell *store.SweepCellError
	switch {
	case errors.As(err, &inUse):
		fail(c, newError(http.StatusConflict, "experiment_in_use", fmt.Sprintf(
			"Experiment %s cannot be deleted now: %s. %s", id, inUse.Reason,
			unblock(inUse, "Cancel it or wait for it to finish, then delete it.", "delete this one."))))
		return
	case errors.As(err, &cell):
		fail(c, newError(http.StatusConflict, "sweep_cell", fmt.Sprintf(
			"Experiment %s is one value of the sweep %q (%s); deleting it alone would leave the sweep with a gap. Delete the sweep instead: that deletes all its experiments.",
			id, cell.SweepName, cell.SweepID)))
		return
	case err != nil:
		fail(c, err)
		return
	}
	a.removeFiles(ctx, del.RunIDs, del.ModelIDs)
	keepReserve(ctx, a.DataDir)
	c.Status(http.StatusNoContent)
}

// sweep deletes a sweep whose runs have all finished, with all its experiments and
// what they made, as deleting each of them would.
func (a *DeleteAPI) sweep(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	var del *store.ExperimentDeletion
	err := deleteMakingRoom(a.DataDir,
		func() (err error) { del, err = a.DB.DeleteSweep(ctx, id); return err },
		func() bool { return a.DB.SweepDeletable(ctx, id) == nil },
		func() {
			if cells, err := a.DB.SweepCells(ctx, id); err == nil {
				for _, e := range cells {
					a.removeExperimentFiles(ctx, e.ID)
				}
			}
		})
	var inUse *store.InUseError
	switch {
	case errors.As(err, &inUse):
		fail(c, newError(http.StatusConflict, "sweep_in_use", fmt.Sprintf(
			"Sweep %s cannot be deleted now: %s. %s", id, inUse.Reason,
			unblock(inUse, "Cancel the sweep or wait for it to finish, then delete it.", "delete the sweep."))))
		return
	case err != nil:
		fail(c, err)
		return
	}
	a.removeFiles(ctx, del.RunIDs, del.ModelIDs)
	keepReserve(ctx, a.DataDir)
	c.Status(http.StatusNoContent)
}

// unblock says what to do about a refusal: ownFix when the thing's own runs are
// training, or else wait for the other experiment that trains from its model.
func unblock(e *store.InUseError, ownFix, then string) string {
	if !e.Elsewhere {
		return ownFix
	}
	return "Cancel that experiment or wait for it to finish, then " + then
}

// deleteMakingRoom runs del. A full disk refuses even a delete (its journal needs
// room), so the space held back for deletes is given up and del tried again; if the
// disk is still full and nothing uses what del deletes (unused), its files go first
// (filesFirst) to make room and del runs once more. A failed last try leaves only a row
// whose files are gone, which a later delete finishes.
func deleteMakingRoom(l datadir.Layout, del func() error, unused func() bool, filesFirst func()) error {
	err := del()
	if store.IsDiskFull(err) && l.ReleaseReserve() {
		err = del()
	}
	if store.IsDiskFull(err) && unused() {
		filesFirst()
		err = del()
	}
	return err
}

// removeExperimentFiles removes the files deleting experiment id would remove, before
// its rows go.
func (a *DeleteAPI) removeExperimentFiles(ctx context.Context, id string) {
	e, err := a.DB.Experiment(ctx, id)
	if err != nil {
		return
	}
	var runIDs, modelIDs []string
	for _, r := range e.Runs {
		runIDs = append(runIDs, r.ID)
		if r.ModelID != "" {
			modelIDs = append(modelIDs, r.ModelID)
		}
	}
	a.removeFiles(ctx, runIDs, modelIDs)
}

func (a *DeleteAPI) model(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	err := deleteMakingRoom(a.DataDir,
		func() (err error) { _, err = a.DB.DeleteModel(ctx, id); return err },
		func() bool { return a.DB.ModelDeletable(ctx, id) == nil },
		func() { a.removeFiles(ctx, nil, []string{id}) })
	var inUse *store.InUseError
	switch {
	case errors.As(err, &inUse):
		fail(c, newError(http.StatusConflict, "model_in_use", fmt.Sprintf(
			"Model %s cannot be deleted now: %s. %s", id, inUse.Reason, unblock(inUse, "", "delete the model."))))
		return
	case errors.Is(err, store.ErrShippedModel):
		fail(c, newError(http.StatusConflict, "zoo_model", fmt.Sprintf("Model %s comes with the server's model zoo and cannot be deleted; only models trained here can.", id)))
		return
	case err != nil:
		fail(c, err)
		return
	}
	a.removeFiles(ctx, nil, []string{id})
	keepReserve(ctx, a.DataDir)
	c.Status(http.StatusNoContent)
}

// removeFiles deletes runs' folders (checkpoints) and trained models' weight files. The
// rows are gone, so nothing reaches these files any more; one that cannot be removed
// is only wasted disk, logged for the operator.
func (a *DeleteAPI) removeFiles(ctx context.Context, runIDs, modelIDs []string) {
	var paths []string
	for _, id := range runIDs {
		if runIDPattern.MatchString(id) {
			paths = append(paths, a.DataDir.Run(id))
		}
	}
	for _, id := range modelIDs {
		if modelIDPattern.MatchString(id) {
			_, abs := a.DataDir.UserModel(id)
			paths = append(paths, abs)
		}
	}
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			slog.WarnContext(ctx, "files of a deleted experiment or model left behind", "path", p, "err", err)
		}
		if rel, err := a.DataDir.Rel(p); err == nil {
			if err := a.Blobs.Remove(ctx, filepath.ToSlash(rel)); err != nil {
				slog.WarnContext(ctx, "shared files of a deleted experiment or model left behind", "path", rel, "err", err)
			}
		}
	}
}

// keepReserve puts back the space held for deletes once a delete has freed enough; a
// reserve that cannot be made yet is made by a later delete or the next start.
func keepReserve(ctx context.Context, l datadir.Layout) {
	if _, err := l.KeepReserve(); err != nil {
		slog.WarnContext(ctx, "no space held back for deletes", "err", err)
	}
}
