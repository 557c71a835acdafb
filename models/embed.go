// Package models embeds the shipped model zoo: each pretrained model is a
// NAME.safetensors weight file with a NAME.json card beside it.
package models

import "embed"

// Zoo holds the cards and weight files of this folder; the cards say which are
// models. Named by pattern, not "*", so that models/user/, where `make run` keeps the
// models trained on its data directory (the checkout), is neither embedded into the
// next build nor breaks it while still empty.
//
//go:embed *.json *.safetensors
var Zoo embed.FS
