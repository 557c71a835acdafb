package data

import (
	"math"
	"math/rand/v2"
	"sort"
)

// assignSplits gives each image a split. With a train/val/test layout in the upload the
// layout wins (a missing val is carved out of train); otherwise each class is split
// alone (stratified) with the given fractions. Images are ordered by key before the
// seeded shuffle, so the same file with the same seed always splits the same way.
func assignSplits(labels []uint16, keys []string, tags []uint8, layout bool, classes int, o Options) []uint8 {
	n := len(labels)
	out := make([]uint8, n)
	byClass := make([][]int, classes)
	for i, l := range labels {
		if layout && tags[i] != SplitTrain {
			out[i] = tags[i]
			continue
		}
		byClass[l] = append(byClass[l], i)
	}
	valFrac, testFrac := o.Val, o.Test
	if layout {
		testFrac = 0
		valFrac = 0
		if !hasSplit(tags, SplitVal) && o.Val > 0 {
			valFrac = o.Val / (o.Train + o.Val)
		}
	}
	for c, idx := range byClass {
		if keys != nil {
			sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
		}
		rng := rand.New(rand.NewPCG(uint64(o.Seed), uint64(c)))
		rng.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		nVal, nTest := portion(len(idx), valFrac), portion(len(idx), testFrac)
		for nVal+nTest >= len(idx) && nVal+nTest > 0 { // keep at least one training image
			if nTest >= nVal {
				nTest--
			} else {
				nVal--
			}
		}
		for k, i := range idx {
			switch {
			case k < nVal:
				out[i] = SplitVal
			case k < nVal+nTest:
				out[i] = SplitTest
			default:
				out[i] = SplitTrain
			}
		}
	}
	return out
}

// portion rounds n×frac, giving at least one image to a non-empty split once a class has
// three images, so small classes still get validated.
func portion(n int, frac float64) int {
	if frac <= 0 {
		return 0
	}
	k := int(math.Round(float64(n) * frac))
	if k == 0 && n >= 3 {
		k = 1
	}
	return k
}

func hasSplit(tags []uint8, s uint8) bool {
	for _, t := range tags {
		if t == s {
			return true
		}
	}
	return false
}
