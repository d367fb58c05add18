# man pages: one mdoc page per program plus tp.conf(5).
