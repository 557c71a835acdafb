// Package migrations holds the numbered SQL files that build the schema. They are
// embedded so the one binary can migrate any database it is pointed at.
package migrations

import "embed"

// FS holds every NNNN_description.sql file of this folder.
//
//go:embed *.sql
var FS embed.FS
