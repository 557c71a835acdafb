package store

import (
	"crypto/rand"
	"encoding/hex"
)

// NewID returns a random id with a readable prefix ("ds", "exp", "run", ...), made by
// the application so any process on any machine can create rows.
func NewID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}
