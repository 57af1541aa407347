// Command probe is the workload of every engine experiment: a static binary
// that listens on one TCP port and otherwise does nothing, so a swarm task
// built from it reaches Running without pulling an image from a registry.
//
// Usage:
//
//	probe [port]    listen on port (default $PORT, else 80) until SIGTERM
//	probe ifaces    print the container's interfaces (name, MTU, addresses) as JSON
//	probe resolve NAME  print the addresses NAME resolves to, one a line (exit 1 if none)
//
// Any other arguments (the command a fixture gives its service, such as
// `celery -A tasks worker`) are ignored: the probe stands in for every
// image, whatever it is told to run.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "ifaces" {
		if err := printInterfaces(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 2 && os.Args[1] == "resolve" {
		addrs, err := net.LookupHost(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, a := range addrs {
			fmt.Println(a)
		}
		return
	}
	port := os.Getenv("PORT")
	if len(os.Args) > 1 {
		if n, err := strconv.Atoi(os.Args[1]); err == nil && n > 0 && n < 65536 {
			port = os.Args[1]
		}
	}
	if port == "" {
		port = "80"
	}
	// PID 1 gets no default SIGTERM handler: exit at once so that removing a
	// service does not wait for the 10 s stop grace period.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go serve(ln)
	<-stop
}

// serve answers every connection with one line naming the container.
func serve(ln net.Listener) {
	host, _ := os.Hostname()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Fprintf(c, "swarmlint-probe %s\n", host)
		c.Close()
	}
}

type iface struct {
	Name  string   `json:"name"`
	MTU   int      `json:"mtu"`
	Addrs []string `json:"addrs"`
}

func printInterfaces() error {
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	out := make([]iface, 0, len(ifs))
	for _, i := range ifs {
		e := iface{Name: i.Name, MTU: i.MTU, Addrs: []string{}}
		addrs, err := i.Addrs()
		if err != nil {
			return err
		}
		for _, a := range addrs {
			e.Addrs = append(e.Addrs, a.String())
		}
		out = append(out, e)
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
