package data

import (
	"os"
	"path/filepath"
)

// builder collects decoded images into a new cache and turns them into a dataset folder.
type builder struct {
	dir     string
	display string
	opts    Options
	cw      *cacheWriter
	keys    []string
	tags    []uint8
	layout  bool
	report  Report
	seen    map[[32]byte]dupRef
	classes []string
}

type dupRef struct {
	file  string
	label uint16
}

func newBuilder(dir, display string, o Options, c int, classes []string) (*builder, error) {
	o.size(c)
	cw, err := newCacheWriter(filepath.Join(dir, CacheFile), c, o.Height, o.Width)
	if err != nil {
		return nil, err
	}
	return &builder{dir: dir, display: display, opts: o, cw: cw, classes: classes, seen: map[[32]byte]dupRef{}}, nil
}

func (b *builder) target() target { return target{b.cw.c, b.cw.h, b.cw.w} }

// add appends one image. key orders images before the split shuffle; sum, when not
// zero, is the sha256 of the source bytes for duplicate detection.
func (b *builder) add(pix []byte, label int, key string, tag uint8, sum *[32]byte) error {
	if sum != nil {
		if prev, ok := b.seen[*sum]; ok {
			b.report.duplicate(Duplicate{File: key, Class: b.classes[label], SameAs: prev.file,
				SameAsClass: b.classes[prev.label], AcrossClasses: prev.label != uint16(label)})
		} else {
			b.seen[*sum] = dupRef{file: key, label: uint16(label)}
		}
	}
	// Formats that do not say their image count up front (CSV) are held to the cache
	// limit as they stream.
	if int64(b.cw.count()+1)*int64(len(pix)) > b.opts.Limits.MaxCacheBytes {
		return importErr(CodeCacheTooLarge, "%s makes a cache over the limit of %s at image %d: import fewer or smaller images, or start the server with a larger --max-cache-bytes",
			b.display, mib(b.opts.Limits.MaxCacheBytes), b.cw.count()+1)
	}
	b.keys = append(b.keys, key)
	b.tags = append(b.tags, tag)
	b.report.Imported++
	return b.cw.add(pix, label)
}

// finish validates the classes, splits, writes the cache and returns the metadata.
func (b *builder) finish(format string) (*Meta, error) {
	if len(b.classes) > b.opts.Limits.MaxClasses {
		return nil, tooManyClasses(b.display, len(b.classes), b.opts.Limits.MaxClasses)
	}
	infos, _ := classInfos(b.classes, b.cw.labels, make([]uint8, b.cw.count()))
	if err := checkClasses(infos, b.display); err != nil {
		return nil, err
	}
	splits := assignSplits(b.cw.labels, b.keys, b.tags, b.layout, len(b.classes), b.opts)
	infos, totals := classInfos(b.classes, b.cw.labels, splits)
	stats := trainStats(b.cw.moments, splits, b.cw.c, b.cw.h*b.cw.w)
	if err := b.cw.finish(splits, len(b.classes)); err != nil {
		return nil, err
	}
	o := b.opts
	m := &Meta{Format: format, Channels: b.cw.c, Height: b.cw.h, Width: b.cw.w, NumImages: b.cw.count(),
		Classes: infos, Splits: totals, Stats: stats, Report: b.report, Seed: o.Seed, Fractions: [3]float64{o.Train, o.Val, o.Test}}
	return m, nil
}

func (b *builder) abort() { b.cw.abort() }

// keepUpload stores the original next to the cache so the dataset can be rebuilt with
// other options; a hard link costs nothing when the temp file shares the disk.
func keepUpload(src, dir, format string) (string, error) {
	name := uploadBase + "." + format
	dst := filepath.Join(dir, name)
	if err := os.Link(src, dst); err == nil {
		return name, nil
	}
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return "", err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return "", err
	}
	return name, out.Close()
}
