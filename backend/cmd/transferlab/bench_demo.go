package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/jobs"
	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/backend/train"
	"transferlab/models"
)

// runBenchDemo times the demo experiment (fine-tune against scratch on MNIST 5-9, 50
// per class, 10 epochs) end to end through the queue, the way the server trains it,
// once per replicate count and round, interleaved, so a busy machine slows every
// count alike and the ratios stay meaningful.
func runBenchDemo(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("bench-demo", flag.ContinueOnError)
	fset.SetOutput(stderr)
	reps := fset.String("replicates", "1,3", "comma-separated replicate counts to time")
	rounds := fset.Int("rounds", 3, "rounds of every count")
	epochs := fset.Int("epochs", 10, "epochs per run")
	workers := fset.Int("workers", 1, "experiments trained at once (the server's --workers)")
	dataset := fset.String("dataset", "mnist-5-9-50", "built-in dataset to train on")
	base := fset.String("base", "cnn-mnist04", "zoo model to transfer from")
	armList := fset.String("arms", "finetune,scratch", "comma-separated strategies of the experiment, e.g. linear-probe,freeze:2,scratch")
	dir := fset.String("data-dir", "", "data directory (default: a temporary one; the MNIST cache is built there once)")
	hyperJSON := fset.String("hyper", "", `settings over the defaults, as the API takes them, e.g. '{"optimizer":"adam","input_size":96}'`)
	profile := fset.String("cpuprofile", "", "write a CPU profile of the timed rounds to this file")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	var extra []json.RawMessage
	if *hyperJSON != "" {
		extra = append(extra, json.RawMessage(*hyperJSON))
	}
	hyper, err := experiment.ParseHyper(extra...)
	if err != nil {
		fmt.Fprintln(stderr, "bench-demo: --hyper:", err)
		return 2
	}
	var counts []int
	for _, s := range strings.Split(*reps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > experiment.MaxReplicates {
			fmt.Fprintf(stderr, "bench-demo: --replicates takes whole numbers from 1 to %d, not %q\n", experiment.MaxReplicates, s)
			return 2
		}
		counts = append(counts, n)
	}
	arms, err := benchArms(*armList)
	if err != nil {
		fmt.Fprintln(stderr, "bench-demo:", err)
		return 2
	}
	if *rounds < 1 || *epochs < 1 || *workers < 1 {
		fmt.Fprintln(stderr, "bench-demo: --rounds, --epochs and --workers must be positive")
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "transferlab-bench-demo-")
		if err != nil {
			fmt.Fprintln(stderr, "bench-demo:", err)
			return 1
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	b, err := openBenchLab(*dir, *workers)
	if err != nil {
		fmt.Fprintln(stderr, "bench-demo:", err)
		return 1
	}
	defer b.close()
	// One untimed run builds the MNIST cache and warms the page cache.
	b.dataset, b.base, b.hyper = *dataset, *base, hyper
	if _, err := b.demo(arms, 1, 1); err != nil {
		fmt.Fprintln(stderr, "bench-demo:", err)
		return 1
	}
	stopProfile, err := startCPUProfile(*profile)
	if err != nil {
		fmt.Fprintln(stderr, "bench-demo:", err)
		return 1
	}
	defer stopProfile()
	times := map[int][]float64{}
	for r := range *rounds {
		for _, n := range counts {
			cpu0 := cpuTime()
			d, err := b.demo(arms, n, *epochs)
			if err != nil {
				fmt.Fprintln(stderr, "bench-demo:", err)
				return 1
			}
			times[n] = append(times[n], d.Seconds())
			// CPU time over wall time: how many cores the training slots kept busy.
			cpu := (cpuTime() - cpu0).Seconds()
			fmt.Fprintf(stdout, "round %d: %d replicate(s): %.1f s, %.1f CPU s, %.2f cores busy\n", r+1, n, d.Seconds(), cpu, cpu/d.Seconds())
		}
	}
	fs, _ := train.SharedFeatureStats()
	ds, _ := jobs.SharedDatasetStats()
	fmt.Fprintf(stdout, "shared: frozen-output sets built %d, borrowed %d; datasets opened %d, borrowed %d\n", fs.Builds, fs.Hits, ds.Builds, ds.Hits)
	first := counts[0]
	for _, n := range counts {
		ts := times[n]
		ratios := make([]float64, len(ts))
		for i := range ts {
			ratios[i] = ts[i] / times[first][i]
		}
		fmt.Fprintf(stdout, "%d replicate(s), %d epochs: median %.1f s (min %.1f, max %.1f); %.2fx the %d-replicate time (per round %s)\n",
			n, *epochs, median(ts), slices.Min(ts), slices.Max(ts), median(ratios), first, fmtList(ratios))
	}
	return 0
}

type benchLab struct {
	dataset, base string // what the timed experiment trains on and transfers from
	hyper         experiment.Hyper
	db            *store.DB
	queue         *jobs.Queue
	runner        *jobs.Runner
}

func openBenchLab(dir string, workers int) (*benchLab, error) {
	ctx := context.Background()
	layout := datadir.New(dir)
	if err := os.MkdirAll(filepath.Join(dir, "builtin"), 0o755); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, layout.DB())
	if err != nil {
		return nil, err
	}
	if _, err := db.SyncZoo(ctx, models.Zoo, store.ZooPrefix); err != nil {
		return nil, err
	}
	if _, err := db.SyncBuiltinDatasets(ctx); err != nil {
		return nil, err
	}
	runner := jobs.NewRunner(db, live.NewHub(1000, 1000), models.Zoo, layout, jobs.StoreDatasets{DB: db, DataDir: layout}, workers)
	q, err := jobs.Open(ctx, layout.DB(), jobs.Config{TrainingWorkers: workers, UploadsDir: layout.Uploads(),
		DatasetsDir: layout.Datasets(), Register: runner.Register})
	if err != nil {
		return nil, err
	}
	runner.Queue = q
	// A --data-dir used before may hold jobs a stopped benchmark left running; as serve
	// does, hand them back so they do not hold the gate for ever.
	if _, err := q.RequeueOrphans(ctx); err != nil {
		return nil, err
	}
	if err := q.Start(ctx); err != nil {
		return nil, err
	}
	return &benchLab{db: db, queue: q, runner: runner}, nil
}

