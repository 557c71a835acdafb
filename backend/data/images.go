package data

import (
	"bytes"
	"context"
	"image"
	"io"
	"sort"
	"sync/atomic"
)

// channelSample is how many images the channel majority is taken over.
const channelSample = 256

// candidate is an archive file inside a class folder.
type candidate struct {
	file  int // index into the archive's files
	name  string
	label int
	tag   uint8
	split bool
}

// importArchive imports a zip or tar of class folders, or an IDX pair inside one.
func importArchive(ctx context.Context, a archive, tmp, format string, size int64, o Options) (*Meta, error) {
	files, err := a.files()
	if err != nil {
		return nil, err
	}
	var report Report
	var useful []int
	for i, f := range files {
		if isJunk(f.Name) {
			report.ignore(f.Name)
			continue
		}
		useful = append(useful, i)
	}
	// IDX pairs come as a handful of files; only then is peeking at each one cheap.
	if len(useful) <= 8 {
		idx, err := findIDX(a, files, useful)
		if err != nil {
			return nil, err
		}
		if len(idx) > 0 {
			return importIDX(ctx, a, files, idx, tmp, size, o, report)
		}
	}

	names := map[string]int{}
	var cands []candidate
	for _, i := range useful {
		class, tag, hasTag := classOf(files[i].Name)
		if class == "" {
			report.ignore(files[i].Name)
			continue
		}
		if _, ok := names[class]; !ok {
			names[class] = len(names)
		}
		cands = append(cands, candidate{file: i, name: files[i].Name, label: -1, tag: tag, split: hasTag})
		cands[len(cands)-1].label = names[class]
	}
	classes := make([]string, 0, len(names))
	for n := range names {
		classes = append(classes, n)
	}
	sort.Strings(classes)
	if err := checkClassNames(o.Name, "class folder", classes); err != nil {
		return nil, err
	}
	remap := make([]int, len(classes))
	for i, n := range classes {
		remap[names[n]] = i
	}
	layout := len(cands) > 0
	for i := range cands {
		cands[i].label = remap[cands[i].label]
		layout = layout && cands[i].split
	}
	report.FilesSeen = len(cands)
	if len(cands) == 0 {
		return nil, report.failureCheck(o.Name)
	}
	if len(classes) < 2 {
		return nil, importErr(CodeTooFewClasses, "%s has a single class folder %s; a classifier needs at least 2: put each class's images in its own folder (<class>/<image>)", o.Name, quoted(classes[0]))
	}

	channels := o.Channels
	if channels == 0 {
		if channels, err = majorityChannels(a, len(files), cands, &report); err != nil {
			return nil, err
		}
	}
	sized := o
	sized.size(channels)
	if err := checkBudget(o.Name, tmp, len(cands), len(classes), channels, sized.Height, sized.Width, o.Limits); err != nil {
		return nil, err
	}
	b, err := newBuilder(tmp, o.Name, o, channels, classes)
	if err != nil {
		return nil, err
	}
	b.report = report
	b.layout = layout
	if layout {
		b.report.Layout = "train/val/test folders"
	} else {
		b.report.Layout = "class folders"
	}
	if err := decodeCandidates(ctx, a, len(files), cands, b, size, o); err != nil {
		b.abort()
		return nil, err
	}
	if err := b.report.failureCheck(o.Name); err != nil {
		b.abort()
		return nil, err
	}
	m, err := b.finish(format)
	if err != nil {
		b.abort()
	}
	return m, err
}

// majorityChannels picks grey or RGB by what most of an evenly spread sample of the
// images are, reading only their headers.
func majorityChannels(a archive, nfiles int, cands []candidate, r *Report) (int, error) {
	want := make([]bool, nfiles)
	step := max(1, len(cands)/channelSample)
	for i := 0; i < len(cands); i += step {
		want[cands[i].file] = true
	}
	grey, colour := 0, 0
	err := a.each(want, func(_ int, rd io.Reader) error {
		cfg, _, err := image.DecodeConfig(rd)
		switch {
		case err != nil:
		case isGreyModel(cfg.ColorModel):
			grey++
		default:
			colour++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if colour > grey {
		r.note("stored as RGB: %d of %d sampled images have colour", colour, grey+colour)
		return 3, nil
	}
	r.note("stored as grey: %d of %d sampled images are grey", grey, grey+colour)
	return 1, nil
}

// decodeCandidates streams every candidate through the worker pool into the builder.
func decodeCandidates(ctx context.Context, a archive, nfiles int, cands []candidate, b *builder, size int64, o Options) error {
	want := make([]bool, nfiles)
	byFile := make(map[int]int, len(cands))
	for i, c := range cands {
		want[c.file] = true
		byFile[c.file] = i
	}
	var readBytes atomic.Int64
	feed := func(send func(decodeJob) error) error {
		return a.each(want, func(i int, r io.Reader) error {
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(r); err != nil {
				return err
			}
			readBytes.Store(a.bytesRead())
			return send(decodeJob{seq: byFile[i], name: cands[byFile[i]].name, data: buf.Bytes()})
		})
	}
	done := 0
	sink := func(r decodeResult) error {
		done++
		if o.Progress != nil && (done%512 == 0 || done == len(cands)) {
			o.Progress(Progress{BytesRead: readBytes.Load(), TotalBytes: size, ImagesDecoded: done, ImagesTotal: len(cands)})
		}
		if r.err != nil {
			if isSkip(r.err) {
				b.report.skip(r.name, r.err.Error())
				return nil
			}
			return r.err
		}
		c := cands[r.seq]
		return b.add(r.pix, c.label, c.name, c.tag, &r.sum)
	}
	return decodeOrdered(ctx, o.Workers, feed, decodeWith(o.Limits.MaxPixels, b.target()), sink)
}
