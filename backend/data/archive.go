package data

import (
	"io"
	"path"
	"strings"
)

// fileEntry is one regular file of an archive that passed the path checks.
type fileEntry struct {
	Name string // cleaned, slash-separated, relative
	Size int64  // declared uncompressed size
	idx  int    // position in the zip's central directory, or in the tar stream
}

// archive is a zip or a tar(.gz) read with every limit applied. Nothing is ever
// extracted to disk: entries are read into memory one at a time.
type archive interface {
	// files lists the regular files in archive order after refusing unsafe paths,
	// links and oversized or too many entries. For a tar this reads the stream once.
	files() ([]fileEntry, error)
	// each streams the content of the wanted entries (by their position in files) in
	// archive order, counting every byte read against the limits.
	each(want []bool, fn func(i int, r io.Reader) error) error
	// bytesRead is how much of the upload has been consumed, for progress.
	bytesRead() int64
	Close() error
}

// cleanEntryName refuses names that could escape an extraction folder, even though we
// never extract: an archive that carries them was made by mistake or with intent, and
// the user should hear about it. ok is false for folders.
func cleanEntryName(name string) (string, error) {
	n := strings.ReplaceAll(name, `\`, "/")
	if n == "" || strings.ContainsRune(n, 0) {
		return "", importErr(CodeZipSlip, "archive entry %s has an empty or invalid name; re-create the archive with plain relative paths", quoted(name))
	}
	if strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':') {
		return "", importErr(CodeZipSlip, "archive entry %s has an absolute path; re-create the archive from inside the dataset folder so paths are relative", quoted(name))
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", importErr(CodeZipSlip, "archive entry %s climbs out of the archive with '..'; re-create the archive with plain relative paths", quoted(name))
		}
	}
	return path.Clean(n), nil
}

func linkError(name string) error {
	return importErr(CodeZipSlip, "archive entry %s is a symbolic or hard link, which is not allowed; archive the files themselves (e.g. zip without -y, tar with -h)", quoted(name))
}

// isJunk reports files that operating systems and editors drop into folders; they are
// ignored, never reported as failures.
func isJunk(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if part == "__MACOSX" || strings.HasPrefix(part, ".") {
			return true
		}
	}
	switch strings.ToLower(path.Base(name)) {
	case "thumbs.db", "desktop.ini", "icon\r":
		return true
	}
	return false
}

// splitDirs are the folder names that mark a train/val/test layout.
var splitDirs = map[string]uint8{
	"train": SplitTrain, "training": SplitTrain,
	"val": SplitVal, "valid": SplitVal, "validation": SplitVal,
	"test": SplitTest, "testing": SplitTest,
}

// classOf returns the class folder of an image path (its parent folder) and, when the
// folder above it is train/val/test, that split.
func classOf(name string) (class string, split uint8, hasSplit bool) {
	dirs := strings.Split(path.Dir(name), "/")
	if len(dirs) == 0 || dirs[0] == "." {
		return "", 0, false
	}
	class = dirs[len(dirs)-1]
	if len(dirs) >= 2 {
		split, hasSplit = splitDirs[strings.ToLower(dirs[len(dirs)-2])]
	}
	return class, split, hasSplit
}
