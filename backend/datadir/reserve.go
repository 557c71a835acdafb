package datadir

import (
	"math/rand/v2"
	"os"
	"path/filepath"
)

// ReserveSize is the space the server holds back in the data directory so that, when
// the disk fills up, a delete can still commit: SQLite needs room in its journal even
// to remove rows, and deleting is how a person frees the disk.
const ReserveSize = 8 << 20

// Reserve is the file that holds the reserve.
func (l Layout) Reserve() string { return filepath.Join(l.Root, "reserve.space") }

// KeepReserve makes the reserve file when it is missing and the disk can spare it
// twice over, so it never fills a nearly full disk itself. It says whether the reserve
// is in place.
func (l Layout) KeepReserve() (bool, error) {
	if st, err := os.Stat(l.Reserve()); err == nil && st.Size() >= ReserveSize {
		return true, nil
	}
	if free, err := DiskFree(l.Root); err != nil || free < 2*ReserveSize {
		return false, err
	}
	tmp := l.Reserve() + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return false, err
	}
	// Written out with bytes that do not compress, not sparse or truncated: only real
	// blocks are space a delete can later get back.
	chunk := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{}).Read(chunk)
	for n := 0; n < ReserveSize && err == nil; n += len(chunk) {
		_, err = f.Write(chunk)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, l.Reserve())
	}
	if err != nil {
		os.Remove(tmp)
		return false, err
	}
	return true, nil
}

// ReleaseReserve gives the reserve back to the disk and says whether there was one.
func (l Layout) ReleaseReserve() bool {
	err := os.Remove(l.Reserve())
	os.Remove(l.Reserve() + ".part")
	return err == nil
}
