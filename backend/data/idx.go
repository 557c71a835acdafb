package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
)

// IDX is the format of the MNIST files: magic 0 0 <type> <ndims>, ndims big-endian
// uint32 sizes, then the data in row-major order.
const (
	idxUbyte = 0x08
)

var idxTypes = map[byte]string{0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "short", 0x0C: "int", 0x0D: "float", 0x0E: "double"}

func isIDXMagic(b []byte) bool {
	if len(b) < 4 || b[0] != 0 || b[1] != 0 {
		return false
	}
	_, ok := idxTypes[b[2]]
	return ok && b[3] >= 1 && b[3] <= 4
}

// idxFile is an IDX file found in an archive.
type idxFile struct {
	file int
	name string
	typ  byte
	dims []int
}

func (f idxFile) isLabels() bool { return len(f.dims) == 1 }

// ReadIDX reads an IDX file's magic and sizes, unwrapping gzip when present, and
// returns the reader of its values, their type (0x08 for unsigned bytes) and the sizes.
// It is the one IDX reader: uploads, the MNIST cache and pretraining all use it.
func ReadIDX(r io.Reader) (io.Reader, byte, []int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, nil, err
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	var magic [4]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil || !isIDXMagic(magic[:]) {
		return nil, 0, nil, fmt.Errorf("not an IDX file")
	}
	dims := make([]int, magic[3])
	for i := range dims {
		var d uint32
		if err := binary.Read(br, binary.BigEndian, &d); err != nil {
			return nil, 0, nil, fmt.Errorf("truncated IDX header")
		}
		dims[i] = int(d)
	}
	return br, magic[2], dims, nil
}

// findIDX peeks at each useful file and returns those that are IDX.
func findIDX(a archive, files []fileEntry, useful []int) ([]idxFile, error) {
	want := make([]bool, len(files))
	for _, i := range useful {
		want[i] = true
	}
	var out []idxFile
	err := a.each(want, func(i int, r io.Reader) error {
		if _, typ, dims, err := ReadIDX(r); err == nil {
			out = append(out, idxFile{file: i, name: files[i].Name, typ: typ, dims: dims})
		}
		return nil
	})
	return out, err
}

// idxPair is an images file with its labels file and the split it stands for.
type idxPair struct {
	images, labels idxFile
	tag            uint8
}

// pairIDX matches images to labels files: one pair, or a train and a test pair told
// apart by "t10k"/"test" in the names, as MNIST names them.
func pairIDX(found []idxFile, display string) ([]idxPair, bool, error) {
	var imgs, labs []idxFile
	for _, f := range found {
		if f.isLabels() {
			labs = append(labs, f)
		} else {
			imgs = append(imgs, f)
		}
	}
	isTest := func(n string) bool {
		n = strings.ToLower(n)
		return strings.Contains(n, "t10k") || strings.Contains(n, "test")
	}
	switch {
	case len(imgs) == 1 && len(labs) == 1:
		return []idxPair{{images: imgs[0], labels: labs[0]}}, false, nil
	case len(imgs) == 2 && len(labs) == 2:
		var pairs []idxPair
		for _, im := range imgs {
			for _, lb := range labs {
				if isTest(im.name) == isTest(lb.name) {
					tag := SplitTrain
					if isTest(im.name) {
						tag = SplitTest
					}
					pairs = append(pairs, idxPair{images: im, labels: lb, tag: tag})
				}
			}
		}
		if len(pairs) == 2 && pairs[0].tag != pairs[1].tag {
			return pairs, true, nil
		}
	}
	return nil, false, importErr(CodeUnsupportedFormat, "%s holds %d IDX images file(s) and %d labels file(s); put exactly one images and one labels file (or a train and a t10k/test pair of each) in the archive", display, len(imgs), len(labs))
}

