package jobs

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

func TestExperimentTrainsBothArmsSideBySide(t *testing.T) {
	l := newLab(t, t.TempDir())
	h := experiment.DefaultHyper()
	h.Epochs = 2
	e := l.launch(t, h, "finetune", "scratch")
	// A watcher keeps the experiment's live events in the hub until it leaves.
	watcher, _, _ := l.hub.Subscribe(e.ID, 0)
	runs := l.waitRuns(t, e, 3*time.Minute, finished)
	ctx := context.Background()
	for _, r := range runs {
		if r.Status != experiment.Succeeded {
			t.Fatalf("run %s (%s) %s: %s", r.ID, r.Strategy, r.Status, r.Error)
		}
		if r.Steps != 16 || r.EpochsDone != 2 || r.TotalSteps != 16 || r.ModelID == "" || r.TestAcc == nil {
			t.Fatalf("run row %+v", r)
		}
		pts, err := l.db.Metrics(ctx, r.ID, "train_loss", 0)
		if err != nil || len(pts) != 16 {
			t.Fatalf("%s: %d train_loss points, %v", r.Strategy, len(pts), err)
		}
		for i, p := range pts {
			if p.Step != int64(i+1) {
				t.Fatalf("train_loss steps not 1..16: %d at %d", p.Step, i)
			}
		}
		// 16 steps are too few for curvePoints, so every step is validated.
		val, _ := l.db.Metrics(ctx, r.ID, "val_acc", 0)
		if len(val) != 16 || val[15].Step != 16 || val[15].Epoch != 2 {
			t.Fatalf("%d val_acc points, want one per step", len(val))
		}
		if m, err := l.db.Model(ctx, r.ModelID); err != nil || m.Source != "run" {
			t.Fatalf("saved model %+v %v", m, err)
		}
		meta, err := l.db.Evaluation(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ev Evaluation
		if err := json.Unmarshal([]byte(meta), &ev); err != nil || ev.Test == nil || len(ev.Test.Confusion) != 5 {
			t.Fatalf("evaluation artifact: %v %+v", err, ev.Test)
		}
	}
	// Fine-tuning starts from features that already separate digits.
	if *runs[0].BestValAcc <= *runs[1].BestValAcc {
		t.Fatalf("fine-tune best %.3f not above scratch %.3f", *runs[0].BestValAcc, *runs[1].BestValAcc)
	}
	// The result was stored on the experiment as the runs finished, final (a moment
	// after the last run's row says it finished).
	sum := l.finalSummary(t, e)
	if len(sum.Verdict) != 1 || sum.Verdict[0].Arm != runs[0].ArmIndex || sum.Verdict[0].SpeedupSteps.Median == nil {
		t.Fatalf("stored summary %+v", sum)
	}
	// The arms advanced together: their step events interleave rather than one arm
	// finishing before the other starts.
	evs := l.hub.Recent(e.ID)
	firstDone, lastStart := -1, -1
	for i, ev := range evs {
		if ev.Kind != "metric" {
			continue
		}
		if ev.RunID == runs[0].ID {
			firstDone = i
		} else if lastStart < 0 {
			lastStart = i
		}
	}
	if firstDone < 0 || lastStart < 0 || lastStart > firstDone {
		t.Fatalf("scratch started (event %d) only after fine-tune's last step (event %d)", lastStart, firstDone)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq != evs[i-1].Seq+1 {
			t.Fatal("events out of order")
		}
	}
	// Once the experiment is over and its last watcher gone, its events are freed.
	watcher.Close()
	for deadline := time.Now().Add(10 * time.Second); l.hub.Topics() != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the finished experiment's %d live events are still held", len(l.hub.Recent(e.ID)))
		}
	}
}

// A trained arm's model is a base like any zoo model: the "pretrain on your data" path.
func TestRunModelServesAsBaseForAnotherExperiment(t *testing.T) {
	l := newLab(t, t.TempDir())
	h := experiment.DefaultHyper()
	h.Epochs = 1
	first := l.waitRuns(t, l.launch(t, h, "finetune"), 2*time.Minute, finished)
	if first[0].Status != experiment.Succeeded {
		t.Fatalf("first run: %s %s", first[0].Status, first[0].Error)
	}
	l.base = first[0].ModelID
	second := l.waitRuns(t, l.launch(t, h, "freeze:2"), 2*time.Minute, finished)
	if second[0].Status != experiment.Succeeded {
		t.Fatalf("run from a trained model: %s %s", second[0].Status, second[0].Error)
	}
	// Starting from weights already tuned to these digits, it begins where the first ended.
	ctx := context.Background()
	a, _ := l.db.Metrics(ctx, first[0].ID, "val_acc", 0)
	b, _ := l.db.Metrics(ctx, second[0].ID, "val_acc", 0)
	if b[0].Value < a[0].Value {
		t.Fatalf("second run's first val acc %.3f below the first run's %.3f", b[0].Value, a[0].Value)
	}
}

// With one training slot, experiments train one at a time: while one trains, the other
// waits as queued, and all arms of the one admitted run before the slot moves on.
func TestExperimentsBeyondTheLimitWaitQueued(t *testing.T) {
	l := newLab(t, t.TempDir())
	h := experiment.DefaultHyper()
	h.Epochs = 2
	exps := []*store.Experiment{l.launch(t, h, "finetune", "scratch"), l.launch(t, h, "finetune", "scratch")}
	ctx := context.Background()
	sawWaiting := false
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var training, waiting, done int
		for _, e := range exps {
			got, err := l.db.Experiment(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var running, finished, queued int
			for _, r := range got.Runs {
				switch {
				case r.Status == experiment.Running:
					running++
				case r.Status.Finished():
					if r.Status != experiment.Succeeded {
						t.Fatalf("run %s: %s", r.Status, r.Error)
					}
					finished++
				default:
					queued++
				}
			}
			switch {
			case finished == len(got.Runs):
				done++
			case running > 0 || finished > 0:
				training++ // admitted: some arm has run
			case queued == len(got.Runs):
				waiting++
			}
		}
		if training > 1 {
			t.Fatal("two experiments trained at once with one training slot")
		}
		sawWaiting = sawWaiting || (training == 1 && waiting == 1)
		if done == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("experiments did not finish")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !sawWaiting {
		t.Fatal("never saw one experiment wait while the other trained")
	}
}

// The step schedule as the wizard sends it trains (it used to be accepted and then fail
// every run for want of step_epochs), and decays when it says.
func TestStepScheduleTrainsAndDecays(t *testing.T) {
	l := newLab(t, t.TempDir())
	h, err := experiment.ParseHyper(json.RawMessage(`{"schedule":"step","step_epochs":1,"gamma":0.5,"epochs":2,"val_limit":50}`))
	if err != nil {
		t.Fatal(err)
	}
	e := l.launch(t, h, "finetune")
	runs := l.waitRuns(t, e, 3*time.Minute, finished)
	if runs[0].Status != experiment.Succeeded {
		t.Fatalf("step schedule run %s: %s", runs[0].Status, runs[0].Error)
	}
	lr, err := l.db.Metrics(context.Background(), runs[0].ID, "lr", 0)
	if err != nil || len(lr) != 16 {
		t.Fatalf("%d lr points, %v", len(lr), err)
	}
	if lr[0].Value != h.LR || lr[15].Value != h.LR*0.5 {
		t.Fatalf("lr %g at the start and %g in epoch 2, want %g and %g", lr[0].Value, lr[15].Value, h.LR, h.LR*0.5)
	}
}
