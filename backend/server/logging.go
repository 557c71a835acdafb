package server

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// requestLog writes one structured line per request once it has been answered.
func requestLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		switch {
		case c.Writer.Status() >= 500:
			level = slog.LevelError
		case c.Request.URL.Path == "/api/health" || c.Request.Method == "GET" && c.Writer.Status() < 400:
			level = slog.LevelDebug
		}
		slog.Log(c.Request.Context(), level, "request",
			"method", c.Request.Method,
			"path", c.Request.URL.Path,
			"status", c.Writer.Status(),
			"bytes", c.Writer.Size(),
			"took", time.Since(start).Round(time.Microsecond),
			"client", c.ClientIP())
	}
}