// importIDX reads the labels of every pair, then streams the images.
func importIDX(ctx context.Context, a archive, files []fileEntry, found []idxFile, tmp string, size int64, o Options, report Report) (*Meta, error) {
	pairs, layout, err := pairIDX(found, o.Name)
	if err != nil {
		return nil, err
	}
	labels := map[int][]byte{}
	want := make([]bool, len(files))
	for _, p := range pairs {
		im, lb := p.images, p.labels
		if lb.typ != idxUbyte {
			return nil, importErr(CodeBadLabel, "labels file %s stores %s values; labels must be integer class numbers stored as unsigned bytes", quoted(lb.name), idxTypes[lb.typ])
		}
		if im.typ != idxUbyte || len(im.dims) < 3 || (len(im.dims) == 4 && im.dims[3] != 1 && im.dims[3] != 3) {
			return nil, importErr(CodeUnsupportedFormat, "images file %s is %s with shape %v; expected unsigned bytes shaped [n, rows, cols] or [n, rows, cols, 1|3]", quoted(im.name), idxTypes[im.typ], im.dims)
		}
		if im.dims[0] != lb.dims[0] {
			return nil, importErr(CodeIDXMismatch, "%s has %d images but %s has %d labels; upload the files that belong together", quoted(im.name), im.dims[0], quoted(lb.name), lb.dims[0])
		}
		if int64(im.dims[1])*int64(im.dims[2]) > o.Limits.MaxPixels {
			return nil, importErr(CodeImageTooLarge, "%s holds %dx%d images, over the limit of %d pixels", quoted(im.name), im.dims[1], im.dims[2], o.Limits.MaxPixels)
		}
		if int64(lb.dims[0]) > int64(o.Limits.MaxEntries) {
			return nil, importErr(CodeTooManyEntries, "%s holds %d images, more than the limit of %d", quoted(im.name), lb.dims[0], o.Limits.MaxEntries)
		}
		want[lb.file] = true
	}
	err = a.each(want, func(i int, r io.Reader) error {
		br, _, dims, err := ReadIDX(r)
		if err != nil {
			return err
		}
		b := make([]byte, dims[0])
		if _, err := io.ReadFull(br, b); err != nil {
			return importErr(CodeIDXMismatch, "labels file %s is shorter than its header says; upload the complete file", quoted(files[i].Name))
		}
		labels[i] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Class names are the label numbers; labels index the names in numeric order.
	var present [256]bool
	for _, b := range labels {
		for _, v := range b {
			present[v] = true
		}
	}
	var classes []string
	var dense [256]int
	for v, ok := range present {
		if ok {
			dense[v] = len(classes)
			classes = append(classes, strconv.Itoa(v))
		}
	}
	if len(classes) < 2 {
		return nil, importErr(CodeTooFewClasses, "the labels of %s hold %d distinct class(es); a classifier needs at least 2", o.Name, len(classes))
	}
	channels := o.Channels
	if channels == 0 {
		channels = 1
		if len(pairs[0].images.dims) == 4 && pairs[0].images.dims[3] == 3 {
			channels = 3
		}
	}
	count := 0
	for _, p := range pairs {
		count += p.labels.dims[0]
	}
	sized := o
	sized.size(channels)
	if err := checkBudget(o.Name, tmp, count, len(classes), channels, sized.Height, sized.Width, o.Limits); err != nil {
		return nil, err
	}
	bld, err := newBuilder(tmp, o.Name, o, channels, classes)
	if err != nil {
		return nil, err
	}
	bld.report = report
	bld.report.Layout = "idx"
	bld.layout = layout
	want = make([]bool, len(files))
	pairOf := map[int]idxPair{}
	for _, p := range pairs {
		want[p.images.file] = true
		pairOf[p.images.file] = p
	}
	total := 0
	for _, p := range pairs {
		total += p.images.dims[0]
	}
	t := bld.target()
	done := 0
	err = a.each(want, func(i int, r io.Reader) error {
		p := pairOf[i]
		br, _, dims, err := ReadIDX(r)
		if err != nil {
			return err
		}
		ch := 1
		if len(dims) == 4 {
			ch = dims[3]
		}
		rec := make([]byte, dims[1]*dims[2]*ch)
		lab := labels[p.labels.file]
		for k := 0; k < dims[0]; k++ {
			if _, err := io.ReadFull(br, rec); err != nil {
				return importErr(CodeIDXMismatch, "%s ends after %d of the %d images its header declares; upload the complete file", quoted(p.images.name), k, dims[0])
			}
			bld.report.FilesSeen++
			sum := sha256.Sum256(rec)
			pix := idxRecord(rec, dims[1], dims[2], ch, t)
			if err := bld.add(pix, dense[lab[k]], fmt.Sprintf("%s#%08d", p.images.name, k), p.tag, &sum); err != nil {
				return err
			}
			done++
			if done%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if o.Progress != nil {
					o.Progress(Progress{BytesRead: a.bytesRead(), TotalBytes: size, ImagesDecoded: done, ImagesTotal: total})
				}
			}
		}
		return nil
	})
	if err == nil {
		var m *Meta
		if m, err = bld.finish(FormatIDX); err == nil {
			return m, nil
		}
	}
	bld.abort()
	return nil, err
}

// idxRecord converts one row-major (HWC) record to the target tensor.
func idxRecord(rec []byte, h, w, ch int, t target) []byte {
	if ch == 1 && t.c == 1 && h == t.h && w == t.w {
		return bytes.Clone(rec)
	}
	var img image.Image
	if ch == 1 {
		img = &image.Gray{Pix: rec, Stride: w, Rect: image.Rect(0, 0, w, h)}
	} else {
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < h*w; i++ {
			copy(rgba.Pix[4*i:4*i+3], rec[3*i:3*i+3])
			rgba.Pix[4*i+3] = 0xff
		}
		img = rgba
	}
	return toTensor(img, t)
}
