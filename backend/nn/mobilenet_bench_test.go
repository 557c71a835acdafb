package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMobileNetV2 times the cut's inference at 96, 160 and 224 pixels, a
// training step of blocks 9-10 and the head on cached block-8 outputs, and a training
// step of every layer, as a scratch arm pays it.
func BenchmarkMobileNetV2(b *testing.B) {
	const batch = 32
	for _, size := range []int{96, 160, 224} {
		m, err := New(MobileNetV2B10, Input{3, size, size}, []string{"a", "b"}, 1)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("inference-%d", size), func(b *testing.B) {
			benchGraph(b, m, GraphOptions{Batch: batch, To: len(m.Layers) - 1})
		})
		from := topBlocks(m, 9)
		b.Run(fmt.Sprintf("train-top-%d", size), func(b *testing.B) {
			benchGraph(b, m, GraphOptions{Batch: batch, From: from, Trainable: layerNames(m.Layers[from:])})
		})
		b.Run(fmt.Sprintf("train-all-%d", size), func(b *testing.B) {
			benchGraph(b, m, GraphOptions{Batch: batch, Trainable: layerNames(m.Layers)})
		})
	}
}

// benchGraph times runs of a graph of m built with opt and reports images a second.
func benchGraph(b *testing.B, m *Model, opt GraphOptions) {
	gr, err := NewGraph(m, opt)
	if err != nil {
		b.Fatal(err)
	}
	defer gr.Close()
	fill(gr.Input())
	gr.SetTargets(make([]int, opt.Batch)) // nothing to set on a graph without a head
	for b.Loop() {
		if err := gr.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(opt.Batch*b.N)/b.Elapsed().Seconds(), "images/s")
}

// layerNames is the set of the layers' names: what a graph trains.
func layerNames(ls []Layer) map[string]bool {
	out := map[string]bool{}
	for _, l := range ls {
		out[l.Name] = true
	}
	return out
}

// topBlocks is the index of block k's first layer.
func topBlocks(m *Model, k int) int {
	for i, l := range m.Layers {
		if l.Name == fmt.Sprintf("block_%d_expand", k) {
			return i
		}
	}
	return -1
}

func fill(x []float32) {
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range x {
		x[i] = rng.Float32()
	}
}
