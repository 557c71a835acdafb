package data

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Upload formats recognised by their content; the file name is never trusted.
const (
	FormatZip   = "zip"
	FormatTar   = "tar"
	FormatTarGz = "tar.gz"
	FormatCSV   = "csv"
	FormatCSVGz = "csv.gz"
	FormatIDX   = "idx" // an IDX pair inside a zip or tar; recorded after the archive is read
)

// UploadExtensions are the file name endings of every format an upload may have, for
// the upload picker to offer; the format itself is read from the content.
var UploadExtensions = []string{".zip", ".tar", ".tar.gz", ".tgz", ".csv", ".csv.gz"}

func sniffFile(path, display string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n == 0 {
		return "", importErr(CodeUnsupportedFormat, "%s is empty; upload a zip or tar.gz of class folders, an IDX pair in a zip, or a CSV", display)
	}
	format, err := sniffContent(f, head, display)
	if claim := claimedArchive(display); claim != "" && format != claim {
		return "", notTheClaimedArchive(display, claim, format)
	}
	return format, err
}

// claimedArchive is the archive format a file name promises, if any.
func claimedArchive(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".zip"):
		return FormatZip
	case strings.HasSuffix(n, ".tar.gz"), strings.HasSuffix(n, ".tgz"):
		return FormatTarGz
	case strings.HasSuffix(n, ".tar"):
		return FormatTar
	}
	return ""
}

// notTheClaimedArchive refuses a file whose name promises an archive its content is
// not: advice for whatever the bytes happen to look like (a CSV's missing label column,
// say) would only mislead.
func notTheClaimedArchive(display, claim, got string) error {
	what := map[string]string{FormatZip: "a valid zip archive", FormatTarGz: "a valid gzip-compressed tar archive", FormatTar: "a valid tar archive"}[claim]
	looks := ""
	if got != "" {
		looks = fmt.Sprintf(" (its content is %s)", got)
	}
	return importErr(CodeUnsupportedFormat, "%s is not %s%s; re-create the archive, or upload the file under the extension of what it holds (.zip, .tar.gz, .tgz, .tar, .csv or .csv.gz)", display, what, looks)
}

func sniffContent(f *os.File, head []byte, display string) (string, error) {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return FormatZip, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return "", err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			return "", importErr(CodeCorruptArchive, "%s starts like gzip but is not readable (%v)", display, err)
		}
		inner := make([]byte, 512)
		m, _ := io.ReadFull(zr, inner)
		switch kind := sniffPlain(inner[:m]); kind {
		case FormatTar:
			return FormatTarGz, nil
		case FormatCSV:
			return FormatCSVGz, nil
		case FormatIDX:
			return "", loneIDX(display)
		}
	default:
		switch kind := sniffPlain(head); kind {
		case FormatTar, FormatCSV:
			return kind, nil
		case FormatIDX:
			return "", loneIDX(display)
		}
	}
	return "", importErr(CodeUnsupportedFormat, "%s is not a zip, tar, tar.gz, CSV or IDX archive; upload a zip or tar.gz of class folders (<class>/<image>), a zip holding an IDX images+labels pair, or a CSV with a label column and a header", display)
}

func sniffPlain(b []byte) string {
	switch {
	case len(b) >= 262 && string(b[257:262]) == "ustar":
		return FormatTar
	case isIDXMagic(b):
		return FormatIDX
	case len(b) > 0 && utf8.Valid(trimPartialRune(b)) && !bytes.ContainsRune(b, 0) && bytes.ContainsRune(firstLine(b), ','):
		return FormatCSV
	}
	return ""
}

func loneIDX(display string) error {
	return importErr(CodeUnsupportedFormat, "%s is a single IDX file; an IDX dataset needs its images and labels files together: put both (gzipped or not) in one zip or tar.gz and upload that", display)
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// trimPartialRune drops a multi-byte character cut by the sniff window.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}
