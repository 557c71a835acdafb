// Package blob keeps the files web and worker processes share (uploads, dataset
// caches, checkpoints, trained weights) in one store: a folder, or any S3-compatible
// object store when processes run on several machines. Every object carries the
// SHA-256 of its bytes, recorded when it is written, so a reader can tell a good
// local copy from a damaged one.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
)

// ErrNotFound is returned for a key the store does not hold.
var ErrNotFound = errors.New("no such object")

// Info describes one stored object.
type Info struct {
	Key    string
	Size   int64
	SHA256 string // lowercase hex
}

// Store is a flat namespace of objects named by slash-separated keys.
type Store interface {
	// Put stores what r yields under key, replacing any object there; a reader sees
	// the old object or the whole new one. The hash is computed while writing.
	Put(ctx context.Context, key string, r io.Reader) (Info, error)
	// Get opens the object at key; ErrNotFound when there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object at key; ErrNotFound when there is none.
	Stat(ctx context.Context, key string) (Info, error)
	// List describes every object whose key starts with prefix, in key order.
	List(ctx context.Context, prefix string) ([]Info, error)
	// Delete removes the object at key; none there is no error.
	Delete(ctx context.Context, key string) error
	// Check tells whether the store answers, for health checks and the start.
	Check(ctx context.Context) error
	// String names the store for logs, without secrets.
	String() string
}

// Open opens the store a --blob-url names: file:///abs/dir for a folder (a disk every
// process mounts), s3://bucket?endpoint=host:port for an S3-compatible store.
func Open(ctx context.Context, raw string) (Store, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--blob-url %q does not parse: %v", raw, err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" || u.Path == "" || !path.IsAbs(u.Path) {
			return nil, fmt.Errorf("--blob-url %q: give an absolute folder, as file:///srv/transferlab-blobs", raw)
		}
		return NewLocal(u.Path)
	case "s3":
		return openS3(ctx, u)
	}
	return nil, fmt.Errorf("--blob-url %q: use s3://bucket?endpoint=host:port or file:///folder", raw)
}

// checkKey refuses keys that could name something outside the store.
func checkKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "\\") || path.Clean(key) != key || key == ".." || strings.HasPrefix(key, "../") {
		return fmt.Errorf("blob key %q is not a clean relative path", key)
	}
	return nil
}
