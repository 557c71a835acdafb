package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestTrainingThroughputAddsUpArmsAndDropsFinishedOnes(t *testing.T) {
	rate := samplesRate.WithLabelValues(Worker)
	total := samplesTotal.WithLabelValues(Worker)
	start := testutil.ToFloat64(total)
	TrainingStep("run_a", 32, 1000)
	TrainingStep("run_b", 32, 500)
	TrainingStep("run_a", 32, 1200)
	if got := testutil.ToFloat64(rate); got != 1700 {
		t.Fatalf("samples/s = %v, want 1200+500 (each arm's latest)", got)
	}
	if got := testutil.ToFloat64(total) - start; got != 96 {
		t.Fatalf("samples counted %v, want 96", got)
	}
	TrainingDone("run_a")
	if got := testutil.ToFloat64(rate); got != 500 {
		t.Fatalf("after run_a finished samples/s = %v, want 500", got)
	}
	TrainingDone("run_b")
	if got := testutil.ToFloat64(rate); got != 0 {
		t.Fatalf("with nothing training samples/s = %v, want 0", got)
	}
}

func TestRegistryGathersEveryInstrument(t *testing.T) {
	names := map[string]bool{}
	HTTPDuration.WithLabelValues("GET", "/api/health", "200").Observe(0.01)
	mfs, err := Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		names[mf.GetName()] = true
	}
	for _, want := range []string{"transferlab_http_request_duration_seconds", "transferlab_live_viewers",
		"transferlab_import_bytes_total", "transferlab_training_samples_total", "transferlab_training_samples_per_second",
		"go_goroutines", "process_cpu_seconds_total"} {
		if !names[want] {
			t.Errorf("%s is not exposed", want)
		}
	}
}
