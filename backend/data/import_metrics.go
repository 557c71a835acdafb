package data

import (
	"context"
	"os"

	"transferlab/backend/metrics"
)

// Import turns the upload at src into a dataset folder dir, which must not exist, all or
// nothing (see importFile), and counts the upload's bytes as imported or refused.
func Import(ctx context.Context, src, dir string, opts Options) (*Meta, error) {
	m, err := importFile(ctx, src, dir, opts)
	if st, serr := os.Stat(src); serr == nil {
		metrics.Imported(st.Size(), err == nil)
	}
	return m, err
}
