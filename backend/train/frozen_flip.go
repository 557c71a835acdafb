package train

// Flips in the feature cache. A linear probe (or freeze:K with a cache) reads frozen
// features instead of images, so the image-space flip cannot be applied per step. With
// the flip setting on, the frozen layers run once more over the training images
// mirrored left to right, and each step picks, per image, the plain or the mirrored
// features with a coin from the run's seeded generator: the same choice a flip of the
// image would have made, replayed exactly for the same seed.

// mirrored shows a dataset's images flipped left to right.
type mirrored struct{ Dataset }

// DataKey names the mirrored images apart from the plain ones, so their frozen outputs
// are shared under their own key.
func (m mirrored) DataKey() string {
	if k, ok := m.Dataset.(Keyed); ok && k.DataKey() != "" {
		return k.DataKey() + "|mirrored"
	}
	return ""
}

// Fill fills x with the images of idx, each mirrored.
func (m mirrored) Fill(idx []int, x []float32, y []int) {
	m.Dataset.Fill(idx, x, y)
	c, h, w := m.Shape()
	sz := c * h * w
	for i := range idx {
		mirror(x[i*sz:(i+1)*sz], h*c, w)
	}
}

// mirror reverses each of the rows rows of w pixels of a CHW image in place.
func mirror(img []float32, rows, w int) {
	for r := range rows {
		row := img[r*w : (r+1)*w]
		for a, b := 0, w-1; a < b; a, b = a+1, b-1 {
			row[a], row[b] = row[b], row[a]
		}
	}
}

// fillFeatures fills a training batch from the cache: the plain features, or with the
// flip setting each image's plain or mirrored features, half and half at random.
func (r *Run) fillFeatures(idx []int, x []float32, y []int) {
	r.feats.Fill(idx, x, y)
	if r.mirrorFeats == nil {
		return
	}
	f := r.feats.size
	for i, j := range idx {
		if r.rng.IntN(2) == 1 {
			copy(x[i*f:(i+1)*f], r.mirrorFeats.x[j*f:(j+1)*f])
		}
	}
}
