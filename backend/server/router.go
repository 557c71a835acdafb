// Package server owns HTTP: the Gin router, one handler file per resource, and the
// websocket endpoint. It knows nothing about how training works.
package server

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"transferlab/backend/blob"
	"transferlab/backend/datadir"
	"transferlab/backend/live"
	"transferlab/backend/store"
)

// Deps is everything the handlers need, wired once in New.
type Deps struct {
	Version        string
	DB             *store.DB
	Queue          Pinger
	Frontend       fs.FS
	MaxUploadBytes int64
	// MaxCacheBytes bounds the decoded cache an upload may make.
	MaxCacheBytes int64
	Jobs          Launcher
	Predictor     Predictor
	Architectures Architectures
	// Scorer ranks base models for a dataset; nil where the server does not train.
	Scorer Scorer
	// Timer measures base models' speed per input size; nil where the server does not train.
	Timer Timer
	Hub   *live.Hub
	HubID string
	// Relay fills Hub from the shared database when training runs in other
	// processes; nil when it runs in this one and publishes to Hub itself.
	Relay *live.Relay
	// Limits bound what clients may cost the server.
	Limits Limits
	// Guard says which host names and which token the server answers to.
	Guard Guard
	// DataDir is where datasets, uploads and the built-in caches live.
	DataDir datadir.Layout
	// Blobs shares the data directory's files with other processes; nil, or one
	// without a store, keeps them in DataDir only.
	Blobs *blob.Mirror
	// Accounts turns sign-in on (--auth); each person then sees their own rows and
	// what others shared.
	Accounts Accounts
}

// New builds the router with every route of the API and the web app behind it.
func New(d Deps) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	lim := d.Limits.withDefaults()
	r.Use(httpMetrics())
	auth := newAuthAPI(d.DB, d.Accounts)
	r.Use(requestLog(), recoverJSON(), d.Guard.middleware(), auth.identify(), readDeadline(), newWriteLimiter(lim).middleware())

	api := r.Group("/api")
	health := &HealthAPI{Version: d.Version, Database: d.DB, Queue: d.Queue, Store: dirStore{d.DataDir.Root, d.Blobs}, DataDir: d.DataDir.Root}
	api.GET("/health", health.get)
	registerOps(r, api, d)
	registerAccounts(api, auth)
	// Resource routes register below, one line each.
	ds := &DatasetAPI{DB: d.DB, DataDir: d.DataDir, Blobs: d.Blobs, MaxUploadBytes: d.MaxUploadBytes, MaxCacheBytes: d.MaxCacheBytes, uploads: newUploadSlots(lim), previews: make(slots, lim.Previews), Progress: NewProgressBoard(), Scorer: d.Scorer}
	// Each group of owned rows is guarded by ownedBy (access.go): a route added to it
	// answers 404 for another person's private row and 403 for a change to a shared one.
	datasets := api.Group("/datasets", withResource("dataset"), ownedBy(d.DB, store.KindDataset))
	datasets.GET("", ds.list)
	datasets.POST("", ds.upload)
	datasets.GET("/:id", ds.get)
	datasets.PATCH("/:id", ds.rename)
	datasets.DELETE("/:id", ds.delete)
	datasets.GET("/:id/preview", ds.preview)
	datasets.GET("/:id/images/:index", ds.image)
	datasets.GET("/:id/transferability", ds.transferability)
	datasets.PUT("/:id/shared", (&SharingAPI{DB: d.DB, Kind: store.KindDataset}).set)
	api.GET("/uploads/:upload_id/progress", withResource("upload"), ds.progress)
	pauses, _ := d.Jobs.(RunPauses)
	exp := &ExperimentAPI{DB: d.DB, Jobs: d.Jobs, Arch: d.Architectures, Pauses: pauses}
	runs := &RunAPI{Exp: exp}
	stream := &LiveAPI{Exp: exp, Hub: d.Hub, HubID: d.HubID, Relay: d.Relay, upgrader: newUpgrader(d.Guard), watchers: newWatchers(lim)}
	experiments := api.Group("/experiments", withResource("experiment"), ownedBy(d.DB, store.KindExperiment))
	experiments.GET("", exp.list)
	experiments.POST("", exp.create)
	experiments.GET("/spec", exp.spec)
	experiments.GET("/:id", exp.get)
	experiments.POST("/:id/cancel", exp.cancel)
	del := &DeleteAPI{DB: d.DB, DataDir: d.DataDir, Blobs: d.Blobs}
	experiments.DELETE("/:id", del.experiment)
	experiments.GET("/:id/live", stream.serve)
	experiments.PUT("/:id/shared", (&SharingAPI{DB: d.DB, Kind: store.KindExperiment}).set)
	sl, _ := d.Jobs.(SweepLauncher)
	sw := &SweepAPI{DB: d.DB, Jobs: sl, Exp: exp, Arch: d.Architectures}
	sweeps := api.Group("/sweeps", withResource("sweep"), ownedBy(d.DB, store.KindSweep))
	sweeps.GET("", sw.list)
	sweeps.POST("", sw.create)
	sweeps.GET("/:id", sw.get)
	sweeps.POST("/:id/cancel", sw.cancel)
	sweeps.DELETE("/:id", del.sweep)
	runGroup := api.Group("/runs", withResource("run"), ownedBy(d.DB, store.KindRun))
	runGroup.GET("/:id", runs.get)
	runGroup.PATCH("/:id", runs.label)
	runGroup.GET("/:id/metrics", runs.metrics)
	runGroup.GET("/:id/evaluation", runs.evaluation)
	runGroup.POST("/:id/cancel", exp.cancelRun)
	api.GET("/compare", withResource("run"), runs.compare)
	models := &ModelAPI{DB: d.DB, Predict: d.Predictor, Arch: d.Architectures, Timer: d.Timer}
	modelGroup := api.Group("/models", withResource("model"), ownedBy(d.DB, store.KindModel))
	modelGroup.GET("", models.list)
	modelGroup.GET("/:id", models.get)
	modelGroup.GET("/:id/timing", models.timing)
	modelGroup.POST("/:id/predict", models.predict)
	modelGroup.GET("/:id/weights", models.download)
	modelGroup.DELETE("/:id", del.model)
	modelGroup.PUT("/:id/shared", (&SharingAPI{DB: d.DB, Kind: store.KindModel}).set)

	r.NoMethod(func(c *gin.Context) {
		writeError(c, newError(http.StatusMethodNotAllowed, "method_not_allowed",
			c.Request.Method+" is not supported on "+c.Request.URL.Path+"."))
	})
	app := staticApp(d.Frontend)
	r.NoRoute(func(c *gin.Context) {
		if c.Request.URL.Path == "/api" || strings.HasPrefix(c.Request.URL.Path, "/api/") {
			writeError(c, newError(http.StatusNotFound, "not_found",
				"No API route "+c.Request.Method+" "+c.Request.URL.Path+"; see the README for the routes."))
			return
		}
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
			writeError(c, newError(http.StatusNotFound, "not_found", "Nothing to "+c.Request.Method+" at "+c.Request.URL.Path+"."))
			return
		}
		app(c)
	})
	return r
}

// withResource names what a route group serves, for clear not-found messages.
func withResource(name string) gin.HandlerFunc {
	return func(c *gin.Context) { c.Set(resourceKey, name); c.Next() }
}
