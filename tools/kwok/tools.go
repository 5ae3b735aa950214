//go:build tools

// Package tools pins kwok (fake nodes and pods for a real control plane) and kwokctl (which starts
// that control plane from local binaries); scripts/install-k8s-tools.sh builds both from here.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
	_ "sigs.k8s.io/kwok/cmd/kwokctl"
)
