package data

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

// The tensor cache is one file per dataset, written once at import and read by
// training, previews and stats:
//
//	header (64 bytes, little endian) | pixels: count × C×H×W uint8, each image planar (CHW)
//	| labels: count × uint16 | splits: count × uint8 (0 train, 1 val, 2 test)
//
// Pixels come first so the importer can stream them out before it knows how many images
// will survive; labels and splits are appended at the end and the header patched. The
// fixed offsets make the file easy to mmap or to read with ReadAt.
const (
	cacheMagic      = "TLCACHE1"
	cacheVersion    = 1
	cacheHeaderSize = 64
)

// Split codes stored per image in the cache.
const (
	SplitTrain uint8 = 0
	SplitVal   uint8 = 1
	SplitTest  uint8 = 2
)

// SplitNames are the split names in code order.
var SplitNames = [3]string{"train", "val", "test"}

type cacheHeader struct {
	Magic                           [8]byte
	Version                         uint32
	Channels, Height, Width         uint32
	Count                           uint64
	Classes                         uint32
	_                               uint32
	PixelsOff, LabelsOff, SplitsOff uint64
}

// cacheWriter streams images into a new cache file.
type cacheWriter struct {
	f       *os.File
	bw      *bufio.Writer
	c, h, w int
	labels  []uint16
	// moments holds each image's per-channel sum and sum of squares, so mean/std can
	// be computed per split once the split is known, without a second pass.
	moments []float64
}

func newCacheWriter(path string, c, h, w int) (*cacheWriter, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	cw := &cacheWriter{f: f, bw: bufio.NewWriterSize(f, 1<<20), c: c, h: h, w: w}
	if _, err := cw.bw.Write(make([]byte, cacheHeaderSize)); err != nil {
		f.Close()
		return nil, err
	}
	return cw, nil
}

func (cw *cacheWriter) count() int { return len(cw.labels) }

func (cw *cacheWriter) add(pix []byte, label int) error {
	if len(pix) != cw.c*cw.h*cw.w {
		return fmt.Errorf("cache: image of %d bytes, want %d", len(pix), cw.c*cw.h*cw.w)
	}
	if label < 0 || label > 0xffff {
		return fmt.Errorf("cache: label %d out of range", label)
	}
	plane := cw.h * cw.w
	for ch := 0; ch < cw.c; ch++ {
		var s, s2 float64
		for _, v := range pix[ch*plane : (ch+1)*plane] {
			f := float64(v)
			s += f
			s2 += f * f
		}
		cw.moments = append(cw.moments, s, s2)
	}
	cw.labels = append(cw.labels, uint16(label))
	_, err := cw.bw.Write(pix)
	return err
}

// finish appends labels and splits, patches the header and closes the file.
func (cw *cacheWriter) finish(splits []uint8, classes int) error {
	defer cw.f.Close()
	n := len(cw.labels)
	if len(splits) != n {
		return fmt.Errorf("cache: %d splits for %d images", len(splits), n)
	}
	if err := binary.Write(cw.bw, binary.LittleEndian, cw.labels); err != nil {
		return err
	}
	if _, err := cw.bw.Write(splits); err != nil {
		return err
	}
	if err := cw.bw.Flush(); err != nil {
		return err
	}
	pixOff := uint64(cacheHeaderSize)
	labOff := pixOff + uint64(n)*uint64(cw.c*cw.h*cw.w)
	hdr := cacheHeader{Version: cacheVersion, Channels: uint32(cw.c), Height: uint32(cw.h), Width: uint32(cw.w),
		Count: uint64(n), Classes: uint32(classes), PixelsOff: pixOff, LabelsOff: labOff, SplitsOff: labOff + 2*uint64(n)}
	copy(hdr.Magic[:], cacheMagic)
	var buf bytes.Buffer
	if err := binary.Write(&buf, binary.LittleEndian, hdr); err != nil {
		return err
	}
	if _, err := cw.f.WriteAt(buf.Bytes(), 0); err != nil {
		return err
	}
	return cw.f.Sync()
}

// abort closes the file; the caller removes the folder it lives in.
func (cw *cacheWriter) abort() { cw.f.Close() }

// Cache is an open tensor cache, mapped into memory read-only: the OS pages pixels in
// as training touches them and shares them between readers, so opening a large dataset
// costs no heap. It is safe for concurrent readers.
type Cache struct {
	data    []byte // the whole file; never write to it
	unmap   func() error
	hdr     cacheHeader
	Labels  []uint16
	Splits  []uint8
	imgSize int
}

// OpenCache opens a cache file written by an import or a built-in dataset.
func OpenCache(path string) (*Cache, error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, err
	}
	c, err := parseCache(data)
	if err != nil {
		unmap()
		return nil, fmt.Errorf("tensor cache %s: %w (rebuild the dataset from its upload)", path, err)
	}
	c.unmap = unmap
	return c, nil
}

func parseCache(data []byte) (*Cache, error) {
	var hdr cacheHeader
	if len(data) < cacheHeaderSize {
		return nil, fmt.Errorf("too short")
	}
	if err := binary.Read(bytes.NewReader(data[:cacheHeaderSize]), binary.LittleEndian, &hdr); err != nil {
		return nil, err
	}
	if string(hdr.Magic[:]) != cacheMagic || hdr.Version != cacheVersion {
		return nil, fmt.Errorf("not a version %d cache", cacheVersion)
	}
	n := hdr.Count
	img := uint64(hdr.Channels) * uint64(hdr.Height) * uint64(hdr.Width)
	if img == 0 || hdr.PixelsOff != cacheHeaderSize || hdr.LabelsOff != hdr.PixelsOff+n*img ||
		hdr.SplitsOff != hdr.LabelsOff+2*n || uint64(len(data)) != hdr.SplitsOff+n {
		return nil, fmt.Errorf("header does not match the file size (truncated?)")
	}
	c := &Cache{data: data, hdr: hdr, Labels: make([]uint16, n), Splits: data[hdr.SplitsOff:], imgSize: int(img)}
	for i := range c.Labels {
		c.Labels[i] = binary.LittleEndian.Uint16(data[hdr.LabelsOff+2*uint64(i):])
	}
	for i, l := range c.Labels {
		if uint32(l) >= hdr.Classes || c.Splits[i] > SplitTest {
			return nil, fmt.Errorf("image %d has label %d or split %d out of range", i, l, c.Splits[i])
		}
	}
	return c, nil
}

// Len is the number of images in the cache.
func (c *Cache) Len() int { return len(c.Labels) }

// Shape is channels, height and width of every image.
func (c *Cache) Shape() (ch, h, w int) {
	return int(c.hdr.Channels), int(c.hdr.Height), int(c.hdr.Width)
}

// NumClasses is the number of classes the labels index.
func (c *Cache) NumClasses() int { return int(c.hdr.Classes) }

// ImageSize is C×H×W, the bytes of one image.
func (c *Cache) ImageSize() int { return c.imgSize }

// Image returns image i, planar CHW. The slice aliases the read-only mapping: copy it
// before changing it. It panics if i is out of range, like indexing a slice.
func (c *Cache) Image(i int) []byte {
	off := cacheHeaderSize + i*c.imgSize
	return c.data[off : off+c.imgSize : off+c.imgSize]
}

// Close unmaps the file; no slice from Image may be used afterwards.
func (c *Cache) Close() error {
	if c.unmap == nil {
		return nil
	}
	err := c.unmap()
	c.unmap = nil
	return err
}
