//go:build !unix

package datadir

import "errors"

func DiskFree(string) (uint64, error) { return 0, errors.New("free space unknown on this system") }
