// Package examples embeds the example datasets the server offers without an upload.
package examples

import _ "embed"

// Icons is icons.zip: Debian's Oxygen icon theme (LGPL-3), 241 colour icons in four
// categories, made by `go run ./backend/data/cmd/mkexample -icons
// /usr/share/icons/oxygen/base/128x128 -n 70 -o examples/icons.zip`.
//
//go:embed icons.zip
var Icons []byte
