// Command mkexample writes the example uploads: examples/shapes.zip, a small zip of
// drawn class folders that the README and the browser tests upload, and, with -icons,
// examples/icons.zip, colour icons of an installed icon theme grouped by category.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"transferlab/backend/data"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mkexample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "examples/shapes.zip", "file to write")
	per := fs.Int("n", 40, "images per class")
	seed := fs.Int64("seed", 1, "random seed")
	icons := fs.String("icons", "", "icon theme folder of category folders, e.g. /usr/share/icons/oxygen/base/128x128: write the colour example instead")
	size := fs.Int("size", 96, "with -icons: pixels a side")
	classes := fs.String("classes", strings.Join(data.IconClasses, ","), "with -icons: the category folders to take, comma-separated")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *icons != "" {
		f, err := os.Create(*out)
		if err == nil {
			err = data.WriteIconsZip(f, *icons, strings.Split(*classes, ","), *per, *size)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, "mkexample:", err)
			return 1
		}
		fmt.Fprintln(stdout, "wrote", *out)
		return 0
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
