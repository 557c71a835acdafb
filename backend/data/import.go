// Package data imports, validates and caches image datasets, and provides the built-in
// ones. An import reads an uploaded file from disk (zip or tar.gz of class folders, an
// IDX pair in an archive, or a CSV), decodes every image once into a compact uint8
// tensor cache, and splits it; training reads the cache through Dataset.Split.
package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"transferlab/backend/atomicfile"
	"transferlab/backend/blob"
)

// importFile turns the upload at src into a dataset folder dir, which must not exist. It is
// all-or-nothing: on any error dir does not exist afterwards. Refusals caused by the
// upload are *ImportError; src itself is left in place for the caller to remove.
func importFile(ctx context.Context, src, dir string, opts Options) (*Meta, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if o.Name == "" {
		o.Name = filepath.Base(src)
	}
	st, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if st.Size() > o.Limits.MaxUploadBytes {
		return nil, importErr(CodeUploadTooLarge, "%s is %d bytes, over the upload limit of %d; upload a smaller dataset or raise the limit", o.Name, st.Size(), o.Limits.MaxUploadBytes)
	}
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("data: dataset folder %s already exists", dir)
	}
	format, err := sniffFile(src, o.Name)
	if err != nil {
		return nil, err
	}
	var m *Meta
	err = atomicfile.Dir(dir, func(tmp string) error {
		var err error
		if m, err = importInto(ctx, src, tmp, format, st.Size(), o); err != nil {
			return err
		}
		m.Name = strings.TrimSuffix(strings.TrimSuffix(o.Name, filepath.Ext(o.Name)), ".tar")
		return finishFolder(src, tmp, m)
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func importInto(ctx context.Context, src, tmp, format string, size int64, o Options) (*Meta, error) {
	switch format {
	case FormatZip:
		a, err := openZip(src, o.Name, size, o.Limits)
		if err != nil {
			return nil, err
		}
		defer a.Close()
		return importArchive(ctx, a, tmp, format, size, o)
	case FormatTar, FormatTarGz:
		a := openTar(src, o.Name, size, format == FormatTarGz, o.Limits)
		defer a.Close()
		return importArchive(ctx, a, tmp, format, size, o)
	case FormatCSV, FormatCSVGz:
		return importCSVFile(ctx, src, tmp, format, size, o)
	}
	return nil, importErr(CodeUnsupportedFormat, "%s: format %s is not supported", o.Name, format)
}

// finishFolder keeps the original and writes meta.json into the temp folder.
func finishFolder(src, tmp string, m *Meta) error {
	sum, err := blob.FileSHA256(src)
	if err != nil {
		return err
	}
	m.SHA256 = sum
	ext := m.Format
	if ext == FormatIDX {
		ext = "archive"
	}
	if m.Upload, err = keepUpload(src, tmp, ext); err != nil {
		return err
	}
	return writeMeta(tmp, m)
}

// IsImportError reports whether err is a refusal of the upload, and returns it.
func IsImportError(err error) (*ImportError, bool) {
	var ie *ImportError
	ok := errors.As(err, &ie)
	return ie, ok
}
