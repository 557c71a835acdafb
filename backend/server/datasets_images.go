package server

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"transferlab/backend/data"
	"transferlab/backend/names"
)

// Datasets never change once imported and their ids are never reused, so their images
// can be cached; a day keeps a rebuilt built-in from looking stale for long.
const (
	imageCacheControl = "public, max-age=86400"
	defaultPreviewN   = 8
	classesInMessage  = 20
)

// withDataset loads and opens the dataset of the :id in the address for f, and closes
// it afterwards.
func (a *DatasetAPI) withDataset(c *gin.Context, f func(*data.Dataset)) {
	row, err := a.DB.Dataset(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	ds, err := a.open(c.Request.Context(), row)
	if err != nil {
		fail(c, err)
		return
	}
	defer ds.Close()
	f(ds)
}

func (a *DatasetAPI) preview(c *gin.Context) {
	class := c.Query("class")
	n := defaultPreviewN
	if s := c.Query("n"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			fail(c, badRequest("bad_n", "n is how many images per class to show: a whole number from 1 to 32, not %q.", s))
			return
		}
	}
	// Each preview's canvas and PNG cost up to 32 MiB: a few are drawn at once, and the
	// rest wait their turn a moment or are told to come back.
	if !a.previews.wait(c.Request.Context(), previewWait) {
		c.Header("Retry-After", "2")
		fail(c, newError(http.StatusServiceUnavailable, "too_many_previews", fmt.Sprintf(
			"The server is already drawing %d previews, its limit, and none finished in %s; try again in a moment.", cap(a.previews), previewWait)))
		return
	}
	defer a.previews.give()
	a.withDataset(c, func(ds *data.Dataset) {
		if class != "" && !slices.Contains(ds.Classes(), class) {
			fail(c, badRequest("unknown_class", "No class %s in this dataset; its classes are: %s.", names.Quote(class, 80), listClasses(ds.Classes())))
			return
		}
		var buf bytes.Buffer
		drawn, err := ds.WritePreview(&buf, class, n)
		if err != nil {
			fail(c, err)
			return
		}
		// A dataset of many classes or large images shows its first classes only.
		c.Header("X-Preview-Classes", strconv.Itoa(drawn))
		c.Header("Cache-Control", imageCacheControl)
		c.Data(http.StatusOK, "image/png", buf.Bytes())
	})
}

func listClasses(classes []string) string {
	if len(classes) <= classesInMessage {
		return strings.Join(classes, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(classes[:classesInMessage], ", "), len(classes)-classesInMessage)
}

// image serves one image: with ?split= the index counts within that split, as the
// evaluation of a run numbers its test images; without, across the whole dataset.
func (a *DatasetAPI) image(c *gin.Context) {
	split := c.Query("split")
	if split != "" && !slices.Contains(data.SplitNames[:], split) {
		fail(c, badRequest("bad_split", "split must be train, val or test, not %q.", split))
		return
	}
	i, err := strconv.Atoi(c.Param("index"))
	if err != nil {
		fail(c, badRequest("bad_index", "The image index must be a whole number, not %q.", c.Param("index")))
		return
	}
	a.withDataset(c, func(ds *data.Dataset) {
		write, n, where := ds.WriteImagePNG, ds.Len(), "the dataset"
		if split != "" {
			v, err := ds.Split(split)
			if err != nil {
				fail(c, err)
				return
			}
			write, n, where = v.WriteImagePNG, v.Len(), "the "+split+" split"
		}
		if i < 0 || i >= n {
			fail(c, newError(http.StatusNotFound, "image_not_found",
				fmt.Sprintf("No image %d: %s has %d images, numbered 0 to %d.", i, where, n, n-1)))
			return
		}
		var buf bytes.Buffer
		if err := write(&buf, i); err != nil {
			fail(c, err)
			return
		}
		c.Header("Cache-Control", imageCacheControl)
		c.Data(http.StatusOK, "image/png", buf.Bytes())
	})
}
