// Package experiment holds the rules of an experiment that every layer shares.
package experiment

import "transferlab/backend/names"

// MaxNameLen is the longest name, in characters, of an experiment or a dataset: names
// are copied into every trained model's name and card and shown in every list, so a
// long one costs every page that shows it. Class names follow the same rule.
const MaxNameLen = names.MaxLen

// ErrEmptyName is a name with nothing but spaces in it (errors.Is matches it).
var ErrEmptyName = names.ErrEmpty

// CheckName is the one rule for names people give: after trimming spaces, 1 to
// MaxNameLen printable characters (letters, digits, punctuation, symbols and spaces;
// no control or invisible formatting characters, which could hide or reorder text).
// It returns the trimmed name, or an error that says what to change.
func CheckName(name string) (string, error) {
	return names.Check("the name", name, MaxNameLen)
}

// CleanName makes a name that passes CheckName from text nobody typed as a name (an
// upload's file name, a generated default): disallowed characters become spaces, runs
// of spaces one, and it is cut to MaxNameLen characters. fallback is used when
// nothing is left.
func CleanName(text, fallback string) string {
	return names.Clean(text, fallback, MaxNameLen)
}
