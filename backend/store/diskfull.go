package store

import (
	"errors"
	"strings"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// IsDiskFull tells whether err comes from a full disk: SQLite's "database or disk is
// full", or a file write that found no space. Callers report it as such, so the user
// knows that freeing space, not retrying, is the fix.
func IsDiskFull(err error) bool {
	if err == nil {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return true
	}
	if isPostgresDiskFull(err) {
		return true
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	// Some layers keep only the text of the error they wrap.
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left on device")
}
