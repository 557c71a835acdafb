package data

import (
	"errors"
	"strconv"
	"syscall"

	"transferlab/backend/datadir"
)

// Codes of the refusals that protect the server's memory and disk.
const (
	CodeTooManyClasses = "too_many_classes"
	CodeCacheTooLarge  = "cache_too_large"
	CodeDiskFull       = "disk_full"
)

// diskHeadroom is what an import leaves free on the disk besides its cache, so the
// database and running trainings can still write.
const diskHeadroom = 32 << 20

// freeBytes says how much the disk holding dir has free for this process; a variable so
// tests can play a nearly full disk.
var freeBytes = datadir.DiskFree

// checkBudget refuses an import before any image is decoded when its cache (count
// images of c x h x w bytes) would be over the cache limit or over what the disk has
// free, or when it has more classes than a dataset may.
func checkBudget(display, dir string, count, classes, c, h, w int, l Limits) error {
	if classes > l.MaxClasses {
		return tooManyClasses(display, classes, l.MaxClasses)
	}
	need := int64(count) * int64(c) * int64(h) * int64(w)
	if need > l.MaxCacheBytes {
		return importErr(CodeCacheTooLarge, "%s would make a %s cache (%d images of %dx%dx%d); the limit is %s: import fewer or smaller images (height, width, channels), or start the server with a larger --max-cache-bytes",
			display, mib(need), count, c, h, w, mib(l.MaxCacheBytes))
	}
	if free, err := freeBytes(dir); err == nil && uint64(need)+diskHeadroom > free {
		return importErr(CodeDiskFull, "%s needs %s of disk for its cache and the disk has %s free; free some space (delete unused datasets or experiments) and upload again",
			display, mib(need+diskHeadroom), mib(int64(free)))
	}
	return nil
}

func tooManyClasses(display string, n, limit int) error {
	return importErr(CodeTooManyClasses, "%s has %d classes; a dataset may have at most %d: merge or remove class folders", display, n, limit)
}

func mib(n int64) string {
	if n >= 10<<30 {
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}

// IsDiskFull tells whether err is the disk (or its quota) being full.
func IsDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var ie *ImportError
	return errors.As(err, &ie) && ie.Code == CodeDiskFull
}
