//go:build tools

// Package tools pins Toxiproxy so `go build github.com/Shopify/toxiproxy/v2/cmd/server` builds the
// exact version in go.mod (the binary scripts/install-tools.sh links as .tools/bin/toxiproxy-server).
//
// Why a module that requires it instead of `go install ...@v2.12.0`: as for k6 (tools/k6), the build
// then reads only the module proxy and keeps every dependency's hash in go.sum.
package tools

import _ "github.com/Shopify/toxiproxy/v2/cmd/server"
