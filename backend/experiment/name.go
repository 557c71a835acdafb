// Package experiment holds the rules of an experiment that every layer shares.
package experiment

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest name, in characters, of an experiment or a dataset: names
// are copied into every trained model's name and card and shown in every list, so a
// long one costs every page that shows it.
const MaxNameLen = 200

// ErrEmptyName is a name with nothing but spaces in it.
var ErrEmptyName = errors.New("the name is empty")

// CheckName is the one rule for names people give: after trimming spaces, 1 to
// MaxNameLen printable characters (letters, digits, punctuation, symbols and spaces;
// no control or invisible formatting characters, which could hide or reorder text).
// It returns the trimmed name, or an error that says what to change.
func CheckName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) {
		return "", errors.New("the name is not valid UTF-8 text")
	}
	if name == "" {
		return "", ErrEmptyName
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return "", fmt.Errorf("the name is %d characters long; keep it to %d", n, MaxNameLen)
	}
	for i, r := range name {
		if !allowed(r) {
			return "", fmt.Errorf("the name has the character %U at byte %d; use letters, digits, spaces and punctuation only", r, i)
		}
	}
	return name, nil
}

// CleanName makes a name that passes CheckName from text nobody typed as a name (an
// upload's file name, a generated default): disallowed characters become spaces, runs
// of spaces one, and it is cut to MaxNameLen characters. fallback is used when
// nothing is left.
func CleanName(text, fallback string) string {
	var b strings.Builder
	n, space := 0, false
	for _, r := range strings.ToValidUTF8(text, " ") {
		if n == MaxNameLen {
			break
		}
		if !allowed(r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
			if n == MaxNameLen {
				break
			}
		}
		b.WriteRune(r)
		n++
	}
	if out := strings.TrimSpace(b.String()); out != "" {
		return out
	}
	return fallback
}

func allowed(r rune) bool {
	return r == ' ' || (unicode.IsPrint(r) && r != utf8.RuneError)
}
