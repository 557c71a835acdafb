package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lossAt runs the forward pass and returns the loss.
func lossAt(t *testing.T, gr *Graph) float64 {
	t.Helper()
	if err := gr.Run(); err != nil {
		t.Fatal(err)
	}
	return float64(gr.Loss())
}

// TestGradientsMatchFiniteDifferences checks every layer type's backward pass (conv with
// padding, dense on flattened NHWC, max pool, ReLU, softmax cross-entropy with a padded
// row; MobileNetV2's strided conv, depthwise stride 1 and 2, pointwise, ReLU6,
// residual adds and global average pooling) against central differences of the loss.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	cases := []struct {
		arch string
		in   Input
	}{
		{"mlp", Input{1, 6, 6}},
		{"cnn", Input{1, 8, 8}},
		{"cnn-deep", Input{3, 8, 8}},
		{tinyMobileNet, Input{3, 16, 16}},
	}
	for _, c := range cases {
		t.Run(c.arch, func(t *testing.T) {
			m, err := New(c.arch, c.in, []string{"a", "b", "c"}, 3)
			if err != nil {
				t.Fatal(err)
			}
			// MobileNetV2's layers start with zero biases: a pixel whose inputs a ReLU6
			// cut to zero then sits exactly on the next ReLU6's kink, where no finite
			// difference means anything. Trained biases are never all zero.
			brng := rand.New(rand.NewPCG(5, 6))
			for _, p := range m.Params {
				if p.Name == p.Layer+".bias" && p.Layer != HeadName && m.Arch == tinyMobileNet {
					for i := range p.Data {
						p.Data[i] = (brng.Float32()*2 - 1) * 0.2
					}
				}
			}
			train := map[string]bool{}
			for _, l := range m.Layers {
				train[l.Name] = true
			}
			const batch = 4
			gr, err := NewGraph(m, GraphOptions{Batch: batch, Trainable: train})
			if err != nil {
				t.Fatal(err)
			}
			defer gr.Close()
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range gr.Input() {
				gr.Input()[i] = rng.Float32()
			}
			gr.SetTargets([]int{0, 2, 1}) // the 4th row is padding
			lossAt(t, gr)
			grads := make([][]float32, len(gr.Grads()))
			for i, g := range gr.Grads() {
				grads[i] = append([]float32(nil), g...)
			}
			// A central difference across a ReLU kink or a max-pool tie is meaningless;
			// two step sizes that disagree reveal one, and that sample is skipped.
			diffAt := func(p *Param, j int, eps float32) float64 {
				orig := p.Data[j]
				p.Data[j] = orig + eps
				up := lossAt(t, gr)
				p.Data[j] = orig - eps
				down := lossAt(t, gr)
				p.Data[j] = orig
				return (up - down) / (2 * float64(eps))
			}
			checked := 0
			for pi, p := range gr.Params() {
				for n := 0; n < 8; n++ {
					j := rng.IntN(len(p.Data))
					num, num2 := diffAt(p, j, 2e-3), diffAt(p, j, 1e-3)
					if math.Abs(num-num2) > 5e-4+0.02*math.Abs(num) {
						continue
					}
					checked++
					got := float64(grads[pi][j])
					if math.Abs(num-got) > 1e-3+0.03*math.Abs(num) {
						t.Errorf("%s[%d]: backprop %.6f, finite difference %.6f", p.Name, j, got, num)
					}
				}
			}
			if total := 8 * len(gr.Params()); checked < total*3/4 {
				t.Errorf("only %d of %d samples were away from kinks", checked, total)
			}
		})
	}
}

// TestFrozenLayersGetNoGradient checks that freezing conv1 computes nothing for it.
func TestFrozenLayersGetNoGradient(t *testing.T) {
	m, _ := New("cnn", Input{1, 8, 8}, []string{"a", "b"}, 1)
	gr, err := NewGraph(m, GraphOptions{Batch: 2, Trainable: map[string]bool{"conv2": true, "fc1": true, "head": true}})
	if err != nil {
		t.Fatal(err)
	}
	defer gr.Close()
	gr.SetTargets([]int{0, 1})
	if err := gr.Run(); err != nil {
		t.Fatal(err)
	}
	for i, p := range gr.Params() {
		if (p.Layer == "conv1") != (gr.Grads()[i] == nil) {
			t.Errorf("%s: gradient presence wrong", p.Name)
		}
	}
}
