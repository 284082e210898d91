// Code added by Jingzhun's deploy/local/ferretdb/patches.py.

package handler

import "sync"

// writeMu makes read-modify-write commands atomic with respect to each other.
var writeMu sync.Mutex
