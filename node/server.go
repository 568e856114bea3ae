package node

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
)

// serve registers the namespaces and serves JSON-RPC over HTTP and
// WebSocket on one listener.
func (n *Node) serve() error {
	srv := rpc.NewServer()
	srv.SetHTTPBodyLimit(n.cfg.MaxRequestSize)
	srv.SetBatchLimits(1000, n.cfg.MaxRequestSize)
	for _, api := range []struct {
		namespace string
		service   any
	}{
		{"eth", &ethAPI{n}},
		{"net", &netAPI{n}},
		{"web3", web3API{}},
		{"booster", &boosterAPI{n}},
	} {
		if err := srv.RegisterName(api.namespace, api.service); err != nil {
			return fmt.Errorf("node: register %s: %w", api.namespace, err)
		}
	}
	ln, err := net.Listen("tcp", n.cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("%w: listen on %s: %w", ErrConfig, n.cfg.ListenAddr, err)
	}
	ws := srv.WebsocketHandler([]string{"*"})
	n.server, n.listener = srv, ln
	n.http = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				ws.ServeHTTP(w, r)
				return
			}
			srv.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	n.done.Add(1)
	go func() {
		defer n.done.Done()
		if err := n.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			n.log.Error("JSON-RPC server stopped", "err", err)
		}
	}()
	return nil
}
