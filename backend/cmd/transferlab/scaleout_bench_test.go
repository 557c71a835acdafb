package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"transferlab/backend/store/pgtest"
)

// scaleRounds and scaleExperiments size BenchmarkScaleOutWorkers: each round trains
// scaleExperiments experiments on one worker and on two, in alternating order.
// TRANSFERLAB_BENCH_EXPERIMENTS=1 trains the 3-replicate experiment alone.
const scaleRounds = 5

var scaleExperiments = 4

func init() {
	if n, err := strconv.Atoi(os.Getenv("TRANSFERLAB_BENCH_EXPERIMENTS")); err == nil && n > 0 {
		scaleExperiments = n
	}
}

// BenchmarkScaleOutWorkers measures the throughput of a batch of small experiments
// trained by one worker process against two, all sharing one PostgreSQL and one web
// process. Rounds interleave the two (and alternate which goes first) so a busy
// machine weighs on both alike; it reports the median ratio of two workers' throughput
// to one's, with the lowest and highest. Run with -benchtime=1x.
//
// Two workers on one machine share its cores, which bounds the ratio by the cores one
// worker leaves idle. TRANSFERLAB_BENCH_PIN=1 holds each worker to a CPU of its own
// (worker i on CPU i, GOMAXPROCS=1), as one-core machines would be, so the ratio shows
// how well the arms spread rather than how many cores there are.
func BenchmarkScaleOutWorkers(b *testing.B) {
	url := pgtest.URL(b)
	dir := b.TempDir()
	shareBuiltin(b, dir)
	web := startServer(b, dir, "--workers", "0", "--database-url", url)
	for i := 0; i < b.N; i++ {
		var ratios []float64
		var one, two float64
		for round := range scaleRounds {
			order := []int{1, 2}
			if round%2 == 1 {
				order = []int{2, 1}
			}
			per := map[int]float64{}
			for _, workers := range order {
				per[workers] = trainBatch(b, web, dir, url, workers)
			}
			one, two = one+per[1], two+per[2]
			ratios = append(ratios, per[2]/per[1])
			b.Logf("round %d: 1 worker %.3f experiments/s, 2 workers %.3f, ratio %.2f", round+1, per[1], per[2], per[2]/per[1])
		}
		slices.Sort(ratios)
		b.ReportMetric(one/scaleRounds, "exp/s-1-worker")
		b.ReportMetric(two/scaleRounds, "exp/s-2-workers")
		b.ReportMetric(ratios[len(ratios)/2], "ratio-median")
		b.ReportMetric(ratios[0], "ratio-min")
		b.ReportMetric(ratios[len(ratios)-1], "ratio-max")
	}
}

// trainBatch starts `workers` worker processes, trains scaleExperiments experiments
// through the web process and returns experiments per second from the first request
// to the last run's end. It logs how the runs spread over the workers.
func trainBatch(b *testing.B, web *proc, dir, url string, workers int) float64 {
	var procs []*proc
	for i := range workers {
		var p *proc
		if os.Getenv("TRANSFERLAB_BENCH_PIN") != "" {
			p = startPinnedWorker(b, i%runtime.NumCPU(), dir, url)
		} else {
			p = startWorker(b, dir, url)
		}
		procs = append(procs, p)
		waitFor(b, func() bool { return strings.Contains(p.log.String(), "worker training") })
	}
	defer func() {
		for _, p := range procs {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	}()
	// The first experiment has three replicates (six arms), the others two arms.
	body := `{"dataset_id":"mnist-5-9-50","base_model_id":"cnn-mnist04","arms":[{"strategy":"finetune"},{"strategy":"scratch"}],"hyper":{"epochs":10,"eval_every":8,"replicates":%d}}`
	start := time.Now()
	ids := make([]string, scaleExperiments)
	for i := range ids {
		replicates := 1
		if i == 0 {
			replicates = 3
		}
		ids[i] = web.createExperiment(b, fmt.Sprintf(body, replicates)).ID
	}
	runs := map[string]bool{}
	for _, id := range ids {
		for _, r := range web.waitSucceeded(b, id, 5*time.Minute, procs...).Runs {
			runs[r.ID] = true
		}
	}
	elapsed := time.Since(start)
	spread := map[string]int{}
	for run, by := range runWorkers(b, url) {
		if runs[run] {
			spread[by]++
		}
	}
	b.Logf("%d worker(s): %d experiments in %s, runs per worker %v", workers, scaleExperiments, elapsed.Round(time.Millisecond), fmt.Sprint(values(spread)))
	return float64(scaleExperiments) / elapsed.Seconds()
}

func values(m map[string]int) []int {
	var out []int
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}
