package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
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

// shareDataDir holds the data directory shared with the other processes of a shared
// database, and refuses it to a SQLite server that holds it alone. When no process
// holds it at all, whileAlone runs first under an exclusive lock: nothing else can be
// writing there then. The lock is dropped for a shared one afterwards (flock converts
// by unlocking first, which is harmless: this process writes nothing there yet).
func shareDataDir(path string, whileAlone func()) (release func(), alone bool, err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("lock file %s: %w", path, err)
	}
	switch err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); {
	case err == nil:
		alone = true
		whileAlone()
	case !errors.Is(err, syscall.EWOULDBLOCK):
		f.Close()
		return nil, false, fmt.Errorf("lock file %s: %w", path, err)
	}
	// Another process starting may hold it alone for the moment of its sweep; a SQLite
	// server holds it for good.
	deadline := time.Now().Add(shareWait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, alone, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				owner, _ := os.ReadFile(path)
				return nil, false, fmt.Errorf("a Transfer Lab server on its own SQLite file (%s) is using this data directory (lock %s): stop it, or start this process with another --data-dir", trimSpace(owner), path)
			}
			return nil, false, fmt.Errorf("lock file %s: %w", path, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// shareWait is how long a process waits for another one's start-up sweep; a variable
// so tests can shorten it.
var shareWait = 10 * time.Second

func trimSpace(b []byte) string {
	s := string(b)
	if s == "" {
		return "pid unknown"
	}
	return s
}
