// Command mkexample writes the example upload examples/shapes.zip, a small zip of class
// folders that the README and the browser tests upload.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"transferlab/backend/data"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mkexample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "examples/shapes.zip", "file to write")
	per := fs.Int("n", 40, "images per class")
	seed := fs.Int64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := write(*out, *per, *seed); err != nil {
		fmt.Fprintln(stderr, "mkexample:", err)
		return 1
	}
	fmt.Fprintln(stdout, "wrote", *out)
	return 0
}

func write(path string, per int, seed int64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := data.WriteShapesZip(f, per, seed); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
