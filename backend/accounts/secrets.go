package accounts

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Prefixes make a leaked secret recognisable for what it is (secret scanners match
// them) and keep a session cookie from working as an API token or the reverse.
const (
	SessionPrefix = "tls_"
	TokenPrefix   = "tlp_"
)

// NewSecret returns a fresh 256-bit secret with prefix, to hand out once, and the hash
// to keep. The secret is random, so one SHA-256 is enough: there is nothing to guess
// that a slow hash would protect.
func NewSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret)
}

// HashSecret is the form a session or token secret is stored and looked up in.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
