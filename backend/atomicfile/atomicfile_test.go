package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWholeOrNotAtAll(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "first"); return err }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want the writer's", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("a failed write left %q", b)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Fatal("a failed write left its temporary file")
	}
}

func TestDirAppearsWholeOrNotAtAll(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "set")
	boom := errors.New("decode failed")
	err := Dir(dir, func(tmp string) error {
		os.WriteFile(filepath.Join(tmp, "half"), []byte("x"), 0o644)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want the builder's", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("a failed build left %v", entries)
	}
	if err := Dir(dir, func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "meta.json"), []byte("{}"), 0o644) }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "meta.json")); err != nil {
		t.Fatal(err)
	}
	// A second build of the same folder loses the rename and leaves the first intact.
	err = Dir(dir, func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "other"), nil, 0o644) })
	if err == nil {
		t.Fatal("a second build replaced a finished folder")
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Fatalf("after a lost rename: %v", entries)
	}
}

func TestIsPartNamesDirsTemporaryFolders(t *testing.T) {
	parent := t.TempDir()
	var seen string
	Dir(filepath.Join(parent, "ds_1"), func(tmp string) error {
		seen = filepath.Base(tmp)
		return errors.New("stop")
	})
	if !IsPart(seen) || IsPart("ds_1") || IsPart("part-of-a-name") {
		t.Fatalf("IsPart(%q)=%v, IsPart(ds_1)=%v", seen, IsPart(seen), IsPart("ds_1"))
	}
}
