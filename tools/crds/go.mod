// Pins the upstream modules whose CRDs the simulated cluster installs (k8s/sim): nothing is built
// from here; `go mod download -json` in this folder finds them, verified against go.sum. These are
// the versions of the supported combination in docs/kubernetes.md.
module splitbench/tools/crds

go 1.26.0

require (
	github.com/envoyproxy/gateway v1.8.3
	sigs.k8s.io/gateway-api v1.5.1
)
