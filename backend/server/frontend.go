package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// staticApp serves the built web app: files as they are, with hashed assets cached for
// good, and index.html (never cached) for any extensionless path so the app's own router
// can take deep links. /api never reaches here.
func staticApp(dist fs.FS) gin.HandlerFunc {
	files := http.FileServerFS(dist)
	return func(c *gin.Context) {
		p := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
		if p != "" && p != "." {
			if info, err := fs.Stat(dist, p); err == nil && !info.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					c.Header("Cache-Control", "public, max-age=31536000, immutable")
				}
				files.ServeHTTP(c.Writer, c.Request)
				return
			}
			if path.Ext(p) != "" {
				writeError(c, newError(http.StatusNotFound, "not_found", "No file "+c.Request.URL.Path+" here."))
				return
			}
		}
		index, err := fs.ReadFile(dist, "index.html")
		if err != nil {
			c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(notBuiltPage))
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	}
}

const notBuiltPage = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Transfer Lab</title></head>
<body><h1>Transfer Lab</h1><p>The web app has not been built into this binary. Run <code>make build</code> and start it again; the API under /api works meanwhile.</p></body></html>`
