//go:build tools

// Package tools pins k6 so `go build go.k6.io/k6/v2` builds the exact version in go.mod.
//
// Why not `go install go.k6.io/k6/v2@v2.2.0`: the module proxy answers 404 for the module's version
// list, so go install's deprecation lookup falls back to go.k6.io directly, which is unreachable here.
// Building from a module that requires k6 skips that lookup and keeps the version in go.sum.
package tools

import _ "go.k6.io/k6/v2"
