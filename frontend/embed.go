// Package frontend embeds the built web app. dist/ holds a tracked placeholder so the Go
// build works before `npm run build` has filled it.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app with dist/ as its root.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the pattern above guarantees the folder
	}
	return sub
}
