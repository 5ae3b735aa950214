//go:build tools

// Package tools pins Prometheus so `go build github.com/prometheus/prometheus/cmd/prometheus` builds the
// exact version in go.mod (the binary scripts/install-tools.sh links as .tools/bin/prometheus).
//
// Why a module that requires it instead of `go install ...@v0.316.0`: as for k6 (tools/k6), the build
// then reads only the module proxy and keeps every dependency's hash in go.sum. The Go module's
// v0.316.0 is Prometheus 3.16.0 (upstream tags each release v3.X.Y and v0.3XX.Y for Go modules).
package tools

import _ "github.com/prometheus/prometheus/cmd/prometheus"
