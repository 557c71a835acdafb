package data

import (
	"archive/zip"
	"errors"
	"io"
	"io/fs"
	"os"
)

// ratioFloor is how many bytes an entry must expand to before its compression ratio
// counts: small files compress wildly (a blank BMP) and cost nothing.
const (
	entryRatioFloor = 1 << 20
	totalRatioFloor = 8 << 20
)

type zipArchive struct {
	f    *os.File
	zr   *zip.Reader
	size int64
	lim  Limits
	name string
	read int64 // uncompressed bytes read so far
	comp int64 // compressed bytes of the entries read so far
	list []*zip.File
}

func openZip(path, display string, size int64, lim Limits) (*zipArchive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		f.Close()
		return nil, importErr(CodeCorruptArchive, "%s is not a readable zip (%v); re-create it with a standard zip tool", display, err)
	}
	return &zipArchive{f: f, zr: zr, size: size, lim: lim, name: display}, nil
}

func (z *zipArchive) Close() error     { return z.f.Close() }
func (z *zipArchive) bytesRead() int64 { return z.comp }

func (z *zipArchive) files() ([]fileEntry, error) {
	if len(z.zr.File) > z.lim.MaxEntries {
		return nil, importErr(CodeTooManyEntries, "%s has %d entries, more than the limit of %d; split the dataset or remove unneeded files", z.name, len(z.zr.File), z.lim.MaxEntries)
	}
	var out []fileEntry
	var total uint64
	for i, f := range z.zr.File {
		name, err := cleanEntryName(f.Name)
		if err != nil {
			return nil, err
		}
		mode := f.Mode()
		if mode&fs.ModeSymlink != 0 {
			return nil, linkError(f.Name)
		}
		if mode.IsDir() || !mode.IsRegular() {
			continue
		}
		// Headers can lie, so these checks only refuse early; each() counts real bytes.
		total += f.UncompressedSize64
		if total > uint64(z.lim.MaxUncompressedBytes) {
			return nil, importErr(CodeZipBomb, "%s declares more than %d bytes uncompressed (limit); upload a smaller dataset", z.name, z.lim.MaxUncompressedBytes)
		}
		if f.UncompressedSize64 > entryRatioFloor && float64(f.UncompressedSize64) > z.lim.MaxRatio*float64(f.CompressedSize64+1) {
			return nil, importErr(CodeZipBomb, "entry %s expands %d times (limit %.0f), which marks a zip bomb; images do not compress that well", quoted(f.Name), f.UncompressedSize64/(f.CompressedSize64+1), z.lim.MaxRatio)
		}
		out = append(out, fileEntry{Name: name, Size: int64(f.UncompressedSize64), idx: i})
		z.list = append(z.list, f)
	}
	return out, nil
}

func (z *zipArchive) each(want []bool, fn func(i int, r io.Reader) error) error {
	for i, f := range z.list {
		if !want[i] {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return importErr(CodeCorruptArchive, "entry %s of %s cannot be read (%v); re-create the archive", quoted(f.Name), z.name, err)
		}
		g := &guardReader{r: rc, z: z, f: f}
		err = fn(i, g)
		rc.Close()
		z.comp += int64(f.CompressedSize64)
		if err != nil {
			return err
		}
	}
	return nil
}

// guardReader counts the bytes actually inflated and stops a bomb as soon as it shows,
// whatever the headers declared.
type guardReader struct {
	r io.Reader
	z *zipArchive
	f *zip.File
	n int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	g.z.read += int64(n)
	z := g.z
	switch {
	case z.read > z.lim.MaxUncompressedBytes:
		return n, importErr(CodeZipBomb, "%s expands to more than %d bytes (limit); upload a smaller dataset", z.name, z.lim.MaxUncompressedBytes)
	case g.n > entryRatioFloor && float64(g.n) > z.lim.MaxRatio*float64(g.f.CompressedSize64+1):
		return n, importErr(CodeZipBomb, "entry %s expands more than %.0f times, which marks a zip bomb", quoted(g.f.Name), z.lim.MaxRatio)
	case z.read > totalRatioFloor && float64(z.read) > z.lim.MaxRatio*float64(z.size):
		return n, importErr(CodeZipBomb, "%s expands more than %.0f times its size, which marks a zip bomb", z.name, z.lim.MaxRatio)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, importErr(CodeCorruptArchive, "entry %s of %s is damaged (%v); re-create the archive", quoted(g.f.Name), z.name, err)
	}
	return n, err
}
