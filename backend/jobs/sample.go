package jobs

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"transferlab/backend/train"
)

// sampled is a fixed subset of a dataset, by position.
type sampled struct {
	train.Dataset
	idx  []int
	buf  []int
	pick string // how idx was drawn, for DataKey
}

// DataKey names the subset when the whole names its images: the same whole, limit and
// seed draw the same images.
func (s *sampled) DataKey() string {
	if k, ok := s.Dataset.(train.Keyed); ok && k.DataKey() != "" {
		return k.DataKey() + s.pick
	}
	return ""
}

func (s *sampled) Len() int { return len(s.idx) }

func (s *sampled) Fill(idx []int, x []float32, y []int) {
	s.buf = s.buf[:0]
	for _, i := range idx {
		s.buf = append(s.buf, s.idx[i])
	}
	s.Dataset.Fill(s.buf, x, y)
}

// sampleSplit returns limit images of ds drawn with seed, in their original order, or
// ds itself when it is no larger. Every arm of an experiment draws the same sample.
func sampleSplit(ds train.Dataset, limit int, seed uint64) train.Dataset {
	if ds == nil || limit <= 0 || ds.Len() <= limit {
		return ds
	}
	rng := rand.New(rand.NewPCG(seed, 0x76616c))
	idx := rng.Perm(ds.Len())[:limit]
	sort.Ints(idx)
	return &sampled{Dataset: ds, idx: idx, pick: fmt.Sprintf("|%d of %d, seed %d", limit, ds.Len(), seed)}
}
