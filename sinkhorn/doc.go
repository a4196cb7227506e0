// Package sinkhorn solves entropic optimal transport.
package sinkhorn
