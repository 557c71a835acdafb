package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockDataDir takes an exclusive lock on a file in the data directory, so a second
// server started on the same directory stops with a message instead of sharing the
// SQLite file and its uploads with the first. The kernel drops the lock when the process
// dies, so a killed server never leaves a stale lock behind.
func lockDataDir(path string) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			owner, _ := os.ReadFile(path)
			return nil, fmt.Errorf("another Transfer Lab server (%s) is already using this data directory (lock %s): stop it, or start this one with another --data-dir", trimSpace(owner), path)
		}
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	_ = f.Truncate(0)
	fmt.Fprintf(f, "pid %d", os.Getpid())
	return func() { f.Close() }, nil
}

func trimSpace(b []byte) string {
	s := string(b)
	if s == "" {
		return "pid unknown"
	}
	return s
}
