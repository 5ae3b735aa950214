// Command etcd is etcd's own server entry point. go.etcd.io/etcd/server/v3 has no main package of its
// own (the etcd binary lives in a module the proxy cannot build: it replaces its siblings with ../),
// and Debian's etcd 3.4 is too old for kube-apiserver 1.36 (watch lists need RequestWatchProgress).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
