package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Pinger is anything that can say whether it is reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// HealthAPI answers whether the server, its database and its job queue work.
type HealthAPI struct {
	Version  string
	Database Pinger
	Queue    Pinger
}

func (h *HealthAPI) get(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	body := gin.H{"status": "ok", "version": h.Version, "database": "ok", "queue": "ok"}
	status := http.StatusOK
	if err := h.Database.Ping(ctx); err != nil {
		body["database"], body["status"], status = "unavailable", "degraded", http.StatusServiceUnavailable
	}
	if h.Queue == nil || h.Queue.Ping(ctx) != nil {
		body["queue"], body["status"], status = "unavailable", "degraded", http.StatusServiceUnavailable
	}
	c.JSON(status, body)
}
