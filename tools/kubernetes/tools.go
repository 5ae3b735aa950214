//go:build tools

// Package tools pins the Kubernetes control-plane commands the simulated cluster runs
// (scripts/k8s-tools.sh builds each cmd/<name> from this module).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
