//go:build !unix

package data

import "os"

// Without mmap the cache is read into memory; datasets here are tens of megabytes.
func mapFile(path string) ([]byte, func() error, error) {
	b, err := os.ReadFile(path)
	return b, func() error { return nil }, err
}
