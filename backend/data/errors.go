package data

import "fmt"

// Error codes an import can fail with. The HTTP layer maps them to a status with
// HTTPStatus; the message always names the file and says how to fix it.
const (
	CodeUnsupportedFormat = "unsupported_format"
	CodeUploadTooLarge    = "upload_too_large"
	CodeZipSlip           = "zip_slip"
	CodeZipBomb           = "zip_bomb"
	CodeTooManyEntries    = "too_many_entries"
	CodeCorruptArchive    = "corrupt_archive"
	CodeImageTooLarge     = "image_too_large"
	CodeTooFewClasses     = "too_few_classes"
	CodeTooFewImages      = "too_few_images"
	CodeBadLabel          = "bad_label"
	CodeBadPixel          = "bad_pixel"
	CodeIDXMismatch       = "idx_mismatch"
	CodeTooManyFailures   = "too_many_failures"
	CodeBadOptions        = "bad_options"
)

// ImportError is a refusal caused by the uploaded file or the options, never by the
// server; anything else an import returns is an internal failure.
type ImportError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *ImportError) Error() string { return e.Code + ": " + e.Message }

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

func importErr(code, format string, args ...any) *ImportError {
	return &ImportError{Code: code, Message: fmt.Sprintf(format, args...)}
}
