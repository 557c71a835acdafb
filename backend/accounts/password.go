// Package accounts owns the secrets of signing in: password hashes, the random secrets
// of sessions and personal tokens, and the brake on guessing passwords. It knows
// nothing of HTTP or of the database.
package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id settings: RFC 9106's second recommended choice scaled to a small server
// (OWASP's minimum is 19 MiB and 2 passes); one login costs tens of milliseconds.
const (
	argonTime    = 2
	argonMemory  = 32 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLen keeps passwords from being guessed within the login brake's allowance.
const MinPasswordLen = 10

// ErrPasswordShort refuses a password below MinPasswordLen characters.
var ErrPasswordShort = fmt.Errorf("a password needs at least %d characters", MinPasswordLen)

// HashPassword returns the PHC string of password under argon2id with a fresh salt.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLen {
		return "", ErrPasswordShort
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// dummyHash is checked against when a name has no account, so an unknown name costs
// the same time as a wrong password and the answer's timing names no accounts.
var dummyHash = func() string {
	h, err := HashPassword("no account has this password")
	if err != nil {
		panic(err)
	}
	return h
}()

// CheckPassword tells whether password matches hash; an empty hash (no such account)
// spends the same work and answers false.
func CheckPassword(hash, password string) bool {
	if hash == "" {
		checkPHC(dummyHash, password)
		return false
	}
	ok, err := checkPHC(hash, password)
	return err == nil && ok
}

func checkPHC(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("not an argon2id hash")
	}
	var version int
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("unknown argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil {
		return false, err
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, err
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
