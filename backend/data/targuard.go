package data

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
)

// tarArchive reads a tar, gzipped or not, as a stream: files() passes over it once to
// validate, each() passes again to decode, so nothing but the current entry is held.
type tarArchive struct {
	path    string
	name    string
	size    int64
	gz      bool
	lim     Limits
	f       *os.File
	raw     *countingReader // bytes of the upload consumed
	out     *countingReader // bytes out of the decompressor
	entries int
}

func openTar(path, display string, size int64, gz bool, lim Limits) *tarArchive {
	return &tarArchive{path: path, name: display, size: size, gz: gz, lim: lim}
}

func (t *tarArchive) bytesRead() int64 {
	if t.raw == nil {
		return 0
	}
	return t.raw.n
}

func (t *tarArchive) Close() error {
	if t.f != nil {
		err := t.f.Close()
		t.f = nil
		return err
	}
	return nil
}

// reopen starts a fresh pass over the stream with the byte counters at zero.
func (t *tarArchive) reopen() (*tar.Reader, error) {
	t.Close()
	f, err := os.Open(t.path)
	if err != nil {
		return nil, err
	}
	t.f = f
	t.raw = &countingReader{r: bufio.NewReaderSize(f, 64<<10)}
	var r io.Reader = t.raw
	if t.gz {
		zr, err := gzip.NewReader(t.raw)
		if err != nil {
			return nil, importErr(CodeCorruptArchive, "%s is not a readable gzip (%v); re-create it with tar -czf", t.name, err)
		}
		r = zr
	}
	t.out = &countingReader{r: r, check: t.check}
	return tar.NewReader(t.out), nil
}

// check runs after every read out of the decompressor: real bytes, not headers.
func (t *tarArchive) check(n int64) error {
	if n > t.lim.MaxUncompressedBytes {
		return importErr(CodeZipBomb, "%s expands to more than %d bytes (limit); upload a smaller dataset", t.name, t.lim.MaxUncompressedBytes)
	}
	if t.gz && n > totalRatioFloor && float64(n) > t.lim.MaxRatio*float64(t.raw.n+1) {
		return importErr(CodeZipBomb, "%s expands more than %.0f times its size, which marks a gzip bomb", t.name, t.lim.MaxRatio)
	}
	return nil
}

func (t *tarArchive) next(tr *tar.Reader) (*tar.Header, error) {
	h, err := tr.Next()
	if err == nil || errors.Is(err, io.EOF) {
		return h, err
	}
	var ie *ImportError
	if errors.As(err, &ie) {
		return nil, ie
	}
	return nil, importErr(CodeCorruptArchive, "%s is damaged or truncated (%v); re-create the archive", t.name, err)
}

func (t *tarArchive) files() ([]fileEntry, error) {
	tr, err := t.reopen()
	if err != nil {
		return nil, err
	}
	var out []fileEntry
	var declared int64
	for i := 0; ; i++ {
		h, err := t.next(tr)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if i >= t.lim.MaxEntries {
			return nil, importErr(CodeTooManyEntries, "%s has more than %d entries (limit); split the dataset or remove unneeded files", t.name, t.lim.MaxEntries)
		}
		name, err := cleanEntryName(h.Name)
		if err != nil {
			return nil, err
		}
		switch h.Typeflag {
		case tar.TypeSymlink, tar.TypeLink:
			return nil, linkError(h.Name)
		case tar.TypeReg:
		default:
			continue
		}
		declared += h.Size
		if h.Size < 0 || declared > t.lim.MaxUncompressedBytes {
			return nil, importErr(CodeZipBomb, "%s declares more than %d bytes of files (limit); upload a smaller dataset", t.name, t.lim.MaxUncompressedBytes)
		}
		out = append(out, fileEntry{Name: name, Size: h.Size, idx: i})
	}
	t.entries = len(out)
	return out, nil
}

func (t *tarArchive) each(want []bool, fn func(i int, r io.Reader) error) error {
	tr, err := t.reopen()
	if err != nil {
		return err
	}
	for i := 0; i < len(want); {
		h, err := t.next(tr)
		if errors.Is(err, io.EOF) {
			return importErr(CodeCorruptArchive, "%s changed while it was read; upload it again", t.name)
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if want[i] {
			if err := fn(i, tr); err != nil {
				return err
			}
		}
		i++
	}
	return nil
}

// countingReader counts bytes and lets a check stop the stream mid-way.
type countingReader struct {
	r     io.Reader
	n     int64
	check func(int64) error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.check != nil {
		if cerr := c.check(c.n); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}
