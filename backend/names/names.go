// Package names holds the one rule for text that names something people see: an
// experiment, a dataset, a class, a run's label, a token. It sits below every other
// package so that the rules of an experiment and the import of a dataset share it.
package names

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest name, in characters: names are copied into every trained
// model's name, card and class list and shown in every list, so a long one costs every
// page that shows it.
const MaxLen = 200

// ErrEmpty is a name with nothing but spaces in it.
var ErrEmpty = errors.New("empty")

type emptyError struct{ what string }

func (e emptyError) Error() string        { return e.what + " is empty" }
func (e emptyError) Is(target error) bool { return target == ErrEmpty }

// Check applies the rule to text, which the message calls what ("the name", "the
// tag"): after trimming spaces, 1 to max printable characters (letters, digits,
// punctuation, symbols and spaces; no control or invisible formatting characters, which
// could hide or reorder text). It returns the trimmed text, or an error that says what
// to change.
func Check(what, text string, max int) (string, error) {
	text = strings.TrimSpace(text)
	if !utf8.ValidString(text) {
		return "", fmt.Errorf("%s is not valid UTF-8 text", what)
	}
	if text == "" {
		return "", emptyError{what}
	}
	if n := utf8.RuneCountInString(text); n > max {
		return "", fmt.Errorf("%s is %d characters long; keep it to %d", what, n, max)
	}
	for i, r := range text {
		if !Allowed(r) {
			return "", fmt.Errorf("%s has the character %U at byte %d; use letters, digits, spaces and punctuation only", what, r, i)
		}
	}
	return text, nil
}

// Clean makes a name that passes Check from text nobody typed as a name (an upload's
// file name, a generated default): disallowed characters become spaces, runs of
// spaces one, and it is cut to max characters. fallback is used when nothing is left.
func Clean(text, fallback string, max int) string {
	var b strings.Builder
	n, space := 0, false
	for _, r := range strings.ToValidUTF8(text, " ") {
		if n == max {
			break
		}
		if !Allowed(r) || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
			if n == max {
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

// Allowed reports whether a name may hold r: a space or a printable character.
func Allowed(r rune) bool {
	return r == ' ' || (unicode.IsPrint(r) && r != utf8.RuneError)
}

// Quote quotes text for a message: Go-quoted, so control and invisible characters show
// as escapes, and cut to max characters with the full length said, so a hostile name
// cannot make the message itself huge.
func Quote(text string, max int) string {
	n := 0
	for i := range text {
		if n == max {
			return strconv.Quote(text[:i]+"…") + fmt.Sprintf(" (%d characters)", utf8.RuneCountInString(text))
		}
		n++
	}
	return strconv.Quote(text)
}

// Short cuts text to max characters, ending in "…" when it was longer, for names kept
// in a report rather than refused.
func Short(text string, max int) string {
	n := 0
	for i := range text {
		if n == max {
			return strings.ToValidUTF8(text[:i], "?") + "…"
		}
		n++
	}
	return strings.ToValidUTF8(text, "?")
}
