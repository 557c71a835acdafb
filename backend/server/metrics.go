package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"transferlab/backend/metrics"
)

// JobCounter is a job queue that can say how many jobs of each kind wait and run.
type JobCounter interface {
	JobCounts(ctx context.Context) ([]metrics.JobCount, error)
}

// httpMetrics times every request by its route pattern, so /api/runs/:id is one series
// however many runs there are. Live views are left out: a websocket lasts as long as
// someone watches, which says nothing about latency; transferlab_live_viewers counts them.
func httpMetrics() gin.HandlerFunc {
	return func(c *gin.Context) {
		if strings.EqualFold(c.GetHeader("Upgrade"), "websocket") {
			c.Next()
			return
		}
		start := time.Now()
		c.Next()
		metrics.HTTPDuration.WithLabelValues(c.Request.Method, routeLabel(c), strconv.Itoa(c.Writer.Status())).
			Observe(time.Since(start).Seconds())
	}
}

// routeLabel is the route pattern, or one of two fixed names for requests no route
// matched: raw paths would let any client make new series at will.
func routeLabel(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	if p := c.Request.URL.Path; p == "/api" || strings.HasPrefix(p, "/api/") {
		return "(no route)"
	}
	return "(app)"
}

// metricsHandler serves the process-wide instruments and, read from the queue when
// scraped, the jobs waiting and running per kind.
func metricsHandler(queue Pinger) gin.HandlerFunc {
	local := prometheus.NewRegistry()
	if jc, ok := queue.(JobCounter); ok {
		local.MustRegister(jobsCollector{jc})
	}
	h := promhttp.HandlerFor(prometheus.Gatherers{metrics.Registry, local}, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
	})
	return gin.WrapH(h)
}

var (
	jobsDesc = prometheus.NewDesc("transferlab_jobs", "Jobs in the queue by kind and state (queued or running), across every process on this database.",
		[]string{"kind", "state"}, nil)
	jobsUpDesc = prometheus.NewDesc("transferlab_jobs_up", "1 when the job counts could be read from the queue, 0 when not.", nil, nil)
)

// jobsCollector asks the queue at scrape time, so the numbers are the shared queue's
// and never drift from it.
type jobsCollector struct{ q JobCounter }

func (jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc; ch <- jobsUpDesc }

func (j jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := j.q.JobCounts(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(jobsUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(jobsUpDesc, prometheus.GaugeValue, 1)
	for _, c := range counts {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(c.Queued), c.Kind, "queued")
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(c.Running), c.Kind, "running")
	}
}

// registerOps adds the routes for operators: Prometheus metrics and the API's own
// description.
func registerOps(r *gin.Engine, api *gin.RouterGroup, d Deps) {
	r.GET("/metrics", metricsHandler(d.Queue))
	api.GET("/openapi.json", serveOpenAPI)
}

// serveOpenAPI serves the OpenAPI 3 description of the API, kept in openapi.json next
// to the router and checked against its routes by the tests.
func serveOpenAPI(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", openAPIDoc)
}
