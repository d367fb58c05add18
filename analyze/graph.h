/*
 * graph.h: the failover graph of a campaign, laid out by Graphviz.
 *
 * One node per site: its area grows with the site's baseline load, its
 * fill shows the headroom left at the worst expected load of any measured
 * scenario (load_model.h) against its capacity; a site of unknown capacity
 * is drawn grey and dashed. One edge per single-site failover X -> Y with a
 * share above zero, its width and label the weighted share (the matrix's
 * own numbers); one dashed edge to the node "(lost)" for the share of X
 * that did not answer.
 */
#ifndef TP_GRAPH_H
#define TP_GRAPH_H

#include <stddef.h>

#include "../lib/config.h"	/* not the autoconf config.h in the build folder */
#include "error.h"
#include "matrix.h"

/* How much room a site has left at its worst expected load. */
enum graph_headroom {
	HEADROOM_UNKNOWN,	/* no capacity known */
	HEADROOM_AMPLE,		/* at least GRAPH_TIGHT of the capacity left */
	HEADROOM_TIGHT,		/* fits, with less than GRAPH_TIGHT left */
	HEADROOM_OVER,		/* the expected load exceeds the capacity */
};

/* Below this share of capacity left, a site's headroom is tight. */
#define GRAPH_TIGHT 0.2

/* Per site index: its worst expected load (its own baseline load at least). */
double *graph_worst_load(const struct failover_matrix *m, const struct tp_conf *conf);
/* The headroom class of a site given its worst expected load. */
enum graph_headroom graph_headroom_of(double worst, double capacity);

/*
 * The graph of m rendered as format "dot" (the graph and its attributes,
 * before layout) or "svg" (laid out in memory by the engine its layout
 * attribute names: dot, or neato for graphs of many sites). *out is
 * NUL-terminated; free it with free().
 */
int graph_render(const struct failover_matrix *m, const struct tp_conf *conf,
    const char *format, char **out, size_t *len, struct tp_err *err);

#endif
