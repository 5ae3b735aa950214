//go:build tools

// Package tools pins metrics-server, which serves the resource metrics the HPAs read (from kwok's
// simulated CPU in the simulated cluster); scripts/install-k8s-tools.sh builds it from here.
package tools

import _ "sigs.k8s.io/metrics-server/cmd/metrics-server"