func (b *benchLab) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b.queue.Stop(ctx)
	b.db.Close()
}

// benchArms parses --arms: the strategies of the timed experiment, in order.
func benchArms(list string) ([]experiment.Strategy, error) {
	var out []experiment.Strategy
	for _, s := range strings.Split(list, ",") {
		st, err := experiment.ParseStrategy(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("--arms: %w", err)
		}
		out = append(out, st)
	}
	if len(out) < 2 || len(out) > experiment.MaxArms {
		return nil, fmt.Errorf("--arms takes 2 to %d strategies, not %d", experiment.MaxArms, len(out))
	}
	return out, nil
}

// demo trains the demo experiment with the given arms and n replicates and returns its
// wall time, from queueing to the last run's end.
func (b *benchLab) demo(strategies []experiment.Strategy, n, epochs int) (time.Duration, error) {
	ctx := context.Background()
	h := b.hyper
	h.Replicates, h.Epochs = n, epochs
	model, err := b.db.Model(ctx, b.base)
	if err != nil {
		return 0, fmt.Errorf("--base %s: %w", b.base, err)
	}
	p := &experiment.Plan{Name: "bench demo", DatasetID: b.dataset, BaseModelID: b.base, Arch: model.Arch, Hyper: h}
	for i, s := range strategies {
		p.Arms = append(p.Arms, experiment.Arm{Index: i, Strategy: s, Hyper: h})
	}
	e := store.NewExperiment(p, time.Now().UTC())
	t0 := time.Now()
	if err := b.runner.Launch(ctx, e); err != nil {
		return 0, err
	}
	for {
		pending, err := b.db.PendingArms(ctx, e.ID)
		if err != nil {
			return 0, err
		}
		if !pending {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	d := time.Since(t0)
	got, err := b.db.Experiment(ctx, e.ID)
	if err != nil {
		return 0, err
	}
	for _, r := range got.Runs {
		if r.Status != experiment.Succeeded {
			return 0, fmt.Errorf("run %s (%s, replicate %d) %s: %s", r.ID, r.Strategy, r.Replicate, r.Status, r.Error)
		}
	}
	return d, nil
}
