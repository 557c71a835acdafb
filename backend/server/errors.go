package server

import (
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"

	"transferlab/backend/store"
)

// apiError is the one error shape every route answers with.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

func writeError(c *gin.Context, e *apiError) {
	c.AbortWithStatusJSON(e.Status, gin.H{"error": e})
}

// fail answers with err: an *apiError as it is, store.ErrNotFound as 404, and anything
// else as a 500 whose text stays in the log, never in the response.
func fail(c *gin.Context, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeError(c, ae)
	case store.IsDiskFull(err):
		slog.ErrorContext(c.Request.Context(), "disk full", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		writeError(c, diskFull())
	case errors.Is(err, store.ErrNotFound):
		writeError(c, newError(http.StatusNotFound, "not_found", "No such "+resourceName(c)+": check the id in the address."))
	default:
		slog.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		writeError(c, newError(http.StatusInternalServerError, "internal", "Something went wrong on the server; the details are in its log. Try again, and report it if it persists."))
	}
}

// diskFull is the answer whenever the server's disk has no space left: 507, and what to
// do about it, since trying again alone will not help.
func diskFull() *apiError {
	return newError(http.StatusInsufficientStorage, "disk_full",
		"The server's disk is full. Free some space (delete datasets, experiments or models you no longer need, or other files on that disk), then try again; paused training resumes by itself.")
}

func resourceName(c *gin.Context) string {
	if n, ok := c.Get(resourceKey); ok {
		return n.(string)
	}
	return "resource"
}

const resourceKey = "resource"

// recoverJSON turns a panic in a handler into a logged stack and a 500 in the common
// shape.
func recoverJSON() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				slog.ErrorContext(c.Request.Context(), "panic in handler", "path", c.Request.URL.Path, "panic", r, "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					writeError(c, newError(http.StatusInternalServerError, "internal", "The server hit an unexpected error; the details are in its log."))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}
