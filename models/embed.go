// Package models embeds the shipped model zoo: each pretrained model is a
// NAME.safetensors weight file with a NAME.json card beside it.
package models

import "embed"

// Zoo holds every file of this folder; the cards (*.json) say which are models.
//
//go:embed *
var Zoo embed.FS
