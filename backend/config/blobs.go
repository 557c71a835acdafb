package config

import (
	"context"

	"transferlab/backend/blob"
)

// Blobs opens the shared store --blob-url names and mirrors the data directory onto
// it; without the flag the mirror has no store and the data directory is the only
// copy, as for the single binary.
func (c Config) Blobs(ctx context.Context) (*blob.Mirror, error) {
	if c.BlobURL == "" {
		return blob.NewMirror(c.DataDir, nil), nil
	}
	s, err := blob.Open(ctx, c.BlobURL)
	if err != nil {
		return nil, err
	}
	return blob.NewMirror(c.DataDir, s), nil
}
