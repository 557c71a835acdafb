package nn

// Gorgonia's tensor package refuses to start on a Go it has not been told is safe
// about moving GC; this import is that promise, kept in the package that imports it.
import _ "go4.org/unsafe/assume-no-moving-gc"
