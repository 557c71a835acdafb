package data

import "math"

// trainStats computes per-channel mean and std of the training images from the
// per-image moments the cache writer kept, scaled to [0,1].
func trainStats(moments []float64, splits []uint8, c, plane int) Stats {
	sum := make([]float64, c)
	sq := make([]float64, c)
	count := 0
	for i, s := range splits {
		if s != SplitTrain {
			continue
		}
		count++
		for ch := 0; ch < c; ch++ {
			sum[ch] += moments[(i*c+ch)*2]
			sq[ch] += moments[(i*c+ch)*2+1]
		}
	}
	st := Stats{Mean: make([]float64, c), Std: make([]float64, c)}
	if count == 0 {
		return st
	}
	px := float64(count * plane)
	for ch := 0; ch < c; ch++ {
		mean := sum[ch] / px
		v := sq[ch]/px - mean*mean
		st.Mean[ch] = round4(mean / 255)
		st.Std[ch] = round4(math.Sqrt(math.Max(v, 0)) / 255)
	}
	return st
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// classInfos counts images per class and split.
func classInfos(names []string, labels []uint16, splits []uint8) ([]ClassInfo, SplitCounts) {
	out := make([]ClassInfo, len(names))
	for i, n := range names {
		out[i].Name = n
	}
	var total SplitCounts
	for i, l := range labels {
		out[l].Count++
		out[l].Splits.add(splits[i])
		total.add(splits[i])
	}
	return out, total
}

// checkClasses refuses datasets nothing can be learned from.
func checkClasses(infos []ClassInfo, display string) error {
	nonEmpty := 0
	for _, c := range infos {
		if c.Count > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 2 {
		return importErr(CodeTooFewClasses, "%s has %d usable class(es); a classifier needs at least 2: put each class's images in its own folder (<class>/<image>)", display, nonEmpty)
	}
	for _, c := range infos {
		if c.Count < 2 {
			return importErr(CodeTooFewImages, "class %q in %s has %d usable image(s); every class needs at least 2: add images or remove the folder", c.Name, display, c.Count)
		}
	}
	return nil
}
