package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/nn"
	"transferlab/backend/train"
)

// runPretrain trains a zoo model on MNIST and writes <out>.safetensors and <out>.json.
func runPretrain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pretrain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	arch := fs.String("arch", "cnn", "architecture: "+strings.Join(nn.Architectures(), ", "))
	dataset := fs.String("dataset", "mnist:0-4", "source data: mnist (all digits), mnist:<digits> e.g. mnist:0-4, fashion (Fashion-MNIST) or fashion:<classes> e.g. fashion:0-4")
	epochs := fs.Int("epochs", 1, "epochs")
	seed := fs.Uint64("seed", 1, "seed for initialisation and shuffling")
	out := fs.String("out", "", "output path without extension, e.g. models/cnn-mnist04 (required)")
	optName := fs.String("optimizer", "sgd", "sgd or adam")
	lr := fs.Float64("lr", 0.05, "learning rate")
	momentum := fs.Float64("momentum", 0.9, "sgd momentum")
	batch := fs.Int("batch", 64, "batch size")
	shift := fs.Int("shift", 0, "augmentation: random shift up to this many pixels")
	schedule := fs.String("schedule", "constant", "constant, step or cosine")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "pretrain: --out is required, e.g. --out models/cnn-mnist04")
		return 2
	}
	name, digitSpec, _ := strings.Cut(*dataset, ":")
	if name != "mnist" && name != "fashion" && *dataset != "letters" {
		fmt.Fprintf(stderr, "pretrain: dataset %q: only mnist, mnist:<digits>, fashion, fashion:<classes> and letters are built in\n", *dataset)
		return 2
	}
	digits, err := train.ParseDigits(digitSpec)
	if err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 2
	}
	var trainSet, testSet train.Dataset
	var classes []string
	if name == "letters" {
		trainSet, testSet, classes, err = lettersSplits()
	} else {
		trainSet, testSet, classes, err = idxSplits(name, digits)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 1
	}
	m, err := nn.New(*arch, nn.Input{Channels: 1, Height: 28, Width: 28}, classes, *seed)
	if err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 2
	}
	m.Source = *dataset
	h := train.Hyper{Epochs: *epochs, BatchSize: *batch, Optimizer: *optName, LR: *lr, Momentum: *momentum,
		Shift: *shift, Schedule: *schedule, Seed: *seed}
	run, err := train.NewRun(m, train.Strategy{Kind: train.Scratch}, h, trainSet, nil)
	if err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 2
	}
	defer run.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fmt.Fprintf(stdout, "pretraining %s on %s: %d images, %d epochs, %d steps/epoch\n", m, *dataset, trainSet.Len(), *epochs, run.StepsPerEpoch())
	start := time.Now()
	var lossSum, accSum float64
	var seen int
	cb := train.Funcs{Step: func(s train.StepMetrics) {
		lossSum, accSum, seen = lossSum+s.Loss, accSum+s.Acc, seen+1
		if s.Step%100 == 0 {
			fmt.Fprintf(stdout, "epoch %d step %d loss %.4f acc %.4f (%.0f samples/s)\n", s.Epoch, s.Step, lossSum/float64(seen), accSum/float64(seen), float64(s.Step*(*batch))/s.Wall.Seconds())
			lossSum, accSum, seen = 0, 0, 0
		}
	}}
	if _, err := run.Train(ctx, cb); err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 1
	}
	rep, err := run.Evaluate(testSet)
	if err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 1
	}
	fmt.Fprintf(stdout, "test accuracy %.4f on %d images, loss %.4f, trained in %s\n", rep.Accuracy, rep.N, rep.Loss, time.Since(start).Round(time.Second))
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 1
	}
	id := filepath.Base(*out)
	title := fmt.Sprintf("%s on MNIST %s", *arch, describeDigits(digitSpec))
	if name == "letters" {
		title = fmt.Sprintf("%s on letters A-J", *arch)
	}
	if name == "fashion" {
		title = fmt.Sprintf("%s on Fashion-MNIST %s", *arch, strings.Join(classes, ", "))
		if digitSpec == "" {
			title = fmt.Sprintf("%s on Fashion-MNIST, all 10 classes", *arch)
		}
	}
	card := nn.Card{ID: id, Name: title, Architecture: *arch,
		Input: m.Input, Classes: classes, Source: *dataset, Epochs: *epochs, Seed: *seed,
		Optimizer:    map[string]any{"name": *optName, "lr": *lr, "momentum": *momentum, "batch_size": *batch, "schedule": *schedule, "shift": *shift},
		TestAccuracy: rep.Accuracy, TestImages: rep.N, Parameters: m.NumParams(), Format: "safetensors F32, transferlab version " + nn.FormatVersion,
		Command: reproduce("pretrain", fs)}
	if err := m.SaveFile(*out + ".safetensors"); err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 1
	}
	if err := nn.WriteCard(*out+".json", card); err != nil {
		fmt.Fprintln(stderr, "pretrain:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s.safetensors and %s.json\n", *out, *out)
	return 0
}

func describeDigits(spec string) string {
	if spec == "" {
		return "digits 0-9"
	}
	return "digits " + spec
}

// reproduce spells the command line that makes the same weights: every flag the user
// set, in the flag set's order.
func reproduce(cmd string, fs *flag.FlagSet) string {
	parts := []string{"transferlab", cmd}
	fs.Visit(func(f *flag.Flag) { parts = append(parts, "--"+f.Name, f.Value.String()) })
	return strings.Join(parts, " ")
}

// idxSplits are the training and test images of the chosen classes of MNIST or
// Fashion-MNIST.
func idxSplits(name string, digits []int) (trainSet, testSet train.Dataset, classes []string, err error) {
	files, _, err := data.MNISTFiles()
	if name == "fashion" {
		files, _, err = data.FashionFiles()
	}
	if err != nil {
		return nil, nil, nil, err
	}
	trainAll, testAll, err := train.LoadMNIST(files)
	if err != nil {
		return nil, nil, nil, err
	}
	classes = make([]string, len(digits))
	for i, d := range digits {
		classes[i] = strconv.Itoa(d)
		if name == "fashion" {
			classes[i] = data.FashionClasses[d]
		}
	}
	return trainAll.FilterClasses(digits), testAll.FilterClasses(digits), classes, nil
}

// lettersSplits renders the built-in letters (the same seed as the lab's, so the same
// images) into a temporary folder and returns its training and test splits.
func lettersSplits() (trainSet, testSet train.Dataset, classes []string, err error) {
	tmp, err := os.MkdirTemp("", "transferlab-letters-")
	if err != nil {
		return nil, nil, nil, err
	}
	defer os.RemoveAll(tmp) // the splits are read into memory below
	ds, err := data.OpenBuiltin(tmp, "letters")
	if err != nil {
		return nil, nil, nil, err
	}
	defer ds.Close()
	var out [2]train.Dataset
	for i, split := range []string{"train", "test"} {
		v, err := ds.Split(split)
		if err != nil {
			return nil, nil, nil, err
		}
		c, h, w := v.Shape()
		idx := make([]int, v.Len())
		for j := range idx {
			idx[j] = j
		}
		x, y := make([]float32, v.Len()*c*h*w), make([]int, v.Len())
		v.Fill(idx, x, y)
		if out[i], err = train.NewSliceDataset(c, h, w, v.NumClasses(), x, y); err != nil {
			return nil, nil, nil, err
		}
	}
	return out[0], out[1], ds.Classes(), nil
}
