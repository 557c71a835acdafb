package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The processes of a shared database share a data directory; only the first to find
// none other on it sweeps, and a SQLite server, which must be alone, keeps them off.
func TestDataDirIsSweptOnlyByAProcessAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "transferlab.lock")
	swept := 0
	sweep := func() { swept++ }
	first, alone, err := shareDataDir(path, sweep)
	if err != nil || !alone || swept != 1 {
		t.Fatalf("first process: alone=%v swept=%d %v", alone, swept, err)
	}
	second, alone, err := shareDataDir(path, sweep)
	if err != nil || alone || swept != 1 {
		t.Fatalf("second process beside the first: alone=%v swept=%d %v", alone, swept, err)
	}
	if _, err := lockDataDir(path); err == nil || !strings.Contains(err.Error(), "already using this data directory") {
		t.Fatalf("a SQLite server beside shared processes: %v", err)
	}
	first()
	second()

	sqlite, err := lockDataDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlite()
	defer func(d time.Duration) { shareWait = d }(shareWait)
	shareWait = 100 * time.Millisecond
	if _, _, err := shareDataDir(path, sweep); err == nil || !strings.Contains(err.Error(), "own SQLite file") || swept != 1 {
		t.Fatalf("a shared process beside a SQLite server: swept=%d %v", swept, err)
	}
}
