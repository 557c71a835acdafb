//go:build unix

package datadir

import "syscall"

// DiskFree is the space an unprivileged writer may still use on the disk of dir.
func DiskFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}
