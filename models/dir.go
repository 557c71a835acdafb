package models

import (
	"io/fs"
	"os"
)

// WithDir is the shipped zoo with the models of the folder dir added (the server's
// --zoo-dir), for reading weight files: a file in dir is found before a shipped one of
// the same name. Both zoos' rows record their weights with the same prefix, so a
// model synced from dir loads from dir, not from the data directory.
func WithDir(dir string) fs.FS {
	if dir == "" {
		return Zoo
	}
	return layered{top: os.DirFS(dir), base: Zoo}
}

type layered struct{ top, base fs.FS }

func (l layered) Open(name string) (fs.File, error) {
	if f, err := l.top.Open(name); err == nil {
		return f, nil
	}
	return l.base.Open(name)
}
