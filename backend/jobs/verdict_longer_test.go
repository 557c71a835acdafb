package jobs

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// TestVerdictStaysPutWhenTheExperimentTrainsThreeTimesLonger trains the demo (fine-tune
// against scratch on 50 digits per class, 3 replicates) for 10 and for 30 epochs
// through the queue, as the server does, and holds the verdict to what the product
// promises: training longer adds plateau, not speed, so the 30-epoch speedup lies
// inside the 10-epoch interval. The old figure, steps to scratch's single best
// validation point, fails the same check on the same curves (3.4x, then 7.1x here;
// the subtest shows it), so the check can fail. The accuracy gap is not held still:
// scratch keeps learning after 10 epochs and narrows it (+12 points, then +4), as
// transfer learning predicts; what must hold is its sign.
func TestVerdictStaysPutWhenTheExperimentTrainsThreeTimesLonger(t *testing.T) {
	l := newLab(t, t.TempDir())
	exps := map[int]*store.Experiment{}
	for _, epochs := range []int{10, 30} {
		exps[epochs] = l.launchReplicates(t, epochs, 3)
	}
	verdicts := map[int]experiment.ArmVerdict{}
	for _, epochs := range []int{10, 30} {
		for _, r := range l.waitRuns(t, exps[epochs], 5*time.Minute, finished) {
			if r.Status != experiment.Succeeded {
				t.Fatalf("%d epochs: run %s (%s, replicate %d) %s: %s", epochs, r.ID, r.Strategy, r.Replicate, r.Status, r.Error)
			}
		}
		s := l.finalSummary(t, exps[epochs])
		if len(s.Verdict) != 1 {
			t.Fatalf("%d epochs: summary %+v", epochs, s)
		}
		v := s.Verdict[0]
		if v.Replicates != 3 || v.SpeedupSteps.Median == nil || v.SpeedupSteps.Lo == nil || v.AccGapVal.Lo == nil {
			t.Fatalf("%d epochs: verdict without an interval: %+v", epochs, v)
		}
		verdicts[epochs] = v
		t.Logf("%d epochs: %s; %s", epochs, v.Speed, v.Accuracy)
	}
	short, long := verdicts[10], verdicts[30]
	if !within(*long.SpeedupSteps.Median, short.SpeedupSteps) {
		t.Errorf("speedup moved: %s at 10 epochs, %s at 30", ratioText(short.SpeedupSteps), ratioText(long.SpeedupSteps))
	}
	// The intervals at least overlap: the 10-epoch median itself may sit just outside
	// the 30-epoch interval, since three replicates make a narrow bootstrap interval.
	if *long.SpeedupSteps.Lo > *short.SpeedupSteps.Hi || *short.SpeedupSteps.Lo > *long.SpeedupSteps.Hi {
		t.Errorf("speedup intervals apart: %s at 10 epochs, %s at 30", ratioText(short.SpeedupSteps), ratioText(long.SpeedupSteps))
	}
	for epochs, v := range verdicts {
		if *v.AccGapVal.Lo <= 0 || v.NegativeTransfer {
			t.Errorf("%d epochs: fine-tuning's accuracy gain is not clear of zero: %s", epochs, v.Accuracy)
		}
	}

	t.Run("the best-point target moves out of the interval", func(t *testing.T) {
		old10, old30 := l.bestPointSpeedup(t, exps[10]), l.bestPointSpeedup(t, exps[30])
		t.Logf("steps to scratch's best validation point: %.2fx at 10 epochs, %.2fx at 30", old10, old30)
		if within(old30, short.SpeedupSteps) && within(old10, long.SpeedupSteps) {
			t.Fatalf("the old figure (%.2fx, then %.2fx) passes the check as well: it would not tell a fragile figure from a steady one", old10, old30)
		}
	})
}

// finalSummary waits for the summary the last run's end stores: a run's row says it
// finished a moment before its experiment's summary is written.
func (l *lab) finalSummary(t *testing.T, e *store.Experiment) experiment.Summary {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := l.db.Experiment(context.Background(), e.ID)
		if err != nil {
			t.Fatal(err)
		}
		var s experiment.Summary
		if err := json.Unmarshal([]byte(got.Summary), &s); err != nil {
			t.Fatal(err)
		}
		if s.Final {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("no final summary: %s", got.Summary)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// within says whether x lies in r's interval (an open side has no bound).
func within(x float64, r experiment.Ratio) bool {
	return (r.Lo == nil || x >= *r.Lo) && (r.Hi == nil || x <= *r.Hi)
}

func ratioText(r experiment.Ratio) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// launchReplicates queues the demo experiment with n replicates, the way the server
// makes it from a plan.
func (l *lab) launchReplicates(t *testing.T, epochs, n int) *store.Experiment {
	t.Helper()
	h := experiment.DefaultHyper()
	h.Epochs, h.Replicates = epochs, n
	m, err := l.db.Model(context.Background(), l.base)
	if err != nil {
		t.Fatal(err)
	}
	p := &experiment.Plan{Name: "demo", DatasetID: "mnist-5-9-50", BaseModelID: l.base, Arch: m.Arch, Hyper: h,
		Arms: []experiment.Arm{{Index: 0, Strategy: experiment.Strategy{Kind: experiment.Finetune}, Hyper: h},
			{Index: 1, Strategy: experiment.Strategy{Kind: experiment.Scratch}, Hyper: h}}}
	e := store.NewExperiment(p, time.Now().UTC())
	if err := l.runner.Launch(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e
}

// bestPointSpeedup is the figure the product used to show: per replicate, the steps
// scratch took to its single best raw validation point over the steps fine-tuning
// took to reach that accuracy; the median over replicates.
func (l *lab) bestPointSpeedup(t *testing.T, e *store.Experiment) float64 {
	t.Helper()
	got, err := l.db.Experiment(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	curves := map[[2]int][]store.Metric{}
	for _, r := range got.Runs {
		pts, err := l.db.Metrics(context.Background(), r.ID, "val_acc", 0)
		if err != nil {
			t.Fatal(err)
		}
		curves[[2]int{r.ArmIndex, r.Replicate}] = pts
	}
	firstAt := func(pts []store.Metric, acc float64) (int64, bool) {
		for _, p := range pts {
			if p.Value >= acc {
				return p.Step, true
			}
		}
		return 0, false
	}
	var ratios []float64
	for rep := range 3 {
		scratch, ft := curves[[2]int{1, rep}], curves[[2]int{0, rep}]
		best := slices.MaxFunc(scratch, func(a, b store.Metric) int { return cmpFloat(a.Value, b.Value) }).Value
		sSteps, _ := firstAt(scratch, best)
		fSteps, ok := firstAt(ft, best)
		if !ok {
			fSteps = ft[len(ft)-1].Step // never reached: as if at the very end, the kindest reading
		}
		ratios = append(ratios, float64(sSteps)/float64(fSteps))
	}
	slices.Sort(ratios)
	return ratios[1]
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
