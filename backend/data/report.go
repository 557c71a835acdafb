package data

import (
	"fmt"

	"transferlab/backend/names"
)

// reportLimit is how many skipped files and duplicates a report lists; the counts
// cover all of them.
const reportLimit = 100

// Report says what an import did with each file it did not turn into a training image.
type Report struct {
	Layout         string        `json:"layout"`
	FilesSeen      int           `json:"files_seen"`
	Imported       int           `json:"imported"`
	Ignored        int           `json:"ignored"` // OS junk and files outside class folders
	IgnoredFiles   []string      `json:"ignored_files,omitempty"`
	Skipped        []SkippedFile `json:"skipped,omitempty"`
	SkippedCount   int           `json:"skipped_count"`
	Duplicates     []Duplicate   `json:"duplicates,omitempty"`
	DuplicateCount int           `json:"duplicate_count"`
	Notes          []string      `json:"notes,omitempty"`
}

// SkippedFile is a file left out, with the reason.
type SkippedFile struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Duplicate is a file whose bytes equal an earlier file's. Across classes it means a
// mislabelled image; within a class it only weighs that image twice.
type Duplicate struct {
	File          string `json:"file"`
	Class         string `json:"class"`
	SameAs        string `json:"same_as"`
	SameAsClass   string `json:"same_as_class"`
	AcrossClasses bool   `json:"across_classes"`
}

func (r *Report) skip(file, reason string) {
	r.SkippedCount++
	if len(r.Skipped) < reportLimit {
		r.Skipped = append(r.Skipped, SkippedFile{File: names.Short(file, reportNameLen), Reason: names.Short(reason, reportNameLen)})
	}
}

func (r *Report) ignore(file string) {
	r.Ignored++
	if len(r.IgnoredFiles) < reportLimit {
		r.IgnoredFiles = append(r.IgnoredFiles, names.Short(file, reportNameLen))
	}
}

func (r *Report) duplicate(d Duplicate) {
	r.DuplicateCount++
	if len(r.Duplicates) < reportLimit {
		d.File, d.SameAs = names.Short(d.File, reportNameLen), names.Short(d.SameAs, reportNameLen)
		r.Duplicates = append(r.Duplicates, d)
	}
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// failureCheck refuses an import where more than half the candidate files failed:
// that is the wrong file or a broken export, not a few bad images.
func (r *Report) failureCheck(display string) error {
	if r.FilesSeen == 0 {
		return importErr(CodeTooFewClasses, "%s holds no images in class folders; lay it out as <class>/<image> (e.g. cat/001.png, dog/001.png)", display)
	}
	if 2*r.SkippedCount > r.FilesSeen {
		first := ""
		if len(r.Skipped) > 0 {
			first = fmt.Sprintf(" (first: %s: %s)", r.Skipped[0].File, r.Skipped[0].Reason)
		}
		return importErr(CodeTooManyFailures, "%d of %d files in %s could not be used as images%s; check that the archive holds PNG, JPEG, GIF, BMP or WebP images",
			r.SkippedCount, r.FilesSeen, display, first)
	}
	return nil
}
