package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Dataset is an opened dataset folder, or a view of one (a subset of classes, a few
// images per class). Views share the underlying cache; Close the root only.
type Dataset struct {
	Meta  *Meta
	cache *Cache
	// members lists the cache images of this view per split; labels maps a cache label
	// to this view's label (-1: not in the view).
	members [3][]int
	labels  []int
	classes []string
	// source names the cache file as opened (path, size, time written), so views of
	// the same file opened by different runs name the same images.
	source string
}

// Open opens the dataset folder dir written by Import or a built-in builder.
func Open(dir string) (*Dataset, error) {
	m, err := ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	c, err := OpenCache(filepath.Join(dir, CacheFile))
	if err != nil {
		return nil, err
	}
	if c.NumClasses() != len(m.Classes) {
		c.Close()
		return nil, fmt.Errorf("dataset %s: cache has %d classes, meta.json %d", dir, c.NumClasses(), len(m.Classes))
	}
	ds := &Dataset{Meta: m, cache: c, labels: make([]int, len(m.Classes)), classes: m.ClassNames()}
	// Without a name the views name no data, and nothing computed from them is shared.
	if st, err := os.Stat(filepath.Join(dir, CacheFile)); err == nil {
		if abs, err := filepath.Abs(dir); err == nil {
			ds.source = fmt.Sprintf("%s|%d|%d", abs, st.Size(), st.ModTime().UnixNano())
		}
	}
	for i := range ds.labels {
		ds.labels[i] = i
	}
	for i, s := range c.Splits {
		ds.members[s] = append(ds.members[s], i)
	}
	return ds, nil
}

// Close releases the cache. Views of the dataset must not be used afterwards.
func (d *Dataset) Close() error { return d.cache.Close() }

// Classes names the classes of this view in label order.
func (d *Dataset) Classes() []string { return d.classes }

// Shape is channels, height and width of every image.
func (d *Dataset) Shape() (c, h, w int) { return d.cache.Shape() }

// Len counts the images of the view in all splits.
func (d *Dataset) Len() int { return len(d.members[0]) + len(d.members[1]) + len(d.members[2]) }

// ClassInfos counts images per class and split in this view.
func (d *Dataset) ClassInfos() ([]ClassInfo, SplitCounts) {
	out := make([]ClassInfo, len(d.classes))
	for i, n := range d.classes {
		out[i].Name = n
	}
	var total SplitCounts
	for s, idx := range d.members {
		for _, i := range idx {
			l := d.labels[d.cache.Labels[i]]
			out[l].Count++
			out[l].Splits.add(uint8(s))
			total.add(uint8(s))
		}
	}
	return out, total
}

// Subset is a view of the named classes only, relabelled 0..len(classes)-1 in the
// order given: Subset("5","6","7","8","9") makes MNIST 5-9 a 5-class dataset.
func (d *Dataset) Subset(classes ...string) (*Dataset, error) {
	pos := map[string]int{}
	for i, n := range d.classes {
		pos[n] = i
	}
	v := &Dataset{Meta: d.Meta, cache: d.cache, labels: make([]int, len(d.labels)), classes: classes, source: d.source}
	mine := make([]int, len(d.classes)) // this view's label per parent label
	for i := range mine {
		mine[i] = -1
	}
	for i, n := range classes {
		p, ok := pos[n]
		if !ok {
			return nil, fmt.Errorf("dataset has no class %q", n)
		}
		mine[p] = i
	}
	for cl, l := range d.labels {
		v.labels[cl] = -1
		if l >= 0 {
			v.labels[cl] = mine[l]
		}
	}
	for s, idx := range d.members {
		for _, i := range idx {
			if v.labels[d.cache.Labels[i]] >= 0 {
				v.members[s] = append(v.members[s], i)
			}
		}
	}
	return v, nil
}

// FewShot is a view keeping n training images per class, picked with seed; val and
// test stay whole so accuracy is measured on the same images as the full dataset.
func (d *Dataset) FewShot(n int, seed int64) *Dataset {
	v := *d
	byClass := make([][]int, len(d.classes))
	for _, i := range d.members[SplitTrain] {
		l := d.labels[d.cache.Labels[i]]
		byClass[l] = append(byClass[l], i)
	}
	var train []int
	for c, idx := range byClass {
		idx = append([]int(nil), idx...)
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(c)))
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		train = append(train, idx[:min(n, len(idx))]...)
	}
	// Back to cache order, so batches do not come class by class.
	slices.Sort(train)
	v.members[SplitTrain] = train
	return &v
}

// Split is the view of one split, "train", "val" or "test", that training reads.
func (d *Dataset) Split(name string) (*SplitView, error) {
	for s, n := range SplitNames {
		if n == name {
			if uint8(s) == SplitVal && d.Meta.ValIsTest {
				s = int(SplitTest)
			}
			return &SplitView{ds: d, idx: d.members[s], key: new(splitKey)}, nil
		}
	}
	return nil, fmt.Errorf("no split %q: use train, val or test", name)
}

// SplitView is one split of a dataset in the shape the training engine reads:
// Len, Shape, NumClasses and Fill.
type SplitView struct {
	ds  *Dataset
	idx []int
	key *splitKey
}

type splitKey struct {
	once sync.Once
	s    string
}

// DataKey names the split's images, labels and order: the cache file, the view's
// labelling and the images picked, so two runs that open the same view share what
// they compute from it. It is empty when the file could not be named.
func (s *SplitView) DataKey() string {
	s.key.once.Do(func() {
		if s.ds.source == "" {
			return
		}
		h := sha256.New()
		h.Write([]byte(s.ds.source))
		var b [8]byte
		for _, xs := range [][]int{s.ds.labels, {-2}, s.idx} {
			for _, x := range xs {
				binary.LittleEndian.PutUint64(b[:], uint64(x))
				h.Write(b[:])
			}
		}
		s.key.s = "split:" + hex.EncodeToString(h.Sum(nil))
	})
	return s.key.s
}

// Len is the number of images in the split.
func (s *SplitView) Len() int { return len(s.idx) }

// Shape is channels, height and width of every image.
func (s *SplitView) Shape() (c, h, w int) { return s.ds.cache.Shape() }

// NumClasses is the number of classes of the dataset view.
func (s *SplitView) NumClasses() int { return len(s.ds.classes) }

// Label is the class of image i of the split.
func (s *SplitView) Label(i int) int { return s.ds.labels[s.ds.cache.Labels[s.idx[i]]] }

// Image returns image i of the split, planar CHW bytes; read-only.
func (s *SplitView) Image(i int) []byte { return s.ds.cache.Image(s.idx[i]) }

// scale maps a byte to [0,1] without a division per pixel.
var scale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// Fill writes the images idx (positions in the split) into x as NCHW float32 in [0,1]
// and their labels into y. x must hold len(idx)×C×H×W values and y len(idx). It panics
// on an out-of-range position, like indexing a slice: positions come from the caller's
// own shuffle of 0..Len()-1, never from users.
func (s *SplitView) Fill(idx []int, x []float32, y []int) {
	size := s.ds.cache.ImageSize()
	for k, i := range idx {
		px := s.ds.cache.Image(s.idx[i])
		dst := x[k*size : (k+1)*size]
		for j, b := range px {
			dst[j] = scale[b]
		}
		y[k] = s.Label(i)
	}
}
