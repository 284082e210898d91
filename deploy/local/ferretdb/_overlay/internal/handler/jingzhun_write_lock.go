// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package handler

import "github.com/FerretDB/FerretDB/internal/backends"

// writeMu makes read-modify-write commands atomic with respect to each other.
var writeMu = &backends.JingzhunWriteMu
