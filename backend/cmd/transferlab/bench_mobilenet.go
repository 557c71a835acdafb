package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"transferlab/backend/nn"
)

// mobileNetRates are one round's images/s of the MobileNetV2 cut at one size.
type mobileNetRates struct {
	Inference float64 `json:"inference"`
	// TrainTop is a training step of blocks 9-10 and the head on cached block-8
	// outputs, as a fine-tune-top run trains; TrainTopFull adds the frozen blocks'
	// forward pass to every step, as the PyTorch reference does.
	TrainTop     float64 `json:"train_top"`
	TrainTopFull float64 `json:"train_top_full"`
}

// benchMobileNet measures the cut at each size, interleaved round by round with the
// PyTorch reference (when ref is not nil), and prints the ratios.
func benchMobileNet(stdout io.Writer, sizes []int, rounds, batch, steps int, ref *torchRef) error {
	type pair struct{ ours, torch mobileNetRates }
	results := map[int][]pair{}
	for r := 1; r <= rounds; r++ {
		for _, size := range sizes {
			ours, err := mobileNetRound(size, batch, steps)
			if err != nil {
				return err
			}
			var theirs mobileNetRates
			if ref != nil {
				if theirs, err = ref.featuresRates(size, batch, steps); err != nil {
					return err
				}
			}
			results[size] = append(results[size], pair{ours, theirs})
			fmt.Fprintf(stdout, "round %d size %d batch %d: ours inference %.1f, train-top %.1f (cached), %.1f (with frozen forward) images/s", r, size, batch, ours.Inference, ours.TrainTop, ours.TrainTopFull)
			if ref != nil {
				fmt.Fprintf(stdout, "; pytorch inference %.1f, train-top %.1f images/s", theirs.Inference, theirs.TrainTop)
			}
			fmt.Fprintln(stdout)
		}
	}
	if ref == nil {
		return nil
	}
	for _, size := range sizes {
		var inf, top, full []float64
		for _, p := range results[size] {
			inf = append(inf, p.ours.Inference/p.torch.Inference)
			top = append(top, p.ours.TrainTop/p.torch.TrainTop)
			full = append(full, p.ours.TrainTopFull/p.torch.TrainTop)
		}
		fmt.Fprintf(stdout, "size %d, ours/pytorch over %d rounds (median [min-max]): inference %s, train-top cached %s, train-top with frozen forward %s\n",
			size, rounds, spread(inf), spread(top), spread(full))
	}
	return nil
}

// mobileNetRound times inference and top-block training of random weights on random
// images, after one warm-up batch; graph building is excluded.
func mobileNetRound(size, batch, steps int) (mobileNetRates, error) {
	var out mobileNetRates
	m, err := nn.New(nn.MobileNetV2B10, nn.Input{Channels: 3, Height: size, Width: size}, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}, 1)
	if err != nil {
		return out, err
	}
	from := -1
	for i, l := range m.Layers {
		if l.Name == "block_9_expand" {
			from = i
		}
	}
	trainable := map[string]bool{}
	for _, l := range m.Layers[from:] {
		trainable[l.Name] = true
	}
	feat, err := nn.NewGraph(m, nn.GraphOptions{Batch: batch, To: from})
	if err != nil {
		return out, err
	}
	defer feat.Close()
	inf, err := nn.NewGraph(m, nn.GraphOptions{Batch: batch, To: len(m.Layers) - 1})
	if err != nil {
		return out, err
	}
	defer inf.Close()
	top, err := nn.NewGraph(m, nn.GraphOptions{Batch: batch, From: from, Trainable: trainable})
	if err != nil {
		return out, err
	}
	defer top.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, x := range [][]float32{inf.Input(), feat.Input()} {
		for i := range x {
			x[i] = rng.Float32()
		}
	}
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	top.SetTargets(labels)
	mom := make([][]float32, len(top.Params()))
	trainStep := func() error {
		if err := top.Run(); err != nil {
			return err
		}
		for i, g := range top.Grads() { // SGD with momentum 0.9, as the reference
			if g == nil {
				continue
			}
			if mom[i] == nil {
				mom[i] = make([]float32, len(g))
			}
			p := top.Params()[i].Data
			for j, v := range g {
				mom[i][j] = 0.9*mom[i][j] + v
				p[j] -= 0.01 * mom[i][j]
			}
		}
		return nil
	}
	full := func() error {
		if err := feat.Run(); err != nil {
			return err
		}
		copy(top.Input(), feat.Output())
		return trainStep()
	}
	rate := func(f func() error) (float64, error) {
		if err := f(); err != nil { // warm-up
			return 0, err
		}
		t0 := time.Now()
		for range steps {
			if err := f(); err != nil {
				return 0, err
			}
		}
		return float64(steps*batch) / time.Since(t0).Seconds(), nil
	}
	if out.Inference, err = rate(inf.Run); err != nil {
		return out, err
	}
	if out.TrainTop, err = rate(trainStep); err != nil {
		return out, err
	}
	out.TrainTopFull, err = rate(full)
	return out, err
}
