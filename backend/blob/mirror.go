package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Mirror keeps a process's data directory and the shared store in step: what a
// process writes there it pushes, what it is about to read it pulls. The files stay
// in the data directory, so every reader keeps opening plain files; the store only
// carries them between machines. A nil Mirror, or one without a store (the single
// binary on its own folder), does nothing: the data directory is the only copy.
type Mirror struct {
	Root  string // the data directory
	Store Store  // nil: nothing is shared
}

// NewMirror is the mirror of the data directory root onto store (nil for none).
func NewMirror(root string, store Store) *Mirror { return &Mirror{Root: root, Store: store} }

// Shared reports whether files go to a store other processes read.
func (m *Mirror) Shared() bool { return m != nil && m.Store != nil }

// Push stores the file or every file of the folder at rel (a path relative to the
// data directory, as rows record it) under the same slash-separated key.
func (m *Mirror) Push(ctx context.Context, rel string) error {
	if !m.Shared() {
		return nil
	}
	root := filepath.Join(m.Root, filepath.FromSlash(rel))
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r, err := filepath.Rel(m.Root, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = m.Store.Put(ctx, filepath.ToSlash(r), f)
		return err
	})
}

// Pull makes the local copy of every object whose key is rel or lies under rel/
// match the store: a file that is missing, or whose SHA-256 differs from the one
// recorded when it was written (a damaged or stale copy), is fetched again. Nothing
// stored is no error: the caller's open then finds what is on disk, or nothing.
func (m *Mirror) Pull(ctx context.Context, rel string) error {
	return m.each(ctx, rel, under(rel), m.fetch)
}

// PullPrefix is Pull for every key starting with prefix, as "uploads/ds_1." for an
// upload whose extension the caller does not know.
func (m *Mirror) PullPrefix(ctx context.Context, prefix string) error {
	return m.each(ctx, prefix, nil, m.fetch)
}

// Remove deletes the store's objects at rel and under rel/ (the local files are the
// caller's to remove).
func (m *Mirror) Remove(ctx context.Context, rel string) error {
	return m.each(ctx, strings.TrimSuffix(rel, "/"), under(rel), m.delete)
}

// RemovePrefix deletes every object whose key starts with prefix.
func (m *Mirror) RemovePrefix(ctx context.Context, prefix string) error {
	return m.each(ctx, prefix, nil, m.delete)
}

// each does do to every stored object listed under prefix that keep (nil: all) takes;
// without a shared store there is nothing to do.
func (m *Mirror) each(ctx context.Context, prefix string, keep func(key string) bool, do func(context.Context, Info) error) error {
	if !m.Shared() {
		return nil
	}
	infos, err := m.Store.List(ctx, prefix)
	if err != nil {
		return err
	}
	for _, info := range infos {
		if keep != nil && !keep(info.Key) {
			continue
		}
		if err := do(ctx, info); err != nil {
			return err
		}
	}
	return nil
}

// under takes the key rel itself and keys under rel/: rel "runs/r1" must not reach
// "runs/r10/...", which a plain prefix would.
func under(rel string) func(key string) bool {
	rel = strings.TrimSuffix(rel, "/")
	return func(key string) bool { return key == rel || strings.HasPrefix(key, rel+"/") }
}

func (m *Mirror) delete(ctx context.Context, info Info) error { return m.Store.Delete(ctx, info.Key) }

func (m *Mirror) fetch(ctx context.Context, info Info) error {
	if err := checkKey(info.Key); err != nil {
		return err
	}
	local := filepath.Join(m.Root, filepath.FromSlash(info.Key))
	sum, err := FileSHA256(local)
	switch {
	case err == nil && sum == info.SHA256:
		return nil
	case err == nil:
		slog.WarnContext(ctx, "cached file differs from the shared store; fetching it again", "file", info.Key, "have", sum, "want", info.SHA256)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		return err
	}
	rc, _, err := m.Store.Get(ctx, info.Key)
	if err != nil {
		return err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(filepath.Dir(local), ".fetch-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(tmp, h), rc)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fetch %s from %s: %w", info.Key, m.Store, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != info.SHA256 {
		return fmt.Errorf("%s in %s is damaged: its SHA-256 is %s, %s was recorded when it was written", info.Key, m.Store, got, info.SHA256)
	}
	return os.Rename(tmp.Name(), local)
}

// FileSHA256 is the lowercase hex SHA-256 of the file at path.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
