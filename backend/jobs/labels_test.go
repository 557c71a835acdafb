package jobs

import (
	"context"
	"testing"

	"transferlab/backend/datadir"
	"transferlab/backend/train"
)

// Each image's one pixel is its position, so a pick can be read back from Fill.
func positionsDataset(t *testing.T, classes, perClass int) *train.SliceDataset {
	t.Helper()
	n := classes * perClass
	x, y := make([]float32, n), make([]int, n)
	for i := range n {
		x[i], y[i] = float32(i), (i*7)%classes // classes interleaved, as in a real split
	}
	ds, err := train.NewSliceDataset(1, 1, 1, classes, x, y)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// keyedSlice is a dataset that names its images, as an opened dataset does.
type keyedSlice struct{ *train.SliceDataset }

func (keyedSlice) DataKey() string { return "digits" }

func picked(ds train.Dataset) (map[int]bool, map[int]int) {
	idx := make([]int, ds.Len())
	for i := range idx {
		idx[i] = i
	}
	x, y := make([]float32, len(idx)), make([]int, len(idx))
	ds.Fill(idx, x, y)
	set, counts := map[int]bool{}, map[int]int{}
	for i := range idx {
		set[int(x[i])] = true
		counts[y[i]]++
	}
	return set, counts
}

func TestPerClassPickIsStratifiedAndNested(t *testing.T) {
	ds := positionsDataset(t, 5, 40)
	for _, seed := range []int64{1, 2, 3} {
		var smaller map[int]bool
		for _, n := range []int{1, 2, 5, 10, 20, 40} {
			set, counts := picked(perClassPick(ds, n, seed))
			for c := range 5 {
				if counts[c] != n {
					t.Fatalf("seed %d, %d per class: class %d has %d images", seed, n, c, counts[c])
				}
			}
			for p := range smaller {
				if !set[p] {
					t.Fatalf("seed %d: the %d-per-class pick lost image %d of the smaller pick", seed, n, p)
				}
			}
			smaller = set
		}
	}
	a, _ := picked(perClassPick(ds, 5, 1))
	b, _ := picked(perClassPick(ds, 5, 2))
	same := 0
	for p := range a {
		if b[p] {
			same++
		}
	}
	if same == len(a) {
		t.Fatal("two seeds drew the same 5-per-class pick: replicates would not vary the data")
	}
	keyed := keyedSlice{ds}
	k5, k10, k5b := perClassPick(keyed, 5, 1).(train.Keyed), perClassPick(keyed, 10, 1).(train.Keyed), perClassPick(keyed, 5, 2).(train.Keyed)
	if k5.DataKey() == keyed.DataKey() || k5.DataKey() == k10.DataKey() || k5.DataKey() == k5b.DataKey() {
		t.Fatalf("picks share a data key with the whole or each other: %q %q %q", k5.DataKey(), k10.DataKey(), k5b.DataKey())
	}
	if got := perClassPick(ds, 0, 1); got != train.Dataset(ds) {
		t.Fatal("0 per class should train on the whole split")
	}
	if _, counts := picked(perClassPick(ds, 500, 1)); counts[0] != 40 {
		t.Fatalf("asking for more than a class holds gives all of it, got %d", counts[0])
	}
}

// On the real few-shot digits, as a run opens them: the 10-per-class pick of a
// replicate holds its 5-per-class pick, image for image.
func TestPerClassPickIsNestedOnRealImages(t *testing.T) {
	l := openLab(t, t.TempDir())
	images := func(ds train.Dataset) map[string]int {
		c, h, w := ds.Shape()
		size := c * h * w
		out := map[string]int{}
		for i := range ds.Len() {
			x, y := make([]float32, size), make([]int, 1)
			ds.Fill([]int{i}, x, y)
			key := make([]byte, 0, size)
			for _, v := range x {
				key = append(key, byte(v*255))
			}
			out[string(key)] = y[0]
		}
		return out
	}
	for _, seed := range []int64{1, 2} {
		data, err := StoreDatasets{DB: l.db, DataDir: datadir.New(l.dir)}.Open(context.Background(), "mnist-5-9-50", nil, seed)
		if err != nil {
			t.Fatal(err)
		}
		five, ten := images(perClassPick(data.Train, 5, seed)), images(perClassPick(data.Train, 10, seed))
		data.Close()
		if len(five) != 25 || len(ten) != 50 {
			t.Fatalf("seed %d: %d and %d distinct images, want 25 and 50", seed, len(five), len(ten))
		}
		for img, y := range five {
			if got, ok := ten[img]; !ok || got != y {
				t.Fatalf("seed %d: an image of the 5-per-class pick is not in the 10-per-class one", seed)
			}
		}
	}
}
