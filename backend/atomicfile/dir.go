package atomicfile

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// partMarker is in the name of every temporary folder Dir builds in.
const partMarker = ".part-"

// IsPart reports whether a folder name is one Dir is building in, or a crash left.
func IsPart(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, partMarker)
}

// Dir creates the folder dir with what build puts into the temporary folder it is
// given: a hidden sibling of dir on the same disk, renamed into place only when build
// succeeds, so a reader never sees a half-built folder and a crash leaves only a
// .part folder that no listing shows. dir must not exist yet (a rename onto a finished
// folder fails and leaves it as it was); on any error nothing is left beside dir.
func Dir(dir string, build func(tmp string) error) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	tmp := filepath.Join(parent, fmt.Sprintf(".%s%s%x", filepath.Base(dir), partMarker, b))
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	err := build(tmp)
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
	}
	return err
}
