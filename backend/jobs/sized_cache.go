package jobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"transferlab/backend/data"
	"transferlab/backend/nn"
)

// sizedMu makes concurrent arms build one dataset's larger cache once.
var sizedMu sync.Mutex

// openAtSize opens an upload's images at a model's input size when its cache holds
// them smaller (an ImageNet model at 160 pixels on an upload cached at 32): the kept
// upload is imported again at that size, once, beside the first cache, with the same
// split (the split depends only on the files and the seed). The import is held to the
// server's limits, the cache size and the free disk included, as the upload was: a
// 28x28 upload makes a copy 98 times its cache at 3x160x160. It builds in a .part
// folder (atomicfile.Dir) that the leftover sweep removes after a crash. It returns nil
// when the cache is already large enough or the upload is not kept; the caller then
// resamples.
func openAtSize(ctx context.Context, uploadsDir, datasetDir, id string, cached [3]int, in nn.Input, limits data.Limits) (*data.Dataset, error) {
	if cached[1] >= in.Height && cached[2] >= in.Width {
		return nil, nil
	}
	kept, _ := filepath.Glob(filepath.Join(uploadsDir, id+".*"))
	if len(kept) != 1 {
		return nil, nil
	}
	dir := filepath.Join(datasetDir, fmt.Sprintf("at-%dx%dx%d", in.Channels, in.Height, in.Width))
	sizedMu.Lock()
	defer sizedMu.Unlock()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		os.RemoveAll(dir + ".building") // the build folder of earlier versions, left by a crash
		_, err := data.Import(ctx, kept[0], dir, data.Options{Channels: in.Channels, Height: in.Height, Width: in.Width, Limits: limits})
		if _, serr := os.Stat(dir); err != nil && serr != nil { // not built by another process meanwhile
			return nil, fmt.Errorf("caching the images at %dx%d for the model: %w", in.Height, in.Width, err)
		}
	}
	return data.Open(dir)
}
