package data

import (
	"fmt"

	"transferlab/backend/names"
)

// Error codes an import can fail with. The HTTP layer maps them to a status with
// HTTPStatus; the message always names the file and says how to fix it.
const (
	CodeUnsupportedFormat ImportCode = "unsupported_format"
	CodeUploadTooLarge    ImportCode = "upload_too_large"
	CodeZipSlip           ImportCode = "zip_slip"
	CodeZipBomb           ImportCode = "zip_bomb"
	CodeTooManyEntries    ImportCode = "too_many_entries"
	CodeCorruptArchive    ImportCode = "corrupt_archive"
	CodeImageTooLarge     ImportCode = "image_too_large"
	CodeTooFewClasses     ImportCode = "too_few_classes"
	CodeTooFewImages      ImportCode = "too_few_images"
	CodeBadLabel          ImportCode = "bad_label"
	CodeBadPixel          ImportCode = "bad_pixel"
	CodeIDXMismatch       ImportCode = "idx_mismatch"
	CodeTooManyFailures   ImportCode = "too_many_failures"
	CodeBadOptions        ImportCode = "bad_options"
	CodeBadClassName      ImportCode = "bad_class_name"
)

// ImportCode is the code of an ImportError: a fixed set, so the web app can tell them
// apart by a generated union.
type ImportCode string

// ImportCodes are every code an import can fail with, for the generated union.
var ImportCodes = []ImportCode{CodeUnsupportedFormat, CodeUploadTooLarge, CodeZipSlip, CodeZipBomb,
	CodeTooManyEntries, CodeCorruptArchive, CodeImageTooLarge, CodeTooFewClasses, CodeTooFewImages,
	CodeBadLabel, CodeBadPixel, CodeIDXMismatch, CodeTooManyFailures, CodeBadOptions,
	CodeTooManyClasses, CodeCacheTooLarge, CodeDiskFull, CodeBadClassName}

// ImportError is a refusal caused by the uploaded file or the options, never by the
// server; anything else an import returns is an internal failure.
type ImportError struct {
	Code    ImportCode `json:"code"`
	Message string     `json:"message"`
}

func (e *ImportError) Error() string { return string(e.Code) + ": " + e.Message }

// HTTPStatus is the status the API answers an ImportError with: 413 for sizes over a
// limit, 400 for files that are not a dataset at all, 422 for datasets that parse but
// cannot be used.
func (e *ImportError) HTTPStatus() int {
	switch e.Code {
	case CodeUploadTooLarge, CodeZipBomb, CodeTooManyEntries, CodeImageTooLarge, CodeCacheTooLarge:
		return 413
	case CodeDiskFull:
		return 507
	case CodeUnsupportedFormat, CodeCorruptArchive, CodeZipSlip, CodeBadOptions:
		return 400
	default:
		return 422
	}
}

func importErr(code ImportCode, format string, args ...any) *ImportError {
	return &ImportError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// quoted is how a message shows a name from the upload (an archive entry, a class, a
// CSV field): quoted with invisible characters escaped, and cut short, since the
// archive may carry names of 64 KB.
func quoted(name string) string { return names.Quote(name, 80) }

// reportNameLen is the most characters of a file name a report keeps.
const reportNameLen = 300

// checkClassNames applies the rule for names to the classes an upload defines: they
// are shown in every list and copied into every trained model, so a class may not be
// longer, or hold other characters, than a dataset's name.
func checkClassNames(display, source string, classes []string) error {
	for _, c := range classes {
		if _, err := names.Check("the "+source+" "+quoted(c), c, names.MaxLen); err != nil {
			return importErr(CodeBadClassName, "%s: %v. Class names follow the rule for names (1 to %d letters, digits, spaces and punctuation): rename it and upload again",
				display, err, names.MaxLen)
		}
	}
	return nil
}
