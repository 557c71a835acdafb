package data

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// labelColumns are the header names taken as the label column, in preference order.
var labelColumns = []string{"label", "class", "target", "y"}

// importCSVFile reads a Kaggle-MNIST-style CSV: a header, a label column and one column
// per grey pixel (0-255), row-major, square images.
func importCSVFile(ctx context.Context, src, tmp, format string, size int64, o Options) (*Meta, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw := &countingReader{r: bufio.NewReaderSize(f, 1<<20)}
	var r io.Reader = raw
	if format == FormatCSVGz {
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return nil, importErr(CodeCorruptArchive, "%s is not a readable gzip (%v)", o.Name, err)
		}
		r = &countingReader{r: zr, check: func(n int64) error {
			if n > o.Limits.MaxUncompressedBytes || (n > totalRatioFloor && float64(n) > o.Limits.MaxRatio*float64(raw.n+1)) {
				return importErr(CodeZipBomb, "%s expands past the limits (%d bytes or %.0f times its size); upload a smaller file", o.Name, o.Limits.MaxUncompressedBytes, o.Limits.MaxRatio)
			}
			return nil
		}}
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, csvErr(o.Name, err)
	}
	labelCol := -1
	for _, want := range labelColumns {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), want) {
				labelCol = i
				break
			}
		}
		if labelCol >= 0 {
			break
		}
	}
	if labelCol < 0 {
		return nil, importErr(CodeBadLabel, "%s has no label column; the first line must be a header naming it \"label\" (e.g. label,pixel0,pixel1,...)", o.Name)
	}
	npix := len(header) - 1
	side := int(math.Sqrt(float64(npix)))
	if npix == 0 || side*side != npix {
		return nil, importErr(CodeUnsupportedFormat, "%s has %d pixel columns; expected a square grey image per row (e.g. 784 = 28x28)", o.Name, npix)
	}
	if int64(npix) > o.Limits.MaxPixels {
		return nil, importErr(CodeImageTooLarge, "%s rows hold %d pixels, over the limit of %d", o.Name, npix, o.Limits.MaxPixels)
	}
	channels := o.Channels
	if channels == 0 {
		channels = 1
	}
	// Labels are stored by value during the stream and compacted at the end, as the
	// set of classes is only known then.
	names := make([]string, 0, 16)
	b, err := newBuilder(tmp, o.Name, o, channels, names)
	if err != nil {
		return nil, err
	}
	b.report.Layout = "csv"
	rec := make([]byte, npix)
	t := b.target()
	row := 1
	err = func() error {
		for {
			row++
			fields, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return nil
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				b.report.FilesSeen++
				b.report.skip(fmt.Sprintf("row %d", row), fmt.Sprintf("%d fields where the header has %d", len(fields), len(header)))
				continue
			}
			if err != nil {
				return csvErr(o.Name, err)
			}
			if b.report.FilesSeen >= o.Limits.MaxEntries {
				return importErr(CodeTooManyEntries, "%s has more than %d rows (limit); upload a smaller dataset", o.Name, o.Limits.MaxEntries)
			}
			b.report.FilesSeen++
			v, err := strconv.Atoi(strings.TrimSpace(fields[labelCol]))
			if err != nil || v < 0 || v > 0xffff {
				return importErr(CodeBadLabel, "%s row %d: label %s is not a class number; labels must be integers from 0 to 65535", o.Name, row, quoted(fields[labelCol]))
			}
			k := 0
			for i, s := range fields {
				if i == labelCol {
					continue
				}
				p, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || p < 0 || p > 255 {
					return importErr(CodeBadPixel, "%s row %d column %s: %s is not a pixel value; use integers from 0 to 255", o.Name, row, quoted(header[i]), quoted(s))
				}
				rec[k] = byte(p)
				k++
			}
			for len(b.classes) <= v {
				b.classes = append(b.classes, strconv.Itoa(len(b.classes)))
			}
			sum := sha256.Sum256(rec)
			if err := b.add(idxRecord(rec, side, side, 1, t), v, fmt.Sprintf("row %08d", row), SplitTrain, &sum); err != nil {
				return err
			}
			if row%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if o.Progress != nil {
					o.Progress(Progress{BytesRead: raw.n, TotalBytes: size, ImagesDecoded: b.report.Imported})
				}
			}
		}
	}()
	if err == nil {
		err = b.report.failureCheck(o.Name)
	}
	if err == nil {
		b.compactLabels()
		var m *Meta
		if m, err = b.finish(FormatCSV); err == nil {
			return m, nil
		}
	}
	b.abort()
	return nil, err
}

func csvErr(name string, err error) error {
	var ie *ImportError
	if errors.As(err, &ie) {
		return ie
	}
	if errors.Is(err, io.EOF) {
		return importErr(CodeUnsupportedFormat, "%s is empty; a CSV needs a header line and one row per image", name)
	}
	return importErr(CodeUnsupportedFormat, "%s is not a readable CSV (%v); save it as comma-separated text with a header", name, err)
}

// compactLabels drops label values no row used, so labels 5..9 become 5 classes.
func (b *builder) compactLabels() {
	used := make([]bool, len(b.classes))
	for _, l := range b.cw.labels {
		used[l] = true
	}
	dense := make([]uint16, len(b.classes))
	var names []string
	for v, ok := range used {
		if ok {
			dense[v] = uint16(len(names))
			names = append(names, b.classes[v])
		}
	}
	for i, l := range b.cw.labels {
		b.cw.labels[i] = dense[l]
	}
	b.classes = names
}
