package jobs

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"transferlab/backend/train"
)

// labeller is a dataset that tells an image's class without decoding it.
type labeller interface {
	Label(i int) int
}

// labelsOf reads every image's class, from the labels where the dataset keeps them
// apart and otherwise by filling a batch at a time.
func labelsOf(ds train.Dataset) []int {
	out := make([]int, ds.Len())
	if l, ok := ds.(labeller); ok {
		for i := range out {
			out[i] = l.Label(i)
		}
		return out
	}
	c, h, w := ds.Shape()
	const batch = 256
	x := make([]float32, batch*c*h*w)
	idx := make([]int, 0, batch)
	for start := 0; start < len(out); start += batch {
		idx = idx[:0]
		for i := start; i < min(start+batch, len(out)); i++ {
			idx = append(idx, i)
		}
		ds.Fill(idx, x[:len(idx)*c*h*w], out[start:start+len(idx)])
	}
	return out
}

// perClassPick returns n images of each class of ds drawn with seed, in their original
// order, or ds itself for n <= 0. Each class is shuffled by its own generator and the
// first n taken, so for one seed the picks are nested: the 10-per-class pick holds the
// 5-per-class one, and a labels sweep adds images without swapping any. A class with
// fewer than n images gives all of them.
func perClassPick(ds train.Dataset, n int, seed int64) train.Dataset {
	if ds == nil || n <= 0 {
		return ds
	}
	byClass := map[int][]int{}
	for i, y := range labelsOf(ds) {
		byClass[y] = append(byClass[y], i)
	}
	var idx []int
	for c, members := range byClass {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x6c61626c<<8|uint64(c)))
		rng.Shuffle(len(members), func(a, b int) { members[a], members[b] = members[b], members[a] })
		idx = append(idx, members[:min(n, len(members))]...)
	}
	if len(idx) == ds.Len() {
		return ds
	}
	// Back to the dataset's order, so batches do not come class by class.
	slices.Sort(idx)
	// The pick names itself in DataKey, so cached frozen outputs of the whole split are
	// never taken for the pick's, nor one seed's pick for another's.
	return &sampled{Dataset: ds, idx: idx, pick: fmt.Sprintf("|%d per class, seed %d", n, seed)}
}
