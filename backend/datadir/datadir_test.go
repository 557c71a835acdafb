package datadir

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRowPathsStayInsideTheDataDirectory(t *testing.T) {
	l := New(t.TempDir())
	rel, abs := l.UserModel("model-1")
	if got, err := l.Resolve(filepath.ToSlash(rel)); err != nil || got != abs {
		t.Fatalf("Resolve(%q) = %q, %v; want %q", rel, got, err, abs)
	}
	if got, err := l.Rel(l.Checkpoint("run_1")); err != nil || got != filepath.Join("runs", "run_1", "checkpoint.gob") {
		t.Fatalf("Rel(checkpoint) = %q, %v", got, err)
	}
	for _, bad := range []string{"../outside", "/etc/passwd", "datasets/../../x", ""} {
		if got, err := l.Resolve(bad); err == nil {
			t.Errorf("Resolve(%q) = %q, want a refusal", bad, got)
		}
	}
	if got, err := l.Rel(filepath.Dir(l.Root)); err == nil {
		t.Errorf("Rel(parent) = %q, want a refusal", got)
	}
}

func TestPrepareMakesEveryFolder(t *testing.T) {
	l := New(filepath.Join(t.TempDir(), "data"))
	if err := l.Prepare(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{l.Uploads(), l.Datasets(), l.Builtin(), l.UserModels(), l.Runs()} {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			t.Errorf("%s: %v", dir, err)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if err := New(file).Prepare(); err == nil {
		t.Error("a file as the data directory was accepted")
	}
}

// The reserve is real space, made once, given back on demand and made again.
func TestReserveIsHeldGivenBackAndRemade(t *testing.T) {
	l := New(t.TempDir())
	if ok, err := l.KeepReserve(); !ok || err != nil {
		t.Fatalf("keep: %v %v", ok, err)
	}
	st, err := os.Stat(l.Reserve())
	if err != nil || st.Size() != ReserveSize {
		t.Fatalf("reserve file: %v %v", st, err)
	}
	if !l.ReleaseReserve() {
		t.Fatal("release said there was no reserve")
	}
	if l.ReleaseReserve() {
		t.Fatal("a second release found a reserve")
	}
	if _, err := os.Stat(l.Reserve()); !os.IsNotExist(err) {
		t.Fatalf("reserve still there: %v", err)
	}
	if ok, _ := l.KeepReserve(); !ok {
		t.Fatal("reserve not made again")
	}
}
