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
	"slices"

	"github.com/gin-gonic/gin"

	"transferlab/backend/blob"
	"transferlab/backend/data"
	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// uploadIDPattern is the shape of the ids this API gives uploads; only such ids are
// ever used to name files.
var uploadIDPattern = regexp.MustCompile(`^ds_[0-9a-f]{16}$`)

// DatasetAPI imports, lists, shows, renames and deletes datasets and serves their
// images.
type DatasetAPI struct {
	DB             *store.DB
	DataDir        datadir.Layout
	Blobs          *blob.Mirror
	MaxUploadBytes int64
	MaxCacheBytes  int64
	uploads        *uploadSlots
	previews       slots
	Progress       *ProgressBoard
	Scorer         Scorer
}

// builtinRank is the position of a built-in in data.Builtins, the order they are
// listed in; -1 for anything else.
func builtinRank(id string) int {
	return slices.IndexFunc(data.Builtins(), func(b data.Builtin) bool { return b.ID == id })
}

func (a *DatasetAPI) list(c *gin.Context) {
	rows, err := a.DB.Datasets(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	// The store lists uploads newest first and built-ins last; the built-ins keep the
	// order data.Builtins gives them, smallest step from MNIST first.
	slices.SortStableFunc(rows, func(x, y store.Dataset) int {
		if x.Source != store.SourceBuiltin || y.Source != store.SourceBuiltin {
			return 0
		}
		return builtinRank(x.ID) - builtinRank(y.ID)
	})
	out := make([]DatasetView, len(rows))
	for i := range rows {
		out[i] = DatasetViewOf(&rows[i])
	}
	c.JSON(http.StatusOK, DatasetList{Datasets: out})
}

func (a *DatasetAPI) get(c *gin.Context) {
	row, err := a.DB.Dataset(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	// A built-in's counts are filled the first time it is opened.
	if row.Source == store.SourceBuiltin && row.NumImages == 0 {
		ds, err := a.open(c.Request.Context(), row)
		if err != nil {
			fail(c, err)
			return
		}
		ds.Close()
	}
	c.JSON(http.StatusOK, DatasetViewOf(row))
}

// open opens the dataset of a row: a built-in from the shared builtin cache (built the
// first time, and its row filled), an upload from the folder its import made.
func (a *DatasetAPI) open(ctx context.Context, row *store.Dataset) (*data.Dataset, error) {
	if row.Status != data.DatasetReady {
		return nil, newError(http.StatusConflict, "dataset_not_ready",
			fmt.Sprintf("Dataset %q is %s, not ready: wait for its import to finish.", row.Name, row.Status))
	}
	if row.Source != store.SourceBuiltin {
		// Another process may have imported it: fetch or check the local copy.
		if err := a.Blobs.Pull(ctx, row.Path); err != nil {
			return nil, err
		}
	}
	return a.DB.OpenDataset(ctx, a.DataDir, row)
}

type renameParams struct {
	Name *string `json:"name"`
}

func (a *DatasetAPI) rename(c *gin.Context) {
	var p renameParams
	if err := decodeJSON(c, &p, `JSON like {"name": "new name"}`); err != nil {
		fail(c, err)
		return
	}
	if p.Name == nil {
		fail(c, badRequest("bad_json", `Send JSON like {"name": "new name"}.`))
		return
	}
	name, err := checkName(*p.Name)
	if err != nil {
		fail(c, err)
		return
	}
	row, err := a.DB.Dataset(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	if row.Source == store.SourceBuiltin {
		fail(c, newError(http.StatusConflict, "builtin_dataset", fmt.Sprintf("%q is a built-in dataset and keeps its name; only uploaded datasets can be renamed.", row.Name)))
		return
	}
	if row, err = a.DB.RenameDataset(c.Request.Context(), row.ID, name); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, DatasetViewOf(row))
}

// checkName applies the one rule for names to a name someone typed.
func checkName(name string) (string, error) {
	name, err := experiment.CheckName(name)
	if err != nil {
		return "", badRequest("bad_name", "Name: %v.", err)
	}
	return name, nil
}

func (a *DatasetAPI) delete(c *gin.Context) {
	row, err := a.DB.Dataset(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	if row.Source == store.SourceBuiltin {
		fail(c, newError(http.StatusConflict, "builtin_dataset", fmt.Sprintf("%q is a built-in dataset and cannot be deleted.", row.Name)))
		return
	}
	ctx, id := c.Request.Context(), row.ID
	err = deleteMakingRoom(a.DataDir,
		func() (err error) { row, err = a.DB.DeleteDataset(ctx, id); return err },
		func() bool { return a.unused(ctx, id) },
		func() {
			for _, err := range a.removeFiles(ctx, id) {
				slog.WarnContext(ctx, "dataset files left behind", "dataset", id, "err", err)
			}
		})
	var inUse *store.DatasetInUseError
	if errors.As(err, &inUse) {
		fail(c, newError(http.StatusConflict, "dataset_in_use", fmt.Sprintf(
			"Dataset %q is in use: %s. Cancel those runs or wait for them to finish, then delete it.", c.Param("id"), inUse.Error())))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	// The row is gone, so nothing reaches these files any more; one that cannot be
	// removed is only wasted disk, logged for the operator.
	for _, err := range a.removeFiles(c.Request.Context(), row.ID) {
		slog.WarnContext(c.Request.Context(), "dataset files left behind", "dataset", row.ID, "err", err)
	}
	keepReserve(c.Request.Context(), a.DataDir)
	c.Status(http.StatusNoContent)
}

// unused tells whether no queued or running run reads the dataset; it only reads, so
// it answers on a full disk.
func (a *DatasetAPI) unused(ctx context.Context, id string) bool {
	active, err := a.DB.ActiveRunsOfDataset(ctx, id)
	return err == nil && len(active) == 0
}

// removeFiles deletes the folder an import made and the kept upload, here and in the
// shared store. Only ids of the shape this API hands out name files, so a row cannot
// point a delete elsewhere.
func (a *DatasetAPI) removeFiles(ctx context.Context, id string) []error {
	if !uploadIDPattern.MatchString(id) {
		return []error{fmt.Errorf("id %q is not an upload id; files not touched", id)}
	}
	var errs []error
	if rel, err := a.DataDir.Rel(a.DataDir.Dataset(id)); err != nil {
		errs = append(errs, err)
	} else if err := a.Blobs.Remove(ctx, filepath.ToSlash(rel)); err != nil {
		errs = append(errs, err)
	}
	if err := a.Blobs.RemovePrefix(ctx, datadir.UploadsPrefix(id)); err != nil {
		errs = append(errs, err)
	}
	if err := os.RemoveAll(a.DataDir.Dataset(id)); err != nil {
		errs = append(errs, err)
	}
	kept, _ := filepath.Glob(a.DataDir.Upload(id, ".*"))
	for _, f := range kept {
		if err := os.Remove(f); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
