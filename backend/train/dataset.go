// Package train runs training: the loop over a model's Gorgonia graphs, optimisers,
// learning-rate schedules, strategies (scratch, finetune, freeze:k, linear-probe),
// checkpoints, evaluation and prediction. It knows nothing of HTTP or storage: data
// comes in through Dataset, and progress goes out through Callbacks.
package train

import (
	"fmt"
	"math/rand/v2"
)

// Dataset is labelled images held in memory. Images are float32 in [0,1], each laid
// out CHW (channels, then rows, then columns).
type Dataset interface {
	Len() int
	Shape() (c, h, w int)
	NumClasses() int
	// Fill copies the images at idx into x (len(idx)*c*h*w floats) and their
	// labels (0..NumClasses-1) into y (len(idx)).
	Fill(idx []int, x []float32, y []int)
}

// SliceDataset is a Dataset over plain slices.
type SliceDataset struct {
	C, H, W int
	Classes int
	X       []float32 // Len()*C*H*W, CHW per image
	Y       []int
}

// NewSliceDataset checks the slices agree and wraps them.
func NewSliceDataset(c, h, w, classes int, x []float32, y []int) (*SliceDataset, error) {
	if c < 1 || h < 1 || w < 1 || len(x) != len(y)*c*h*w {
		return nil, fmt.Errorf("dataset: %d floats for %d images of %dx%dx%d", len(x), len(y), c, h, w)
	}
	for i, v := range y {
		if v < 0 || v >= classes {
			return nil, fmt.Errorf("dataset: label %d of image %d is outside 0..%d", v, i, classes-1)
		}
	}
	return &SliceDataset{C: c, H: h, W: w, Classes: classes, X: x, Y: y}, nil
}

// Len is the number of images.
func (d *SliceDataset) Len() int { return len(d.Y) }

// Shape is the image shape.
func (d *SliceDataset) Shape() (c, h, w int) { return d.C, d.H, d.W }

// NumClasses is the number of labels.
func (d *SliceDataset) NumClasses() int { return d.Classes }

// Fill implements Dataset.
func (d *SliceDataset) Fill(idx []int, x []float32, y []int) {
	n := d.C * d.H * d.W
	for i, j := range idx {
		copy(x[i*n:(i+1)*n], d.X[j*n:(j+1)*n])
		y[i] = d.Y[j]
	}
}

// Subset returns the images at idx, copied.
func (d *SliceDataset) Subset(idx []int) *SliceDataset {
	n := d.C * d.H * d.W
	out := &SliceDataset{C: d.C, H: d.H, W: d.W, Classes: d.Classes, X: make([]float32, len(idx)*n), Y: make([]int, len(idx))}
	d.Fill(idx, out.X, out.Y)
	return out
}

// FilterClasses keeps the images whose label is in keep and relabels them to their
// position in keep, so digits 5-9 become classes 0-4.
func (d *SliceDataset) FilterClasses(keep []int) *SliceDataset {
	pos := map[int]int{}
	for i, c := range keep {
		pos[c] = i
	}
	var idx []int
	for i, y := range d.Y {
		if _, ok := pos[y]; ok {
			idx = append(idx, i)
		}
	}
	out := d.Subset(idx)
	out.Classes = len(keep)
	for i, y := range out.Y {
		out.Y[i] = pos[d.Y[idx[i]]]
		_ = y
	}
	return out
}

// PerClass picks n images of each class at random (seeded), in class order.
func (d *SliceDataset) PerClass(n int, seed uint64) (*SliceDataset, error) {
	byClass := make([][]int, d.Classes)
	for i, y := range d.Y {
		byClass[y] = append(byClass[y], i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x70657263))
	var idx []int
	for c, ids := range byClass {
		if len(ids) < n {
			return nil, fmt.Errorf("class %d has %d images, fewer than the %d asked for", c, len(ids), n)
		}
		perm := rng.Perm(len(ids))
		for _, p := range perm[:n] {
			idx = append(idx, ids[p])
		}
	}
	return d.Subset(idx), nil
}

// Head returns the first n images (all if n is larger), a cheap seeded-free subset.
func (d *SliceDataset) Head(n int) *SliceDataset {
	if n >= d.Len() {
		return d
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return d.Subset(idx)
}

// Sample returns n images picked at random (seeded) without replacement.
func (d *SliceDataset) Sample(n int, seed uint64) *SliceDataset {
	if n >= d.Len() {
		return d
	}
	perm := rand.New(rand.NewPCG(seed, 0x73616d70)).Perm(d.Len())
	return d.Subset(perm[:n])
}
