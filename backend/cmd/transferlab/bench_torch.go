package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"

	"transferlab/backend/data"
)

// torchRef runs the PyTorch reference script (torch_reference.py) that the benchmarks
// compare against in the same run, so a busy machine slows both alike.
type torchRef struct {
	python, script string
	mnist          string // the MNIST files for `bench --mnist`, written on first use
}

// newTorchRef checks that script is a file and that a python3 here imports torch, so
// a wrong path fails before minutes of measuring rather than after.
func newTorchRef(script string) (*torchRef, error) {
	st, err := os.Stat(script)
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("not a file")
	}
	if err != nil {
		return nil, fmt.Errorf("--torch %s: %v; pass the path of torch_reference.py (../shared/reference/torch_reference.py from the repository root)", script, err)
	}
	py, err := torchPython()
	if err != nil {
		return nil, err
	}
	return &torchRef{python: py, script: script}, nil
}

// torchPython picks the interpreter: python3 on PATH when it imports torch, else
// Debian's /usr/bin/python3, where apt's python3-torch lives (a pyenv or virtualenv
// python3 first on PATH often has no torch).
var torchPython = sync.OnceValues(func() (string, error) {
	var tried []string
	if p, err := exec.LookPath("python3"); err == nil {
		tried = append(tried, p)
	}
	tried = append(tried, "/usr/bin/python3")
	for _, p := range tried {
		if exec.Command(p, "-c", "import torch").Run() == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("none of %v imports torch: install Debian's with apt-get install python3-torch python3-torchvision", tried)
})

// run runs the script with args and returns what it printed.
func (r *torchRef) run(args ...string) ([]byte, error) {
	cmd := exec.Command(r.python, append([]string{r.script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("pytorch reference (%s %s): %v: %s", r.python, r.script, err, stderr.String())
	}
	return out, nil
}

// close removes the MNIST copy.
func (r *torchRef) close() {
	if r != nil && r.mnist != "" {
		os.RemoveAll(r.mnist)
	}
}

// mnistDir writes the MNIST files this binary uses (embedded in it) into a temporary
// folder once, so both sides train on the same images without a download.
func (r *torchRef) mnistDir() (string, error) {
	if r.mnist != "" {
		return r.mnist, nil
	}
	files, _, err := data.MNISTFiles()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "transferlab-bench-mnist-")
	if err != nil {
		return "", err
	}
	for _, name := range data.MNISTFileNames {
		b, err := fs.ReadFile(files, name)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
		if err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	r.mnist = dir
	return dir, nil
}

var torchTrainLine = regexp.MustCompile(`train samples/s median=([0-9.]+)`)

// trainRate is the reference's training samples/s of arch (cnn or mlp) on MNIST: the
// median of its three timed passes of steps batches.
func (r *torchRef) trainRate(arch string, batch, steps int) (float64, error) {
	dir, err := r.mnistDir()
	if err != nil {
		return 0, err
	}
	out, err := r.run("bench", "--mnist", dir, "--arch", arch, "--batch", strconv.Itoa(batch), "--steps", strconv.Itoa(steps))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := torchTrainLine.FindStringSubmatch(sc.Text()); m != nil {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil && v > 0 {
				return v, nil
			}
		}
	}
	return 0, fmt.Errorf("pytorch reference printed no training rate: %s", out)
}

var torchFeaturesLine = regexp.MustCompile(`(inference|train-top-blocks) images/s median=([0-9.]+)`)

// featuresRates runs the reference's MobileNetV2 cut once at one size (needs
// python3-torchvision as well).
func (r *torchRef) featuresRates(size, batch, steps int) (mobileNetRates, error) {
	var out mobileNetRates
	b, err := r.run("features", "--size", strconv.Itoa(size), "--batch", strconv.Itoa(batch), "--steps", strconv.Itoa(steps))
	if err != nil {
		return out, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if m := torchFeaturesLine.FindStringSubmatch(sc.Text()); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			if m[1] == "inference" {
				out.Inference = v
			} else {
				out.TrainTop = v
			}
		}
	}
	if out.Inference == 0 || out.TrainTop == 0 {
		return out, fmt.Errorf("pytorch reference printed no rates: %s", b)
	}
	return out, nil
}
