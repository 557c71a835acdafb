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
	// With --torch: the round, and the reference's training rate of the same
	// architecture measured right after ours in that round.
	Round              int     `json:"round,omitempty"`
	TorchSamplesPerSec float64 `json:"torch_samples_per_sec,omitempty"`
}

// benchOptions are the flags of `bench` for the zoo architectures.
type benchOptions struct {
	bases        []*nn.Model // one per architecture, random weights
	strategies   []train.Strategy
	steps, batch int
	rounds       int
	asJSON       bool
	ref          *torchRef // nil: ours only
}

// runBench measures training (forward, backward, update) and inference throughput on
// MNIST images for each architecture and strategy, round by round, each round ours
// then (with --torch) the PyTorch reference's, and prints the ratios.
func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object a line")
	archs := fs.String("arch", "cnn,mlp", "comma-separated architectures")
	steps := fs.Int("steps", 50, "timed training steps per measurement")
	batch := fs.Int("batch", 64, "batch size")
	strategies := fs.String("strategies", "scratch,finetune,freeze:1,linear-probe", "comma-separated strategies")
	mobile := fs.Bool("mobilenet", false, "measure the ImageNet MobileNetV2 cut instead: inference at 160 and 224 px and training of blocks 9-10 + head")
	rounds := fs.Int("rounds", 3, "rounds, each ours then PyTorch's (without --torch and --mobilenet: 1 unless given)")
	torch := fs.String("torch", "", "path of torch_reference.py to compare against in the same run, round by round (needs python3 with torch)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	roundsGiven := false
	fs.Visit(func(f *flag.Flag) { roundsGiven = roundsGiven || f.Name == "rounds" })
	if !roundsGiven && !*mobile && *torch == "" {
		*rounds = 1 // a quick look, as before rounds existed
	}
	if *rounds < 1 || *steps < 1 || *batch < 1 {
		fmt.Fprintln(stderr, "bench: --rounds, --steps and --batch must be positive")
		return 2
	}
	o := benchOptions{steps: *steps, batch: *batch, rounds: *rounds, asJSON: *asJSON}
	if !*mobile {
		classes := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
		for _, arch := range strings.Split(*archs, ",") {
			m, err := nn.New(arch, nn.Input{Channels: 1, Height: 28, Width: 28}, classes, 1)
			if err != nil {
				fmt.Fprintln(stderr, "bench:", err)
				return 2
			}
			o.bases = append(o.bases, m)
		}
		for _, name := range strings.Split(*strategies, ",") {
			s, err := train.ParseStrategy(name)
			if err != nil {
				fmt.Fprintln(stderr, "bench:", err)
				return 2
			}
			o.strategies = append(o.strategies, s)
		}
	}
	if *torch != "" {
		r, err := newTorchRef(*torch)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 2
		}
		defer r.close()
		o.ref = r
	}
	stopProfile, err := startCPUProfile(*profile)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	defer stopProfile()
	if !*asJSON {
		fmt.Fprintln(stdout, gemmLine())
	}
	if *mobile {
		err = benchMobileNet(stdout, []int{160, 224}, *rounds, 32, 3, o.ref)
	} else {
		err = benchArchs(stdout, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	return 0
}

// benchArchs measures each architecture and strategy for o.rounds rounds; with a
// reference it runs PyTorch's training of the same architecture right after ours in
// every round, and ends with ours, PyTorch's and the ratio as median [min-max].
func benchArchs(stdout io.Writer, o benchOptions) error {
	bases, strategies := o.bases, o.strategies
	files, _, err := data.MNISTFiles()
	if err != nil {
		return err
	}
	all, _, err := train.LoadMNIST(files)
	if err != nil {
		return err
	}
	data := all.Head(o.steps * o.batch)
	emit := func(r benchResult) {
		r.BLAS = nn.BLASName
		if o.asJSON {
			b, _ := json.Marshal(r)
			fmt.Fprintln(stdout, string(b))
			return
		}
		if o.rounds > 1 || o.ref != nil {
			fmt.Fprintf(stdout, "round %d: ", r.Round)
		}
		fmt.Fprintf(stdout, "%-9s %-13s %-9s batch %d: %8.0f samples/s", r.Arch, r.Strategy, r.Mode, r.Batch, r.SamplesPerSec)
		if r.TorchSamplesPerSec > 0 {
			fmt.Fprintf(stdout, "; pytorch %.0f, ours/pytorch %.2fx", r.TorchSamplesPerSec, r.SamplesPerSec/r.TorchSamplesPerSec)
		}
		fmt.Fprintln(stdout)
	}
	// rates[arch][strategy] are ours per round ("-" is inference); torchRates[arch] the
	// reference's.
	rates := map[string]map[string][]float64{}
	torchRates := map[string][]float64{}
	for round := 1; round <= o.rounds; round++ {
		for _, base := range bases {
			arch := base.Arch
			if rates[arch] == nil {
				rates[arch] = map[string][]float64{}
			}
			var results []benchResult
			for _, s := range strategies {
				rate, err := benchTrain(base, s, data, o.batch)
				if err != nil {
					return err
				}
				results = append(results, benchResult{Arch: arch, Strategy: s.String(), Mode: "train", Batch: o.batch, SamplesPerSec: rate, Round: round})
			}
			t0 := time.Now()
			if _, err := train.Evaluate(base, data, o.batch); err != nil {
				return err
			}
			results = append(results, benchResult{Arch: arch, Strategy: "-", Mode: "inference", Batch: o.batch, SamplesPerSec: float64(data.Len()) / time.Since(t0).Seconds(), Round: round})
			if o.ref != nil {
				theirs, err := o.ref.trainRate(arch, o.batch, o.steps)
				if err != nil {
					return err
				}
				torchRates[arch] = append(torchRates[arch], theirs)
				for i := range results {
					if results[i].Mode == "train" {
						results[i].TorchSamplesPerSec = theirs
					}
				}
			}
			for _, r := range results {
				rates[arch][r.Strategy] = append(rates[arch][r.Strategy], r.SamplesPerSec)
				emit(r)
			}
		}
	}
	if o.asJSON || (o.rounds == 1 && o.ref == nil) {
		return nil
	}
	for _, base := range bases {
		arch := base.Arch
		for i := 0; i <= len(strategies); i++ {
			name, mode := "-", "inference" // after the strategies' training
			if i < len(strategies) {
				name, mode = strategies[i].String(), "train"
			}
			ours := rates[arch][name]
			fmt.Fprintf(stdout, "%-9s %-13s %-9s batch %d, %d round(s), median [min-max]: ours %s samples/s", arch, name, mode, o.batch, o.rounds, spreadRate(ours))
			if theirs := torchRates[arch]; mode == "train" && len(theirs) == len(ours) {
				ratios := make([]float64, len(ours))
				for i := range ours {
					ratios[i] = ours[i] / theirs[i]
				}
				fmt.Fprintf(stdout, ", pytorch %s, ours/pytorch %s", spreadRate(theirs), spread(ratios))
			}
			fmt.Fprintln(stdout)
		}
	}
	return nil
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
