// Package datadir names every place in the data directory: the SQLite file, uploads,
// imported datasets, the built-in datasets' caches, user models and run checkpoints.
// Rows store paths relative to the root, so the whole directory can move.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Layout is a data directory.
type Layout struct {
	Root string
}

// New is the layout of the data directory at root.
func New(root string) Layout { return Layout{Root: root} }

func (l Layout) DB() string         { return filepath.Join(l.Root, "transferlab.db") }
func (l Layout) Lock() string       { return filepath.Join(l.Root, "transferlab.lock") }
func (l Layout) Uploads() string    { return filepath.Join(l.Root, "uploads") }
func (l Layout) Datasets() string   { return filepath.Join(l.Root, "datasets") }
func (l Layout) Builtin() string    { return filepath.Join(l.Root, "builtin") }
func (l Layout) UserModels() string { return filepath.Join(l.Root, UserModelsRel) }
func (l Layout) Runs() string       { return filepath.Join(l.Root, "runs") }

// UserModelsRel is where trained models go, relative to the root, as rows record it.
const UserModelsRel = "models/user"

// Upload is where an upload's original file is kept (ext with its dot).
func (l Layout) Upload(id, ext string) string { return filepath.Join(l.Uploads(), id+ext) }

// UploadsPrefix is how the relative path (slash-separated, as the shared store names
// files) of every kept upload of id starts, whatever its extension.
func UploadsPrefix(id string) string { return "uploads/" + id + "." }

// Dataset is the folder an upload's import makes.
func (l Layout) Dataset(id string) string { return filepath.Join(l.Datasets(), id) }

// UserModel is the weight file of a trained model: its path relative to the root (what
// the model's row records) and on disk.
func (l Layout) UserModel(id string) (rel, abs string) {
	rel = filepath.Join(filepath.FromSlash(UserModelsRel), id+".safetensors")
	return rel, filepath.Join(l.Root, rel)
}

// Run is the folder of a run's files; Checkpoint the file a run resumes from.
func (l Layout) Run(runID string) string        { return filepath.Join(l.Runs(), runID) }
func (l Layout) Checkpoint(runID string) string { return filepath.Join(l.Run(runID), "checkpoint.gob") }

// Rel is path relative to the root, as rows store it.
func (l Layout) Rel(path string) (string, error) {
	rel, err := filepath.Rel(l.Root, path)
	if err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%s is not inside the data directory %s", path, l.Root)
	}
	return rel, nil
}

// Resolve turns a path a row stores back into one on disk; a path that would leave the
// data directory is refused, so a row cannot point a read or delete elsewhere.
func (l Layout) Resolve(rel string) (string, error) {
	rel = filepath.FromSlash(rel)
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("path %q is not inside the data directory", rel)
	}
	return filepath.Join(l.Root, rel), nil
}

// Prepare makes sure the root and every folder in it exist and can be written, so a bad
// data directory stops the start with one line that names it.
func (l Layout) Prepare() error {
	for _, dir := range []string{l.Root, l.Uploads(), l.Datasets(), l.Builtin(), l.UserModels(), l.Runs()} {
		if err := writableDir(dir); err != nil {
			return err
		}
	}
	return nil
}

func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data directory %s cannot be created: %v", dir, errors.Unwrap(err))
	}
	probe, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %v", dir, errors.Unwrap(err))
	}
	name := probe.Name()
	probe.Close()
	return os.Remove(name)
}
