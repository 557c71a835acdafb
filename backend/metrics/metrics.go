// Package metrics holds the process-wide Prometheus instruments that packages other
// than the HTTP server feed: training throughput from jobs and imported bytes from data.
// Each hook elsewhere is one call; /metrics serves Registry alongside the server's own.
package metrics

import (
	"os"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry holds every process-wide instrument, the Go runtime's and the process's
// included. It is not Prometheus's default registry, so nothing a library registers
// there by itself leaks into what the server exposes.
var Registry = prometheus.NewRegistry()

// Worker names this process among the workers that train: its host and process id,
// which is what tells two workers on one machine apart.
var Worker = workerName()

var (
	// HTTPDuration is request latency by route pattern (never the raw path, which
	// would make one series per id).
	HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "transferlab_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by method, route pattern and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"method", "route", "code"})

	// LiveViewers is the number of open live views (websockets) of experiments.
	LiveViewers = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "transferlab_live_viewers",
		Help: "Open websocket live views of experiments.",
	})

	// ImportBytes counts the bytes of dataset files imported, by outcome.
	ImportBytes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "transferlab_import_bytes_total",
		Help: "Bytes of uploaded dataset files imported, by result (ok or failed).",
	}, []string{"result"})

	samplesTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "transferlab_training_samples_total",
		Help: "Training samples processed, by worker; rate() of it is samples per second.",
	}, []string{"worker"})

	samplesRate = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "transferlab_training_samples_per_second",
		Help: "Latest measured training throughput of the arms a worker is training, summed.",
	}, []string{"worker"})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		HTTPDuration, LiveViewers, ImportBytes, samplesTotal, samplesRate,
	)
	// Series that exist from the start read as zero rather than missing.
	ImportBytes.WithLabelValues("ok")
	ImportBytes.WithLabelValues("failed")
	samplesTotal.WithLabelValues(Worker)
	samplesRate.WithLabelValues(Worker).Set(0)
}

func workerName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return host + ":" + itoa(os.Getpid())
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// training is the latest samples/s of each arm this process trains; the gauge is their
// sum, so arms that train side by side add up and a finished arm stops counting.
var training = struct {
	sync.Mutex
	rate map[string]float64
}{rate: map[string]float64{}}

// TrainingStep records that run trained samples more samples at rate samples/s.
func TrainingStep(run string, samples int, rate float64) {
	samplesTotal.WithLabelValues(Worker).Add(float64(samples))
	training.Lock()
	defer training.Unlock()
	training.rate[run] = rate
	samplesRate.WithLabelValues(Worker).Set(sumRates())
}

// TrainingDone takes a run that stopped training out of the throughput gauge.
func TrainingDone(run string) {
	training.Lock()
	defer training.Unlock()
	delete(training.rate, run)
	samplesRate.WithLabelValues(Worker).Set(sumRates())
}

func sumRates() float64 {
	var s float64
	for _, r := range training.rate {
		s += r
	}
	return s
}

// Imported counts an import of a file of n bytes that succeeded or failed.
func Imported(n int64, ok bool) {
	result := "failed"
	if ok {
		result = "ok"
	}
	ImportBytes.WithLabelValues(result).Add(float64(n))
}

// JobCount is how many jobs of one kind wait and run, as the job queue reports it when
// /metrics is scraped (so every web process reports the shared queue, not its own).
type JobCount struct {
	Kind    string
	Queued  int64
	Running int64
}
