// Package atomicfile writes files so that a reader, or a process started after a
// crash, sees either the old file or the complete new one, never a half-written one.
package atomicfile

import (
	"io"
	"os"
)

// Write creates path with what write produces: into path.tmp first, synced to disk,
// then renamed over path. On any error the temporary file is removed and path is left
// as it was.
func Write(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
