package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/nn"
	"transferlab/backend/train"
)

// benchResult is one line of `bench --json`.
type benchResult struct {
	Arch          string  `json:"arch"`
	Strategy      string  `json:"strategy"`
	Mode          string  `json:"mode"` // train or inference
	Batch         int     `json:"batch"`
	SamplesPerSec float64 `json:"samples_per_sec"`
	BLAS          string  `json:"blas"`
}

// runBench measures training (forward, backward, update) and inference throughput on
// MNIST images for each architecture and strategy.
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object a line")
	archs := fs.String("arch", "cnn,mlp", "comma-separated architectures")
	steps := fs.Int("steps", 50, "timed training steps per measurement")
	batch := fs.Int("batch", 64, "batch size")
	strategies := fs.String("strategies", "scratch,finetune,freeze:1,linear-probe", "comma-separated strategies")
	mobile := fs.Bool("mobilenet", false, "measure the ImageNet MobileNetV2 cut instead: inference at 160 and 224 px and training of blocks 9-10 + head")
	rounds := fs.Int("rounds", 3, "with --mobilenet: rounds, each ours then PyTorch's")
	torch := fs.String("torch", "", "with --mobilenet: path of torch_reference.py to compare against in the same run")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *mobile {
		if *rounds < 1 {
			fmt.Fprintln(stderr, "bench: --rounds must be positive")
			return 2
		}
		if err := benchMobileNet(stdout, []int{160, 224}, *rounds, 32, 3, *torch); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		return 0
	}
	if *steps < 1 || *batch < 1 {
		fmt.Fprintln(stderr, "bench: --steps and --batch must be positive")
		return 2
	}
	files, _, err := data.MNISTFiles()
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	all, _, err := train.LoadMNIST(files)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	data := all.Head(*steps * *batch)
	classes := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	in := nn.Input{Channels: 1, Height: 28, Width: 28}
	emit := func(r benchResult) {
		r.BLAS = nn.BLASName
		if *asJSON {
			b, _ := json.Marshal(r)
			fmt.Fprintln(stdout, string(b))
			return
		}
		fmt.Fprintf(stdout, "%-9s %-13s %-9s batch %d: %8.0f samples/s\n", r.Arch, r.Strategy, r.Mode, r.Batch, r.SamplesPerSec)
	}
	for _, arch := range strings.Split(*archs, ",") {
		base, err := nn.New(arch, in, classes, 1)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		for _, sname := range strings.Split(*strategies, ",") {
			s, err := train.ParseStrategy(sname)
			if err != nil {
				fmt.Fprintln(stderr, "bench:", err)
				return 2
			}
			rate, err := benchTrain(base, s, data, *batch)
			if err != nil {
				fmt.Fprintln(stderr, "bench:", err)
				return 1
			}
			emit(benchResult{Arch: arch, Strategy: s.String(), Mode: "train", Batch: *batch, SamplesPerSec: rate})
		}
		t0 := time.Now()
		if _, err := train.Evaluate(base, data, *batch); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		emit(benchResult{Arch: arch, Strategy: "-", Mode: "inference", Batch: *batch, SamplesPerSec: float64(data.Len()) / time.Since(t0).Seconds()})
	}
	return 0
}

// benchTrain times one epoch over data after a few warm-up steps, graph building
// excluded (it happens once per run). A linear probe's time includes computing the
// frozen features, which is its real cost.
func benchTrain(base *nn.Model, s train.Strategy, data *train.SliceDataset, batch int) (float64, error) {
	m, _, err := train.NewModel(base.Arch, base, s, base.Input, base.Classes, 2)
	if err != nil {
		return 0, err
	}
	h := train.Hyper{Epochs: 1, BatchSize: batch, LR: 0.01, Seed: 1, EvalBatch: batch}
	warm, err := train.NewRun(m, s, h, data.Head(3*batch), nil)
	if err != nil {
		return 0, err
	}
	if _, err := warm.Train(context.Background(), nil); err != nil {
		return 0, err
	}
	warm.Close()
	run, err := train.NewRun(m, s, h, data, nil)
	if err != nil {
		return 0, err
	}
	defer run.Close()
	t0 := time.Now()
	if _, err := run.Train(context.Background(), nil); err != nil {
		return 0, err
	}
	return float64(data.Len()) / time.Since(t0).Seconds(), nil
}
