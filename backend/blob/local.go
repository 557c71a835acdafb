package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Local is a store in a folder, for processes that share a disk. Each object is one
// file whose first line is the SHA-256 of the bytes after it, so the hash and the
// bytes are replaced together by one rename.
type Local struct {
	root string
}

// NewLocal opens (and creates) the store in dir.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("blob folder %s cannot be created: %v", dir, errors.Unwrap(err))
	}
	return &Local{root: dir}, nil
}

const headerLen = sha256.Size*2 + 1 // hex digest and a newline

func (l *Local) String() string { return "file://" + filepath.ToSlash(l.root) }

func (l *Local) path(key string) string { return filepath.Join(l.root, filepath.FromSlash(key)) }

func (l *Local) Check(ctx context.Context) error {
	_, err := os.Stat(l.root)
	return err
}

func (l *Local) Put(ctx context.Context, key string, r io.Reader) (Info, error) {
	if err := checkKey(key); err != nil {
		return Info{}, err
	}
	p := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return Info{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return Info{}, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	// The hash is known only at the end: write a placeholder header, then fill it in.
	if _, err := tmp.Write(make([]byte, headerLen)); err != nil {
		tmp.Close()
		return Info{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	sum := hex.EncodeToString(h.Sum(nil))
	if err == nil {
		_, err = tmp.WriteAt([]byte(sum+"\n"), 0)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		return Info{}, err
	}
	return Info{Key: key, Size: n, SHA256: sum}, nil
}

func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := checkKey(key); err != nil {
		return nil, Info{}, err
	}
	p := l.path(key)
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return nil, Info{}, fmt.Errorf("%s: %w", key, ErrNotFound) // a folder of other keys
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Info{}, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, Info{}, err
	}
	info, err := readHeader(f, key)
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, info, nil // positioned after the header
}

func (l *Local) Stat(ctx context.Context, key string) (Info, error) {
	rc, info, err := l.Get(ctx, key)
	if err != nil {
		return Info{}, err
	}
	rc.Close()
	return info, nil
}

func readHeader(f *os.File, key string) (Info, error) {
	st, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	head := make([]byte, headerLen)
	if _, err := io.ReadFull(f, head); err != nil || head[headerLen-1] != '\n' {
		return Info{}, fmt.Errorf("blob %s has no hash header: not written by this store", key)
	}
	return Info{Key: key, Size: st.Size() - headerLen, SHA256: string(head[:headerLen-1])}, nil
}

func (l *Local) List(ctx context.Context, prefix string) ([]Info, error) {
	var out []Info
	err := filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".put-") {
			return nil
		}
		rel, _ := filepath.Rel(l.root, p)
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		info, err := readHeader(f, key)
		f.Close()
		if err != nil {
			return err
		}
		out = append(out, info)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, err
}

func (l *Local) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	p := l.path(key)
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		return nil // nothing there, or a folder of other keys
	}
	return os.Remove(p)
}
